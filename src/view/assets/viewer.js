// @ts-check
// ccshare's viewer script: the same file on `ccshare view` pages and inline in
// `show --html` files. It never turns session text into markup: everything it
// inserts is HTML the server rendered (escaped there), fetched from the same
// origin, which the page's CSP also enforces.
(() => {
  const base = document.body.dataset.base ?? "";

  /** Times in the reader's own time zone. @param {ParentNode} root */
  function localTimes(root) {
    for (const time of root.querySelectorAll("time[datetime]")) {
      const date = new Date(time.getAttribute("datetime") ?? "");
      if (!Number.isNaN(date.getTime())) {
        time.setAttribute("title", date.toISOString());
        time.textContent = date.toLocaleString();
      }
    }
  }

  /** @param {string} src */
  async function fetchHtml(src) {
    const response = await fetch(base + src, { credentials: "omit" });
    if (!response.ok) throw new Error(`${response.status}`);
    return response.text();
  }

  /**
   * Fetches the HTML at a placeholder's data-src: a page's "more" is replaced
   * by it, a subagent not loaded yet is filled with it. Then wires what arrived.
   * @param {HTMLElement} placeholder
   */
  async function load(placeholder) {
    if (placeholder.dataset.loading) return;
    placeholder.dataset.loading = "1";
    const note = placeholder.querySelector(":scope > .note");
    try {
      const html = await fetchHtml(placeholder.dataset.src ?? "");
      const parent = placeholder.parentElement ?? document.body;
      if (placeholder.classList.contains("lazy")) {
        note?.remove();
        placeholder.insertAdjacentHTML("beforeend", html);
        placeholder.classList.remove("lazy");
        wire(placeholder);
      } else {
        placeholder.insertAdjacentHTML("beforebegin", html);
        placeholder.remove();
        wire(parent);
      }
    } catch {
      placeholder.dataset.loading = "";
      (note ?? placeholder).textContent = "Could not load this part; is `ccshare view` still running?";
    }
  }

  const observer = "IntersectionObserver" in window
    ? new IntersectionObserver((seen) => {
        for (const e of seen) if (e.isIntersecting && e.target instanceof HTMLElement) load(e.target);
      }, { rootMargin: "1200px" })
    : undefined;

  /** Wires what is new under `root` (each element once). @param {ParentNode} root */
  function wire(root) {
    localTimes(root);
    for (const more of root.querySelectorAll(".more[data-src]:not([data-wired])")) {
      if (!(more instanceof HTMLElement) || !more.dataset.src) continue;
      more.dataset.wired = "1";
      more.querySelector("button")?.addEventListener("click", () => load(more));
      observer?.observe(more);
    }
    for (const lazy of root.querySelectorAll(".subagent.lazy[data-src]:not([data-wired])")) {
      const holder = lazy.closest("details");
      if (!(lazy instanceof HTMLElement) || !holder) continue;
      lazy.dataset.wired = "1";
      const open = () => holder.open && load(lazy);
      holder.addEventListener("toggle", open);
      open();
    }
  }

  // Copy buttons: the text of the element they name.
  document.addEventListener("click", async (event) => {
    const button = event.target instanceof Element ? event.target.closest("button[data-copy]") : null;
    if (!(button instanceof HTMLButtonElement)) return;
    const text = document.getElementById(button.dataset.copy ?? "")?.textContent ?? "";
    try {
      await navigator.clipboard.writeText(text);
      button.textContent = "Copied";
    } catch {
      const range = document.createRange();
      const target = document.getElementById(button.dataset.copy ?? "");
      if (target) range.selectNodeContents(target);
      getSelection()?.removeAllRanges();
      getSelection()?.addRange(range);
      button.textContent = "Selected: press Ctrl-C";
    }
    setTimeout(() => (button.textContent = "Copy"), 2000);
  });

  // Open or close every tool call at once.
  for (const button of document.querySelectorAll("button[data-expand]")) {
    button.addEventListener("click", () => {
      const calls = [...document.querySelectorAll("details.tool")];
      const open = calls.some((d) => d instanceof HTMLDetailsElement && !d.open);
      for (const d of calls) if (d instanceof HTMLDetailsElement) d.open = open;
      button.textContent = open ? "Close all tool calls" : "Open all tool calls";
    });
  }

  /** A link to a message inside a closed part opens that part. */
  function reveal() {
    const target = location.hash ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
    if (!target) return;
    for (let d = target.closest("details"); d; d = d.parentElement?.closest("details") ?? null) d.open = true;
    target.scrollIntoView({ block: "start" });
  }
  addEventListener("hashchange", reveal);

  // The catalog: search as you type, by project, since a date, received only.
  const table = document.getElementById("sessions");
  if (table) {
    const rows = [...table.querySelectorAll("tbody tr")].filter((r) => r instanceof HTMLElement).map((row) => ({
      row: /** @type {HTMLElement} */ (row),
      text: `${row.querySelector(".title")?.textContent ?? ""} ${row.querySelector(".first-prompt")?.textContent ?? ""}`.toLowerCase(),
    }));
    const field = (/** @type {string} */ id) => /** @type {HTMLInputElement | null} */ (document.getElementById(id));
    const count = document.getElementById("shown");
    const filter = () => {
      const words = (field("q")?.value ?? "").toLowerCase().split(/\s+/).filter(Boolean);
      const project = field("project")?.value ?? "";
      const since = field("since")?.value ?? "";
      const received = field("received")?.checked ?? false;
      let shown = 0;
      for (const { row, text } of rows) {
        const d = row.dataset;
        const hide = !words.every((w) => text.includes(w)) || (project && d.project !== project) || (since && (d.modified ?? "") < since) || (received && d.received !== "1");
        row.hidden = Boolean(hide);
        if (!hide) shown++;
      }
      if (count) count.textContent = String(shown);
    };
    for (const id of ["q", "project", "since", "received"]) field(id)?.addEventListener("input", filter);
    document.querySelector("form.filters")?.addEventListener("submit", (e) => e.preventDefault());
    addEventListener("keydown", (e) => {
      if (e.key === "/" && document.activeElement?.tagName !== "INPUT") {
        e.preventDefault();
        field("q")?.focus();
      }
    });
    filter();
  }

  // Token totals, when the server counts them after the first screen.
  const tokens = document.getElementById("tokens");
  if (tokens instanceof HTMLElement && tokens.dataset.src) {
    fetchHtml(tokens.dataset.src).then((text) => (tokens.textContent = text), () => (tokens.textContent = "?"));
  }

  wire(document);
  reveal();
})();
