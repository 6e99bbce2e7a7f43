// `ccshare view` on a 50 MB session, in headless chromium: how long until the
// first screen of messages is painted (target <= 1.5 s, issue 16), how big the
// first response and the later pages are, and `show --html` of the same
// session. The store lives in a temp dir that is deleted afterwards.
// CCSHARE_BENCH_BYTES makes a smaller session for a quick look.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import puppeteer from "puppeteer-core";
import { outline } from "../src/catalog/conversation.ts";
import { uuidFrom } from "../test/fixtures/lines.ts";
import { writeBigStore } from "../test/fixtures/store.ts";

const bin = resolve(import.meta.dir, "../dist/ccshare");
const bytes = Number(process.env.CCSHARE_BENCH_BYTES ?? 50e6);
const RUNS = 5;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const home = mkdtempSync(join(tmpdir(), "ccshare-bench-view-"));
let failed = false;
let server: ReturnType<typeof Bun.spawn> | undefined;
let browser: Awaited<ReturnType<typeof puppeteer.launch>> | undefined;
try {
  const configDir = join(home, ".claude");
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, CLAUDE_CONFIG_DIR: configDir, XDG_CACHE_HOME: join(home, ".cache"), NO_COLOR: "1" };
  writeBigStore(configDir, { sessions: 1, totalBytes: bytes, text: "realistic" });
  const id = uuidFrom("big:0");
  const file = join(configDir, "projects", "-home-bench-projects-project-0", `${id}.jsonl`);
  console.log(`session: ${(statSync(file).size / 1e6).toFixed(1)} MB`);

  server = Bun.spawn([bin, "view", "--no-open", "--json"], { env, stdout: "pipe", stderr: "inherit" });
  const reader = (server.stdout as ReadableStream<Uint8Array>).getReader();
  const { url } = JSON.parse(new TextDecoder().decode((await reader.read()).value).split("\n")[0]!) as { url: string };
  const profile = join(home, "chromium");
  browser = await puppeteer.launch({ executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium", headless: true, args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", `--user-data-dir=${profile}`] });
  const firstScreen: number[] = [];
  const paints: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    const started = performance.now();
    await page.goto(`${url}s/${id}`, { waitUntil: "domcontentloaded" });
    await page.waitForSelector("main > section.msg.assistant", { visible: true });
    firstScreen.push(performance.now() - started);
    paints.push(await page.evaluate(() => performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? Number.NaN));
    await page.close();
  }
  const page0 = await fetch(`${url}s/${id}`).then((r) => r.text());
  const next = /data-src="([^"]+)"/.exec(page0.slice(page0.lastIndexOf('class="more"')))?.[1]?.replace(/&amp;/g, "&");
  const page1 = next ? await fetch(`${url}${next}`).then((r) => r.text()) : "";
  console.log(`first response ${(page0.length / 1024).toFixed(0)} KB; the next page ${(page1.length / 1024).toFixed(0)} KB`);
  // Token totals need the whole session: the page asks for them after its first screen (timed here in this process).
  const outlineStarted = performance.now();
  outline(file, []);
  console.log(`token totals of the whole session counted in ${(performance.now() - outlineStarted).toFixed(0)} ms (once per version of the file)`);

  const htmlStarted = performance.now();
  const html = Bun.spawnSync([bin, "show", id, "--html", "--out", join(home, "s.html")], { env });
  const htmlMs = performance.now() - htmlStarted;
  if (html.exitCode !== 0) throw new Error(`show --html exited ${html.exitCode}`);
  // The first run is the server's first look at the session (nothing cached); the others find it known.
  console.log(`first screen (navigation to the first answer visible): ${firstScreen.map((x) => x.toFixed(0)).join(", ")} ms; first contentful paint ${paints.map((x) => x.toFixed(0)).join(", ")} ms`);
  console.log(`show --html: ${(statSync(join(home, "s.html")).size / 1e6).toFixed(1)} MB file in ${(htmlMs / 1000).toFixed(2)} s`);
  const ok = median(firstScreen) <= 1500;
  failed ||= !ok;
  console.log(`${ok ? "ok  " : "MISS"} first screen of a ${(bytes / 1e6).toFixed(0)} MB session: ${median(firstScreen).toFixed(0)} ms median of ${RUNS} (target <= 1500 ms)`);
} catch (error) {
  failed = true;
  console.log(`bench failed: ${(error as Error).message}`);
} finally {
  await browser?.close().catch(() => undefined);
  server?.kill("SIGTERM");
  await server?.exited;
  rmSync(home, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
