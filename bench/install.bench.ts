// `make bench BENCH_ARGS=install`: install() alone, the last step of a receive
// (SESSIONS-FORMAT.md "Resume, and what an install must do"), on ~200 MB of
// sessions staged the way pack/decode leaves them (one staging dir, paths
// relative to the project folder). Every session comes from another project
// than the target, so nearly every line has its top-level cwd rewritten.
//   1. install() of the whole staged store, median of RUNS (default 3): >= 400 MB/s
//   2. peak RSS while installing (VmHWM, reset just before): <= 150 MB
// Run 1 is the one a receive sees: the installer's code is not yet JIT-compiled.
import { closeSync, copyFileSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { install, type StagedSession } from "../src/install/install.ts";
import { writeBigStore } from "../test/fixtures/store.ts";

const MB = 1024 * 1024;
const RUNS = Number(process.env.RUNS ?? 3);

// The store is generated in a child process, so that its garbage is not counted in this one's RSS.
if (process.argv[2] === "generate") {
  writeBigStore(process.argv[3]!, { sessions: 60, totalBytes: 200 * MB });
  process.exit(0);
}

function vmHwmMb(): number {
  return Number(/VmHWM:\s+(\d+)/.exec(readFileSync("/proc/self/status", "utf8"))?.[1] ?? 0) / 1024;
}

function rssMb(): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync("/proc/self/status", "utf8"))?.[1] ?? 0) / 1024;
}

/** Resets the kernel's peak-RSS counter (Linux >= 4.0), so the figure is install()'s, not the generator's. */
function resetPeak(): boolean {
  try {
    writeFileSync("/proc/self/clear_refs", "5");
    return true;
  } catch {
    return false;
  }
}

/** The first top-level cwd of a transcript (the catalog's "project"), read from its first line. */
function projectOf(path: string): string {
  const fd = openSync(path, "r");
  try {
    const head = new Uint8Array(1 * MB);
    const n = readSync(fd, head, 0, head.length, 0);
    const text = new TextDecoder().decode(head.subarray(0, n));
    return (JSON.parse(text.slice(0, text.indexOf("\n"))) as { cwd: string }).cwd;
  } finally {
    closeSync(fd);
  }
}

/** Copies every session of the store into one staging dir, as the receiver's Unpacker leaves them. */
function stageStore(config: string, dir: string): { staged: StagedSession[]; bytes: number } {
  const projects = join(config, "projects");
  const staged: StagedSession[] = [];
  let bytes = 0;
  for (const folder of readdirSync(projects)) {
    for (const name of readdirSync(join(projects, folder))) {
      if (!name.endsWith(".jsonl")) continue;
      const from = join(projects, folder, name);
      const to = join(dir, name);
      mkdirSync(dirname(to), { recursive: true });
      copyFileSync(from, to);
      bytes += statSync(to).size;
      staged.push({ id: name.slice(0, -".jsonl".length), project: projectOf(from), dir, files: [name] });
    }
  }
  return { staged, bytes };
}

const root = mkdtempSync(join(tmpdir(), "ccshare-bench-install-"));
let failed = 0;
try {
  const generated = Bun.spawnSync([process.execPath, "run", import.meta.path, "generate", join(root, "alice", ".claude")], { stdout: "inherit", stderr: "inherit" });
  if (generated.exitCode !== 0) throw new Error(`generating the store failed (exit ${generated.exitCode})`);
  const staging = join(root, "staged");
  const { staged, bytes } = stageStore(join(root, "alice", ".claude"), staging);
  const rates: number[] = [];
  const peaks: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    // A fresh receiver each run, so every session is new there.
    const home = join(root, `bob-${run}`);
    const env = { HOME: home, CLAUDE_CONFIG_DIR: join(home, ".claude") };
    const into = realpathSync(mkdtempSync(join(root, "project-")));
    Bun.gc(true);
    const before = rssMb();
    const reset = resetPeak();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const result = await install({ staged, into, env });
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    if (result.installed.length !== staged.length) throw new Error(`installed ${result.installed.length} of ${staged.length} sessions`);
    rates.push(bytes / MB / seconds);
    peaks.push(vmHwmMb());
    console.log(`run ${run + 1}: ${(bytes / MB).toFixed(0)} MB installed in ${seconds.toFixed(2)} s = ${rates.at(-1)!.toFixed(0)} MB/s (CPU ${(cpu.user / 1e6).toFixed(2)} s user + ${(cpu.system / 1e6).toFixed(2)} s system), peak RSS ${peaks.at(-1)!.toFixed(0)} MB (${before.toFixed(0)} MB before)${reset ? "" : " (whole process)"}`);
    rmSync(home, { recursive: true, force: true });
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(`install(): median ${median(rates).toFixed(0)} MB/s (target >= 400), median peak RSS ${median(peaks).toFixed(0)} MB (target <= 150)`);
  if (median(rates) < 400) failed++;
  if (median(peaks) > 150) failed++;
} finally {
  rmSync(root, { recursive: true, force: true });
}
if (failed) console.log(`${failed} target(s) NOT met`);
process.exit(failed ? 1 : 0);
