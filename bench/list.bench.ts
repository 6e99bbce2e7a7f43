// `ccshare list --json` over a generated ~1 GB store of ~1,000 sessions, timed
// against `cat` reading the same bytes in the same run (issue 2 targets):
//   first listing <= 2x cat, repeated listing (cache) <= 0.5x cat,
//   peak RSS of list <= 150 MB, `ccshare --help` <= 30 ms.
// The store lives in a temp dir that is deleted afterwards.
// CCSHARE_BENCH_BYTES / CCSHARE_BENCH_SESSIONS make a smaller store for a quick look.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { writeBigStore } from "../test/fixtures/store.ts";

const bin = resolve(import.meta.dir, "../dist/ccshare");
const totalBytes = Number(process.env.CCSHARE_BENCH_BYTES ?? 1e9);
const sessions = Number(process.env.CCSHARE_BENCH_SESSIONS ?? 1000);
const RUNS = 3;
const HELP_RUNS = 20;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function sessionFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sessionFiles(path, out);
    else if (name.endsWith(".jsonl")) out.push(path);
  }
  return out;
}

/** Wall time of one run in ms; throws if it fails. */
async function timed(cmd: string[], env: Record<string, string>): Promise<number> {
  const started = performance.now();
  const proc = Bun.spawn(cmd, { env, stdout: "ignore", stderr: "pipe" });
  const code = await proc.exited;
  const elapsed = performance.now() - started;
  if (code !== 0) throw new Error(`${cmd.slice(0, 3).join(" ")} ... exited ${code}: ${await new Response(proc.stderr).text()}`);
  return elapsed;
}

/** Peak RSS in MB: /usr/bin/time -v if present, else VmHWM from /proc while polling. */
async function peakRss(cmd: string[], env: Record<string, string>): Promise<number> {
  if (existsSync("/usr/bin/time")) {
    const proc = Bun.spawn(["/usr/bin/time", "-v", ...cmd], { env, stdout: "ignore", stderr: "pipe" });
    const report = await new Response(proc.stderr).text();
    await proc.exited;
    const kb = /Maximum resident set size \(kbytes\): (\d+)/.exec(report);
    if (kb) return Number(kb[1]) / 1024;
  }
  const proc = Bun.spawn(cmd, { env, stdout: "ignore", stderr: "ignore" });
  let peak = 0;
  while (proc.exitCode === null) {
    try {
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${proc.pid}/status`, "utf8"));
      if (hwm) peak = Math.max(peak, Number(hwm[1]) / 1024);
    } catch {
      break;
    }
    await Bun.sleep(2);
  }
  await proc.exited;
  return peak;
}

const home = mkdtempSync(join(tmpdir(), "ccshare-bench-list-"));
let failed = false;
try {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`make bench\` (it builds first).`);
  const configDir = join(home, ".claude");
  const cacheHome = join(home, ".cache");
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, CLAUDE_CONFIG_DIR: configDir, XDG_CACHE_HOME: cacheHome, NO_COLOR: "1" };
  const genStart = performance.now();
  writeBigStore(configDir, { sessions, totalBytes });
  const files = sessionFiles(join(configDir, "projects"));
  const bytes = files.reduce((n, f) => n + statSync(f).size, 0);
  console.log(`store: ${files.length} session files, ${(bytes / 1e6).toFixed(0)} MB (generated in ${((performance.now() - genStart) / 1000).toFixed(1)} s)`);

  const cat = ["cat", ...files];
  const list = [bin, "list", "--json"];
  await timed(cat, env); // both measurements read from the page cache
  const catMs: number[] = [];
  const coldMs: number[] = [];
  const warmMs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    catMs.push(await timed(cat, env));
    rmSync(cacheHome, { recursive: true, force: true });
    coldMs.push(await timed(list, env));
    warmMs.push(await timed(list, env));
  }
  rmSync(cacheHome, { recursive: true, force: true });
  const rssCold = await peakRss(list, env);
  const rssWarm = await peakRss(list, env);
  const helpMs: number[] = [];
  for (let i = 0; i < HELP_RUNS; i++) helpMs.push(await timed([bin, "--help"], env));

  const c = median(catMs);
  const targets = [
    { what: "first listing", value: median(coldMs), limit: 2 * c, unit: "ms", detail: `${(median(coldMs) / c).toFixed(2)}x cat (target <= 2x)` },
    { what: "repeated listing", value: median(warmMs), limit: 0.5 * c, unit: "ms", detail: `${(median(warmMs) / c).toFixed(2)}x cat (target <= 0.5x)` },
    { what: "peak RSS of list", value: Math.max(rssCold, rssWarm), limit: 150, unit: "MB", detail: `first ${rssCold.toFixed(0)} MB, repeated ${rssWarm.toFixed(0)} MB (target <= 150 MB)` },
    { what: "ccshare --help", value: median(helpMs), limit: 30, unit: "ms", detail: `median of ${HELP_RUNS}, min ${Math.min(...helpMs).toFixed(1)} ms (target <= 30 ms)` },
  ];
  console.log(`cat of the same files: ${c.toFixed(0)} ms (runs: ${catMs.map((x) => x.toFixed(0)).join(", ")})`);
  console.log(`first listing runs: ${coldMs.map((x) => x.toFixed(0)).join(", ")} ms; repeated: ${warmMs.map((x) => x.toFixed(0)).join(", ")} ms`);
  for (const t of targets) {
    const ok = t.value <= t.limit;
    failed ||= !ok;
    console.log(`${ok ? "ok  " : "MISS"} ${t.what}: ${t.value.toFixed(t.unit === "MB" ? 0 : 1)} ${t.unit} — ${t.detail}`);
  }
} catch (error) {
  failed = true;
  console.log(`bench failed: ${(error as Error).message}`);
} finally {
  rmSync(home, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
