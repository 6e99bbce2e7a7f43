// Session text is text, never markup: a session whose every field carries
// <script>, <img onerror>, <iframe>, javascript: links and a remote picture,
// shown by `ccshare view` and by `show --html`, leaves the page's title and
// DOM as the viewer made them, runs nothing and loads nothing.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ATTACK, writeHostileSession, type RichSession } from "../fixtures/rich_session.ts";
import { isolatedEnv, requireBinary, run } from "../support/bin.ts";
import { closeBrowser, newPage, startView, stopView, type Page, type RunningView } from "./_browser.ts";

setDefaultTimeout(60_000);

let view: RunningView | undefined;
let hostile: RichSession;
let htmlFile: string;

beforeAll(async () => {
  const { env, configDir, home } = isolatedEnv();
  hostile = writeHostileSession(configDir);
  htmlFile = join(home, "hostile.html");
  expect((await run([requireBinary(), "show", hostile.id, "--html", "--out", htmlFile], { env })).code).toBe(0);
  view = await startView(env);
});

afterAll(async () => {
  stopView(view);
  await closeBrowser();
});

/** What the attack would have changed, read from the page. */
async function damage(page: Page) {
  return page.evaluate(() => ({
    pwned: (window as { pwned?: unknown }).pwned ?? null,
    pictures: [...document.querySelectorAll("img")].map((i) => i.getAttribute("src")?.slice(0, 22)).filter((s) => !s?.startsWith("data:image/png;base64")),
    frames: document.querySelectorAll("iframe, object, embed, form:not(.filters), base, meta[http-equiv='refresh']").length,
    scripts: [...document.querySelectorAll("script")].map((s) => s.getAttribute("src")?.replace(/^.*\//, "") ?? "inline"),
    handlers: [...document.querySelectorAll("*")].flatMap((e) => [...e.attributes].filter((a) => a.name.startsWith("on")).map((a) => a.name)),
    scriptLinks: [...document.querySelectorAll("a[href]")].filter((a) => !/^(https?:|#|\/)/.test(a.getAttribute("href") ?? "")).map((a) => a.getAttribute("href")),
  }));
}

/** Opens every closed part (subagents load on a server), then returns the page's text. */
async function openEverything(page: Page): Promise<string> {
  await page.click("button[data-expand]");
  await page.$$eval("details", (ds) => ds.forEach((d) => ((d as HTMLDetailsElement).open = true)));
  await page.waitForFunction(() => !document.querySelector(".subagent.lazy"));
  return page.$eval("body", (b) => (b as HTMLElement).innerText);
}

async function expectInert(page: Page & { problems: string[] }, externalRequests: string[], o: { script: string }) {
  expect(await page.title()).toBe(`${hostile.title} — ccshare`);
  const text = await openEverything(page);
  // Shown, as text: the prompt, the answer's markdown, a tool's output, the subagent's answer.
  expect(text).toContain(`rich-prompt-1${ATTACK}`);
  expect(text).toContain('<script>document.title="pwned";window.pwned=1</script>');
  expect(text).toContain(`rich-bash-output${ATTACK}`);
  expect(text).toContain("rich-subagent-answer");
  expect(await damage(page)).toEqual({ pwned: null, pictures: [], frames: 0, scripts: [o.script], handlers: [], scriptLinks: [] });
  expect(await page.title()).toBe(`${hostile.title} — ccshare`);
  expect(externalRequests).toEqual([]);
  expect(page.problems).toEqual([]);
}

describe("hostile session text", () => {
  test("stays text on the viewer's transcript page", async () => {
    const page = await newPage();
    const origin = new URL(view!.url).origin;
    const external: string[] = [];
    page.on("request", (r) => {
      if (!r.url().startsWith(origin) && !r.url().startsWith("data:")) external.push(r.url());
    });
    await page.goto(`${view!.url}s/${hostile.id}`, { waitUntil: "load" });
    await expectInert(page, external, { script: "viewer.js" });
    await page.close();
  });

  test("stays text on the catalog page", async () => {
    const page = await newPage();
    await page.goto(view!.url, { waitUntil: "load" });
    expect(await page.title()).toBe("Claude Code sessions — ccshare");
    expect(await page.$eval("a.title", (a) => a.textContent)).toBe(hostile.title);
    expect(await page.$eval("td.project", (a) => a.getAttribute("title"))).toBe("/home/eve/app");
    expect(await damage(page)).toEqual({ pwned: null, pictures: [], frames: 0, scripts: ["viewer.js"], handlers: [], scriptLinks: [] });
    expect(page.problems).toEqual([]);
    await page.close();
  });

  test("stays text in a `show --html` file, which loads nothing", async () => {
    const page = await newPage();
    const external: string[] = [];
    page.on("request", (r) => {
      if (!r.url().startsWith("file:") && !r.url().startsWith("data:")) external.push(r.url());
    });
    await page.goto(pathToFileURL(htmlFile).href, { waitUntil: "load" });
    await expectInert(page, external, { script: "inline" });
    await page.close();
  });
});
