// A real browser for the viewer's tests: Debian's chromium, headless, driven
// by puppeteer-core (the only importer of it), one per test file (each file's
// afterAll calls closeBrowser), with a fresh profile in a temp dir. And the
// viewer itself: the compiled binary's `ccshare view --no-open --json`.
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { lines, repoRoot, requireBinary, start } from "../support/bin.ts";
import { afterRun, tempDir } from "../support/cleanup.ts";

export type { Browser, Page } from "puppeteer-core";

/** Debian's chromium (.ci/run installs it); CHROMIUM_PATH names another Chromium, as on GitHub's Ubuntu runners. */
const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/** Screenshots go here (gitignored), for people to look at. */
export const SHOTS = join(repoRoot, "bench", "out");

let browser: Browser | undefined;

function kill(pid: number | undefined): void {
  try {
    if (pid) process.kill(pid, "SIGKILL");
  } catch {
    // Gone already.
  }
}

export async function launchBrowser(): Promise<Browser> {
  if (browser) return browser;
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium); .ci/run does.`);
  const profile = tempDir("ccshare-chromium-");
  browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: [...FLAGS, `--user-data-dir=${profile}`] });
  const pid = browser.process()?.pid;
  afterRun(() => kill(pid)); // in case a file's afterAll never ran
  return browser;
}

/** Each browser test file's afterAll: the next file starts a browser of its own. */
export async function closeBrowser(): Promise<void> {
  const closing = browser;
  browser = undefined;
  const pid = closing?.process()?.pid;
  await closing?.close().catch(() => undefined);
  kill(pid);
}

/** A new page that fails the test on a CSP violation or a script error in it. */
export async function newPage(): Promise<Page & { problems: string[] }> {
  const page = (await (await launchBrowser()).newPage()) as Page & { problems: string[] };
  page.problems = [];
  page.on("console", (m) => {
    if (m.type() === "error") page.problems.push(m.text());
  });
  page.on("pageerror", (e) => page.problems.push(String(e)));
  return page;
}

export interface RunningView {
  url: string;
  proc: ReturnType<typeof start>;
  port: number;
}

/** `ccshare view` from the binary; resolves once it printed its ready line. */
export async function startView(env: Record<string, string>, args: string[] = []): Promise<RunningView> {
  const proc = start([requireBinary(), "view", "--no-open", "--json", ...args], { env });
  for await (const line of lines(proc.stdout)) {
    const event = JSON.parse(line) as { event: string; url: string; port: number };
    if (event.event === "ready") return { url: event.url, port: event.port, proc };
  }
  throw new Error(`ccshare view exited before it was ready: ${await new Response(proc.stderr).text()}`);
}

export function stopView(view: RunningView | undefined): void {
  if (view && view.proc.exitCode === null) view.proc.kill("SIGKILL");
}

/** A full-page PNG under bench/out/, every message painted (content-visibility would leave those off screen blank). */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SHOTS, { recursive: true });
  const path = join(SHOTS, name);
  await page.setViewport({ width: 1100, height: 900 });
  await page.evaluate(() => document.querySelectorAll<HTMLElement>("section.msg").forEach((s) => (s.style.contentVisibility = "visible")));
  await page.screenshot({ path: path as `${string}.png`, fullPage: true });
  return path;
}
