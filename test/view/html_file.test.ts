// `ccshare show ID --html`: one file that renders in a file:// page exactly
// what the viewer's transcript page shows, with no request beyond itself.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { writeRichSession, type RichSession } from "../fixtures/rich_session.ts";
import { isolatedEnv, requireBinary, run } from "../support/bin.ts";
import { closeBrowser, newPage, startView, stopView, type Page, type RunningView } from "./_browser.ts";

setDefaultTimeout(60_000);

let view: RunningView | undefined;
let rich: RichSession;
let file: string;
let env: Record<string, string>;

beforeAll(async () => {
  const own = isolatedEnv();
  env = own.env;
  rich = writeRichSession(own.configDir);
  file = join(own.home, "session.html");
  expect((await run([requireBinary(), "show", rich.id.slice(0, 8), "--html", "--out", file], { env })).code).toBe(0);
  view = await startView(env);
});

afterAll(async () => {
  stopView(view);
  await closeBrowser();
});

/** The transcript's text with every part open, and how many of each part there are. */
async function rendering(page: Page) {
  await page.$$eval("details", (ds) => ds.forEach((d) => ((d as HTMLDetailsElement).open = true)));
  await page.waitForFunction(() => !document.querySelector(".subagent.lazy"));
  await page.$$eval("details", (ds) => ds.forEach((d) => ((d as HTMLDetailsElement).open = true)));
  return page.evaluate(() => ({
    header: (document.querySelector("header .facts") as HTMLElement).innerText,
    resume: document.getElementById("resume-command")?.textContent,
    text: (document.getElementById("transcript") as HTMLElement).innerText,
    parts: ["section.msg", "details.tool", "details.thinking", "pre.diff", ".subagent section.msg", "img.picture", "time[title]"].map((s) => `${s}: ${document.querySelectorAll(s).length}`),
  }));
}

describe("show --html", () => {
  test("writes one self-contained file, the same as on stdout", async () => {
    const html = readFileSync(file, "utf8");
    expect((await run([requireBinary(), "show", rich.id, "--html"], { env })).stdout).toBe(html);
    expect(html).toStartWith("<!doctype html>");
    expect(html).not.toMatch(/<(link|script|img)[^>]+(src|href)="(?!data:)/);
    expect(html).toContain('http-equiv="Content-Security-Policy"');
  });

  test("renders from file:// as the viewer renders the session, with no request beyond the file", async () => {
    const page = await newPage();
    const requests: string[] = [];
    page.on("request", (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
    const fromFile = await rendering(page);
    expect(requests.filter((u) => !u.startsWith("data:"))).toEqual([pathToFileURL(file).href]);
    expect(page.problems).toEqual([]);
    const served = await newPage();
    await served.goto(`${view!.url}s/${rich.id}`, { waitUntil: "load" });
    await served.waitForFunction(() => /\d/.test(document.getElementById("tokens")?.textContent ?? ""));
    const fromServer = await rendering(served);
    expect(fromFile).toEqual(fromServer);
    expect(fromFile.text).toContain(rich.text.subagentAnswer);
    expect(fromFile.parts).toContain("img.picture: 1");
    await page.close();
    await served.close();
  });

  test("--out without --html, and --html with --json, are usage errors", async () => {
    expect((await run([requireBinary(), "show", rich.id, "--out", file], { env })).code).toBe(2);
    expect((await run([requireBinary(), "show", rich.id, "--html", "--json"], { env })).code).toBe(2);
  });

  test("an --out that cannot be written is one clear sentence and exit 1", async () => {
    const r = await run([requireBinary(), "show", rich.id, "--html", "--out", "/nonexistent-dir/x.html"], { env });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("/nonexistent-dir/x.html");
  });
});
