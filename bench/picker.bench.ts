// The picker at 5,000 sessions (issue 12 §1: it opens in <= 200 ms), and Tab
// completion of session ids over the same store, in the compiled binary on a
// real pty. Timed from spawn to the first full frame (the help line of keys),
// with the catalog cache warm, as a second `share`/`export` finds it.
// The store lives in a temp dir that is deleted afterwards.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { writeManySessions } from "../test/fixtures/many_sessions.ts";
import { Pty } from "../test/support/pty.ts";

const bin = resolve(import.meta.dir, "../dist/ccshare");
const SESSIONS = Number(process.env.CCSHARE_BENCH_SESSIONS ?? 5000);
const RUNS = 7;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const home = mkdtempSync(join(tmpdir(), "ccshare-bench-picker-"));
try {
  mkdirSync(join(home, ".claude"));
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, CLAUDE_CONFIG_DIR: join(home, ".claude"), XDG_CACHE_HOME: join(home, ".cache"), NO_COLOR: "1", CBOR_NATIVE_ACCELERATION_DISABLED: "true" };
  writeManySessions(env.CLAUDE_CONFIG_DIR, SESSIONS, { era: process.env.CCSHARE_BENCH_ERA === "2.1" ? "2.1" : "2.0" });
  await Bun.spawn([bin, "list"], { env, stdout: "ignore" }).exited; // the cache a second run finds

  const opens: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    const pty = new Pty([bin, "export", "--out", join(home, "x.ccs")], { env, cols: 120, rows: 40 });
    await pty.waitFor("esc cancel", 30_000);
    opens.push(performance.now() - started);
    pty.write("\x1b");
    await pty.exited();
  }
  const completes: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await Bun.spawn([bin, "__complete", "session", "topic-42"], { env, stdout: "ignore" }).exited;
    completes.push(performance.now() - started);
  }
  const open = median(opens);
  const complete = median(completes);
  console.log(`picker, ${SESSIONS} sessions: first frame ${open.toFixed(0)} ms median (runs ${opens.map((t) => t.toFixed(0)).join(", ")}); target <= 200 ms`);
  console.log(`completion of session ids, ${SESSIONS} sessions: ${complete.toFixed(0)} ms median; target <= 100 ms`);
  if (open > 200 || complete > 100) process.exitCode = 1;
} finally {
  rmSync(home, { recursive: true, force: true });
}
