// `ccshare view`'s catalog page in a real browser over a fixture store with
// a session received through ccshare: every session newest first, the
// received one marked, search as you type, project and date filters.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { writeRichSession } from "../fixtures/rich_session.ts";
import { writeStore, type FixtureSession } from "../fixtures/store.ts";
import { isolatedEnv, requireBinary, run } from "../support/bin.ts";
import { closeBrowser, newPage, screenshot, startView, stopView, type Page, type RunningView } from "./_browser.ts";

setDefaultTimeout(60_000);

let view: RunningView | undefined;
let page: Page & { problems: string[] };
let listed: { id: string; title: string; project: string; modified: string }[];
let received: string;
let store: FixtureSession[];

beforeAll(async () => {
  const bin = requireBinary();
  const sharer = isolatedEnv();
  writeRichSession(sharer.configDir, { seed: "shared", cwd: "/home/bob/src/shared" });
  const { env, configDir, home } = isolatedEnv();
  const bundle = join(sharer.home, "s.ccs");
  const passphrase = ["--passphrase", "orbit maple tiger flute ocean"];
  expect((await run([bin, "export", "--all", "--out", bundle, ...passphrase], { env: sharer.env })).code).toBe(0);
  mkdirSync(join(home, "proj"));
  expect((await run([bin, "import", bundle, "--all", "--into", join(home, "proj"), ...passphrase, "--yes", "--json"], { env })).code).toBe(0);
  store = writeStore(configDir);
  writeRichSession(configDir);
  listed = JSON.parse((await run([bin, "list", "--json"], { env })).stdout);
  received = listed.find((s) => s.project === join(home, "proj"))!.id;
  view = await startView(env);
  page = await newPage();
  await page.goto(view.url, { waitUntil: "load" });
});

afterAll(async () => {
  stopView(view);
  await closeBrowser();
});

const shownIds = () => page.$$eval("#sessions tbody tr:not([hidden]) a.title", (as) => as.map((a) => (a as HTMLAnchorElement).href.split("/s/")[1]));

describe("the catalog page", () => {
  test("lists every session on this machine, newest first, as `list` does", async () => {
    expect(await page.title()).toBe("Claude Code sessions — ccshare");
    expect(await shownIds()).toEqual(listed.map((s) => s.id));
    expect(await page.$eval("#shown", (n) => n.textContent)).toBe(String(listed.length));
    const sizes = await page.$$eval("#sessions tbody tr td.num", (tds) => tds.map((t) => t.textContent));
    expect(sizes.some((s) => /KB$/.test(s ?? ""))).toBe(true);
  });

  test("marks the session that arrived through ccshare, and only that one", async () => {
    const marked = await page.$$eval("#sessions tbody tr[data-received='1'] a.title", (as) => as.map((a) => (a as HTMLAnchorElement).href.split("/s/")[1]));
    expect(marked).toEqual([received]);
    expect(await page.$$eval(".badge.received", (b) => b.length)).toBe(1);
  });

  test("narrows as you type, over titles and first prompts", async () => {
    const one = store.find((s) => s.title !== s.firstPrompt && s.firstPrompt.includes("marker-"))!;
    const marker = /marker-[0-9a-f]{8}-one/.exec(one.firstPrompt)![0];
    await page.type("#q", marker);
    expect(await shownIds()).toEqual([one.id]);
    expect(await page.$eval("#shown", (n) => n.textContent)).toBe("1");
    await page.$eval("#q", (q) => ((q as HTMLInputElement).value = ""));
    await page.type("#q", "RICH-TITLE");
    expect((await shownIds()).sort()).toEqual(listed.filter((s) => s.title.includes("rich-title")).map((s) => s.id).sort());
    await page.$eval("#q", (q) => ((q as HTMLInputElement).value = ""));
    await page.type("#q", "nothing has this text");
    expect(await shownIds()).toEqual([]);
    await page.$eval("#q", (q) => ((q as HTMLInputElement).value = ""));
    await page.type("#q", " ");
  });

  test("filters by project, by date and to the received ones", async () => {
    await page.select("#project", "/home/alice/src/app");
    expect(await shownIds()).toEqual(listed.filter((s) => s.project === "/home/alice/src/app").map((s) => s.id));
    await page.select("#project", "");
    const since = listed[3]!.modified.slice(0, 10);
    await page.$eval("#since", (d, v) => {
      (d as HTMLInputElement).value = v;
      d.dispatchEvent(new Event("input"));
    }, since);
    expect(await shownIds()).toEqual(listed.filter((s) => s.modified.slice(0, 10) >= since).map((s) => s.id));
    await page.$eval("#since", (d) => {
      (d as HTMLInputElement).value = "";
      d.dispatchEvent(new Event("input"));
    });
    await page.click("#received");
    expect(await shownIds()).toEqual([received]);
    await page.click("#received");
    expect(await shownIds()).toEqual(listed.map((s) => s.id));
    expect(page.problems).toEqual([]);
    console.log(`screenshot: ${await screenshot(page, "catalog.png")}`);
  });

  test("opens a transcript from its title", async () => {
    await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click(`a.title[href$="/s/${received}"]`)]);
    expect(await page.$eval("h1", (h) => h.textContent)).toBe("Fix the parser rich-titlereceived");
    expect(await page.$eval("h1 .badge.received", (b) => b.textContent)).toBe("received");
    expect(page.problems).toEqual([]);
  });
});
