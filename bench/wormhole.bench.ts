// `make bench BENCH_ARGS=wormhole` (issue 5): the same ~200 MB sessions folder
// sent through a relay on loopback by ccshare and by magic-wormhole 0.12 (its
// own mailbox server and transit relay, `--no-listen` so the bytes go through
// the relay). Wall time from starting the sender to the receiver's exit.
// Target: ccshare <= 0.25x magic-wormhole, on text that compresses as real
// transcripts do (DESIGN.md §3: ~7% under zstd). magic-wormhole zips with
// deflate, whose speed depends on the text far more than zstd's does, so the
// repetitive corpus of the other benches (under 1%) is run and shown as well.
// Needs the Debian packages magic-wormhole, python3-magic-wormhole-mailbox-server
// and magic-wormhole-transit-relay.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { constants, zstdCompressSync } from "node:zlib";
import { writeBigStore } from "../test/fixtures/store.ts";

const MB = 1024 * 1024;
const bin = join(import.meta.dir, "../dist/ccshare");
for (const tool of ["/usr/bin/wormhole", "/usr/bin/twist3"]) {
  if (!existsSync(tool)) {
    console.log(`${tool} is missing: apt-get install magic-wormhole python3-magic-wormhole-mailbox-server magic-wormhole-transit-relay`);
    process.exit(1);
  }
}

const root = mkdtempSync(join(tmpdir(), "ccshare-bench-wormhole-"));
const procs: Bun.Subprocess[] = [];
const spawn = (cmd: string[], o: { env?: Record<string, string>; cwd?: string } = {}) => {
  const proc = Bun.spawn(cmd, { env: { PATH: process.env.PATH!, HOME: root, ...o.env }, cwd: o.cwd ?? root, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  procs.push(proc);
  return proc;
};

async function freePort(): Promise<number> {
  const server = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = server.port;
  server.stop(true);
  return port;
}

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not come up`);
    await Bun.sleep(50);
  }
}

const listening = (port: number) => async () => {
  try {
    const s = await Bun.connect({ hostname: "127.0.0.1", port, socket: { data() {} } });
    s.end();
    return true;
  } catch {
    return false;
  }
};

async function firstJson(proc: Bun.Subprocess<"ignore", "pipe", "pipe">, event: string): Promise<Record<string, unknown>> {
  const reader = proc.stdout.getReader();
  const decoder = new TextDecoder();
  let buffered = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`no ${event} event: ${await new Response(proc.stderr).text()}`);
    buffered += decoder.decode(value, { stream: true });
    for (const line of buffered.split("\n").slice(0, -1)) {
      const parsed = JSON.parse(line);
      if (parsed.event === event) {
        reader.releaseLock();
        void proc.stdout.pipeTo(new WritableStream());
        return parsed;
      }
    }
    buffered = buffered.slice(buffered.lastIndexOf("\n") + 1);
  }
}

async function mustExit(proc: Bun.Subprocess<"ignore", "pipe", "pipe">, what: string): Promise<void> {
  const code = await proc.exited;
  if (code !== 0) throw new Error(`${what} exited ${code}: ${await new Response(proc.stderr).text()}`);
}

/** zstd level 1 over 512 KiB chunks, as ccshare sends them: what a folder shrinks to. */
function compressedShare(files: string[]): number {
  let raw = 0;
  let packed = 0;
  for (const file of files) {
    const bytes = readFileSync(file);
    raw += bytes.length;
    for (let at = 0; at < bytes.length; at += 512 * 1024) {
      packed += zstdCompressSync(bytes.subarray(at, at + 512 * 1024), { params: { [constants.ZSTD_c_compressionLevel]: 1 } }).length;
    }
  }
  return packed / raw;
}

/**
 * Written-back pages before each timed run: otherwise the kernel flushes the
 * last run's (or the generator's) hundreds of MB during the next one, and
 * whichever tool runs second pays for it.
 */
function settle(): void {
  Bun.spawnSync(["sync"]);
}

/** Runs of each tool per corpus, interleaved; each tool is judged on its median (this VM's speed drifts by 15-20% within minutes). */
const RUNS = 3;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** One corpus, both tools, RUNS times each: wall seconds from starting the sender to the receiver's exit. */
async function compare(text: "realistic" | "repetitive"): Promise<{ bytes: number; shrinksTo: number; wormhole: number[]; ccshare: number[] }> {
  const base = join(root, text);
  const alice = { HOME: join(base, "alice"), CLAUDE_CONFIG_DIR: join(base, "alice/.claude") };
  writeBigStore(alice.CLAUDE_CONFIG_DIR, { sessions: 60, totalBytes: 200 * MB, text });
  const folder = join(alice.CLAUDE_CONFIG_DIR, "projects");
  const files = readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
  const bytes = files.reduce((n, f) => n + statSync(f).size, 0);

  // magic-wormhole: local mailbox and transit relay.
  const [mailboxPort, transitPort] = [await freePort(), await freePort()];
  const mailbox = spawn(["twist3", "wormhole-mailbox", `--port=tcp:${mailboxPort}:interface=127.0.0.1`, `--channel-db=${join(base, "mailbox.sqlite")}`]);
  const transit = spawn(["twist3", "transitrelay", `--port=tcp:${transitPort}:interface=127.0.0.1`]);
  await until("the wormhole mailbox", listening(mailboxPort));
  await until("the transit relay", listening(transitPort));
  const wh = ["wormhole", "--relay-url", `ws://127.0.0.1:${mailboxPort}/v1`, "--transit-helper", `tcp:127.0.0.1:${transitPort}`];
  // ccshare: our relay, relay-only on both sides.
  const relay = spawn([bin, "relay", "--host", "127.0.0.1", "--port", "0", "--json"]);
  const relayUrl = `ws://127.0.0.1:${(await firstJson(relay, "ready")).port}`;

  const wormholeRun = async (run: number): Promise<number> => {
    const out = join(base, `wormhole-out-${run}`);
    mkdirSync(out);
    const code = `${7 + run}-bench-sessions`;
    settle();
    const t0 = performance.now();
    const send = spawn([...wh, "send", "--no-listen", "--hide-progress", "--code", code, folder]);
    const receive = spawn([...wh, "receive", "--no-listen", "--hide-progress", "--accept-file", "-o", join(out, "projects"), code], { cwd: out });
    await mustExit(receive, "wormhole receive");
    const seconds = (performance.now() - t0) / 1000;
    await send.exited;
    const received = readdirSync(out, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).reduce((n, e) => n + statSync(join(e.parentPath, e.name)).size, 0);
    if (received !== bytes) throw new Error(`magic-wormhole delivered ${received} of ${bytes} bytes`);
    rmSync(out, { recursive: true, force: true });
    return seconds;
  };

  const ccshareRun = async (run: number): Promise<number> => {
    // Every run as the first: the sharer's catalog cache cold, a receiver that has none of the sessions.
    rmSync(join(alice.HOME, ".cache"), { recursive: true, force: true });
    const project = join(base, `project-${run}`);
    mkdirSync(project);
    const bob = { HOME: join(base, `bob-${run}`), CLAUDE_CONFIG_DIR: join(base, `bob-${run}/.claude`) };
    settle();
    const t0 = performance.now();
    const share = spawn([bin, "share", "--all", "--yes", "--json", "--no-lan", "--relay", relayUrl, "--passphrase", "bench words"], { env: alice });
    const code = String((await firstJson(share, "ready")).code);
    const receive = spawn([bin, "receive", code, "--no-lan", "--relay", relayUrl, "--all", "--yes", "--json"], { env: bob, cwd: project });
    await mustExit(receive, "ccshare receive");
    const seconds = (performance.now() - t0) / 1000;
    await share.exited;
    const installed = readdirSync(join(bob.CLAUDE_CONFIG_DIR, "projects"), { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith(".jsonl")).length;
    if (installed !== files.length) throw new Error(`ccshare installed ${installed} of ${files.length} files`);
    rmSync(bob.HOME, { recursive: true, force: true });
    return seconds;
  };

  const wormhole: number[] = [];
  const ccshare: number[] = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      wormhole.push(await wormholeRun(run));
      ccshare.push(await ccshareRun(run));
    }
  } finally {
    mailbox.kill("SIGKILL");
    transit.kill("SIGKILL");
    relay.kill("SIGKILL");
  }
  const shrinksTo = compressedShare(files);
  rmSync(base, { recursive: true, force: true });
  return { bytes, shrinksTo, wormhole, ccshare };
}

