// `make bench BENCH_ARGS=install`: the receiver's whole back half, the path
// every receive and import takes (install/incoming.ts): decode each record,
// decompress it capped, hash it, edit its lines on the way to disk, then
// prepare and place every session (SESSIONS-FORMAT.md "Resume, and what an
// install must do"), on ~200 MB of sessions whose records were encoded
// beforehand. Every session comes from another project than the target, so
// nearly every line has its top-level cwd rewritten.
//   1. records -> installed sessions, median of RUNS (default 3): >= 400 MB/s
//   2. peak RSS while installing (VmHWM, reset just before): <= 150 MB
// Run 1 is the one a receive sees: the installer's code is not yet JIT-compiled.
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { listSessions, offerSessions } from "../src/catalog/catalog.ts";
import { Incoming } from "../src/install/incoming.ts";
import { sessionStream } from "../src/pack/encode.ts";
import { decodeRecord, type CatalogSession } from "../src/pack/records.ts";
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

/**
 * The store as a sharer sends it (pack/encode.ts sessionStream), encoded once
 * and held in memory, so that each run times only the receiver's side.
 */
async function sentStream(config: string): Promise<{ catalog: CatalogSession[]; records: Uint8Array[]; bytes: number }> {
  const env = { CLAUDE_CONFIG_DIR: config, HOME: dirname(config) };
  const offered = (await offerSessions((await listSessions({ env })).sessions, env)).sessions;
  const records: Uint8Array[] = [];
  let catalog: CatalogSession[] = [];
  for await (const { plain } of sessionStream({ sessions: offered })) {
    const record = decodeRecord(plain);
    if (record.k === "catalog") catalog = catalog.concat(record.sessions);
    else records.push(plain);
  }
  return { catalog, records, bytes: offered.reduce((n, s) => n + s.files.reduce((m, f) => m + f.size, 0), 0) };
}

const root = mkdtempSync(join(tmpdir(), "ccshare-bench-install-"));
let failed = 0;
try {
  const generated = Bun.spawnSync([process.execPath, "run", import.meta.path, "generate", join(root, "alice", ".claude")], { stdout: "inherit", stderr: "inherit" });
  if (generated.exitCode !== 0) throw new Error(`generating the store failed (exit ${generated.exitCode})`);
  const { catalog, records, bytes } = await sentStream(join(root, "alice", ".claude"));
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
    const incoming = await Incoming.open({ catalog, wanted: new Set(catalog.map((s) => s.id)), into, env });
    let result;
    try {
      for (const record of records) await incoming.accept(decodeRecord(record));
      result = await incoming.install();
    } finally {
      await incoming.dispose();
    }
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    if (result.installed.length !== catalog.length) throw new Error(`installed ${result.installed.length} of ${catalog.length} sessions`);
    rates.push(bytes / MB / seconds);
    peaks.push(vmHwmMb());
    console.log(`run ${run + 1}: ${(bytes / MB).toFixed(0)} MB installed in ${seconds.toFixed(2)} s = ${rates.at(-1)!.toFixed(0)} MB/s (CPU ${(cpu.user / 1e6).toFixed(2)} s user + ${(cpu.system / 1e6).toFixed(2)} s system), peak RSS ${peaks.at(-1)!.toFixed(0)} MB (${before.toFixed(0)} MB before)${reset ? "" : " (whole process)"}`);
    rmSync(home, { recursive: true, force: true });
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(`receive path (records -> installed): median ${median(rates).toFixed(0)} MB/s (target >= 400), median peak RSS ${median(peaks).toFixed(0)} MB (target <= 150)`);
  if (median(rates) < 400) failed++;
  if (median(peaks) > 150) failed++;
} finally {
  rmSync(root, { recursive: true, force: true });
}
if (failed) console.log(`${failed} target(s) NOT met`);
process.exit(failed ? 1 : 0);
