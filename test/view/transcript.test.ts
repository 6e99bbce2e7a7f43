// A transcript page of `ccshare view`, in a real browser: the rich fixture
// session's turns, calls, diff, subagent, thinking, picture and links; and a
// session of megabytes that arrives in pages.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { writeBigStore } from "../fixtures/store.ts";
import { uuidFrom } from "../fixtures/lines.ts";
import { writeRichSession, type RichSession } from "../fixtures/rich_session.ts";
import { isolatedEnv } from "../support/bin.ts";
import { closeBrowser, newPage, screenshot, startView, stopView, type Page, type RunningView } from "./_browser.ts";

setDefaultTimeout(60_000);

let view: RunningView | undefined;
let rich: RichSession;
let page: Page & { problems: string[] };

beforeAll(async () => {
  const { env, configDir } = isolatedEnv();
  rich = writeRichSession(configDir);
  writeBigStore(configDir, { sessions: 1, totalBytes: 6e6 });
  view = await startView(env);
  page = await newPage();
  await page.goto(`${view.url}s/${rich.id}`, { waitUntil: "load" });
});

afterAll(async () => {
  stopView(view);
  await closeBrowser();
});

const textOf = (selector: string) => page.$$eval(selector, (els) => els.map((e) => (e as HTMLElement).innerText));
/** The tool call whose summary names `tool`. */
const call = (tool: string) => `details.tool[data-tool="${tool}"]`;