try {
  const rate = (bytes: number, s: number) => `${(bytes / MB / s).toFixed(0)} MB/s`;
  const times = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(", ");
  let met = true;
  // The target is judged on text that compresses like real transcripts; the
  // repetitive corpus the other benches use is shown too, for comparison.
  for (const text of ["realistic", "repetitive"] as const) {
    const r = await compare(text);
    const [wormhole, ccshare] = [median(r.wormhole), median(r.ccshare)];
    const ratio = ccshare / wormhole;
    const judged = text === "realistic";
    if (judged) met = ratio <= 0.25;
    console.log(`${(r.bytes / MB).toFixed(0)} MB sessions folder, ${text} text (zstd -1 leaves ${(r.shrinksTo * 100).toFixed(1)}%), through a loopback relay, sender start -> receiver exit, median of ${RUNS} interleaved runs:`);
    console.log(`  magic-wormhole 0.12: ${wormhole.toFixed(2)} s (${rate(r.bytes, wormhole)}); runs ${times(r.wormhole)} s`);
    console.log(`  ccshare:             ${ccshare.toFixed(2)} s (${rate(r.bytes, ccshare)}); runs ${times(r.ccshare)} s`);
    console.log(`  ratio ${ratio.toFixed(3)}${judged ? " (target <= 0.25)" : " (shown for comparison; real transcripts are not this repetitive)"}`);
  }
  process.exitCode = met ? 0 : 1;
} finally {
  for (const p of procs) p.kill("SIGKILL");
  rmSync(root, { recursive: true, force: true });
}