describe("a transcript page", () => {
  test("shows the header, the prompts and the answers in order", async () => {
    expect(await page.title()).toBe(`${rich.title} — ccshare`);
    expect(await page.$eval("h1", (h) => h.textContent)).toBe(rich.title);
    expect(await page.$eval("#resume-command", (c) => c.textContent)).toBe(`cd /home/alice/src/parser && claude --resume ${rich.id}`);
    const prompts = await textOf("main > section.msg.user .text");
    expect(prompts).toEqual([rich.text.prompt, rich.text.second]);
    const said = (await textOf("main > section.msg.assistant > .md")).join("\n");
    expect(said.indexOf("Let me look at the parser")).toBeLessThan(said.indexOf("rich-answer-1"));
    await page.waitForFunction(() => /\d+ in \(\d[\d,]* from cache\) · \d+ out/.test(document.getElementById("tokens")?.textContent ?? ""));
  });

  test("keeps every tool call and the thinking closed until clicked, then shows the call's own result", async () => {
    expect(await page.$$eval("details.tool, details.thinking", (ds) => ds.filter((d) => (d as HTMLDetailsElement).open).length)).toBe(0);
    const shown = () => page.$eval(`${call("Read")} .body pre`, (b) => b.checkVisibility());
    expect(await shown()).toBe(false);
    await page.click(`${call("Read")} > summary`);
    expect(await page.$eval(call("Read"), (d) => (d as HTMLDetailsElement).open)).toBe(true);
    expect(await shown()).toBe(true);
    // Bash finished first, so its result came first; each result sits with its own call.
    const read = await page.$eval(`${call("Read")} .body`, (b) => (b as HTMLElement).innerText);
    expect(read).toContain(rich.text.read);
    expect(read).not.toContain("rich-bash-output");
    expect(await page.$$eval(`${call("Read")} pre.numbered .ln`, (ns) => ns.map((n) => n.textContent))).toEqual(["1", "2", "3"]);
    expect(await page.$eval(`${call("Bash")} .body`, (b) => b.textContent)).toContain(rich.text.bash);
    expect(await page.$eval(`${call("Bash")} summary .badge.error`, (b) => b.textContent)).toBe("error");
    await page.click("details.thinking > summary");
    expect(await page.$eval("details.thinking", (d) => (d as HTMLElement).innerText)).toContain(rich.text.thinking);
  });

  test("shows an Edit as a diff and a Write as the file it wrote", async () => {
    expect(await page.$$eval(`${call("Edit")} pre.diff .add`, (as) => as.map((a) => a.textContent))).toEqual([`+   ${rich.text.edited}`]);
    expect(await page.$$eval(`${call("Edit")} pre.diff .same`, (as) => as.map((a) => a.textContent))).toEqual([`    ${rich.text.read}`]);
    expect(await page.$$eval(`${call("Write")} pre.numbered .ln`, (ns) => ns.length)).toBe(2);
    expect(await page.$eval(`${call("Write")} pre.numbered`, (p) => p.textContent)).toContain(rich.text.written);
  });

  test("shows the subagent inside the Task call that ran it, headed by its task", async () => {
    expect(await page.$eval(`${call("Task")} > summary`, (s) => s.textContent)).toContain("Find callers of parse (Explore)");
    await page.click(`${call("Task")} > summary`);
    await page.waitForSelector(`${call("Task")} .subagent:not(.lazy) section.msg`);
    const inside = await page.$eval(`${call("Task")} .body`, (b) => (b as HTMLElement).innerText);
    expect(inside).toContain(rich.text.subagentPrompt);
    expect(inside.indexOf(rich.text.subagentPrompt)).toBeLessThan(inside.lastIndexOf("rich-subagent-answer"));
    expect(await page.$eval(`${call("Task")} .subagent details.tool[data-tool="Grep"] .body`, (b) => b.textContent)).toContain("src/api.ts:9");
    expect(await page.$$eval("details.subagent-alone", (d) => d.length)).toBe(0);
  });

  test("shows a picture a tool returned, the compaction, and Claude Code's own reply as such", async () => {
    await page.click(`${call("mcp__browser__screenshot")} > summary`);
    await page.waitForFunction((sel: string) => (document.querySelector(sel) as HTMLImageElement | null)?.naturalWidth === 1, {}, `${call("mcp__browser__screenshot")} img.picture`);
    expect(await page.$eval(".note.boundary", (n) => n.textContent)).toBe("Conversation compacted");
    expect(await page.$eval("details.compact", (d) => d.textContent)).toContain(rich.text.compacted);
    expect(await page.$eval("p.synthetic", (p) => p.textContent)).toBe("Claude Code wrote “No response requested.” (not the model)");
    expect(page.problems).toEqual([]);
  });

  test("links to a message, and opening the link shows it", async () => {
    const href = await page.$$eval("main > section.msg.user .meta a.time", (as) => (as[1] as HTMLAnchorElement).href);
    const second = await page.$$eval("main > section.msg.user", (ss) => ss[1]!.id);
    expect(href.endsWith(`#${second}`)).toBe(true);
    const other = await newPage();
    await other.goto(href, { waitUntil: "load" });
    expect(await other.$eval(":target", (t) => t.id)).toBe(second);
    await other.close();
  });

  test("copies the resume command", async () => {
    await page.browserContext().overridePermissions(new URL(view!.url).origin, ["clipboard-read", "clipboard-write", "clipboard-sanitized-write"]);
    await page.click('button[data-copy="resume-command"]');
    await page.waitForFunction(() => document.querySelector('button[data-copy="resume-command"]')?.textContent === "Copied");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`cd /home/alice/src/parser && claude --resume ${rich.id}`);
  });

  test("looks right (a screenshot with a diff and a subagent open, for people)", async () => {
    for (const tool of ["Edit", "Bash"]) await page.click(`${call(tool)} > summary`);
    console.log(`screenshot: ${await screenshot(page, "transcript.png")}`);
  });
});

describe("a session of megabytes", () => {
  const big = uuidFrom("big:0");

  test("sends a first page of bounded size, and the rest in pages as the reader scrolls", async () => {
    const first = await fetch(`${view!.url}s/${big}`).then((r) => r.text());
    expect(first.length).toBeLessThan(1_000_000);
    expect(first).toContain('class="more"');
    const pager = await newPage();
    await pager.goto(`${view!.url}s/${big}`, { waitUntil: "load" });
    const before = await pager.$$eval("main > section.msg.user", (s) => s.length);
    for (let i = 0; i < 200 && (await pager.$(".more")); i++) {
      await pager.evaluate(() => document.querySelector(".more")?.scrollIntoView());
      await pager.waitForFunction((n: number) => document.querySelectorAll("main > section.msg.user").length > n || !document.querySelector(".more"), {}, before);
    }
    expect(await pager.$(".more")).toBeNull();
    const prompts = await pager.$$eval("main > section.msg.user .text", (ts) => ts.map((t) => /^Bench prompt 0\.(\d+):/.exec(t.textContent ?? "")?.[1]));
    expect(prompts.length).toBeGreaterThan(before);
    expect(prompts).toEqual(prompts.map((_, i) => String(i)));
    expect(pager.problems).toEqual([]);
    await pager.close();
  });
});
