// `make bench BENCH_ARGS=handback` (issue 12 §3): sessions going back and forth.
//   1. Alice shares a 100 MB session to Bob; Bob's copy grows by 1 MB (lines as
//      Claude Code appends them); he hands it back. Only the new part may cross
//      the wire: <= 1.1 MB + 64 KiB through the relay, and Alice's receive done
//      in <= 0.5 s (from its start to its exit, loopback, compiled binary).
//   2. The catalog exchange for 1,000 sessions the receiver already has (all
//      up to date): what it adds, the receiver saying what it holds and the
//      sharer deciding what to send, <= 100 ms (in one process, warm).
import { appendFileSync, mkdirSync, readdirSync, realpathSync, statSync } from "node:fs";
import { join } from "node:path";
import { listSessions, offerSessions } from "../src/catalog/catalog.ts";
import { projectFolderName } from "../src/catalog/paths.ts";
import { Incoming } from "../src/install/incoming.ts";
import { encodeCatalog } from "../src/pack/catalog_records.ts";
import { sessionStream } from "../src/pack/encode.ts";
import { decodeRecord } from "../src/pack/records.ts";
import { DigestCache } from "../src/sync/digests.ts";
import { outgoingSessions } from "../src/sync/outgoing.ts";
import { sourceText, Transcript } from "../test/fixtures/lines.ts";
import { writeSession } from "../test/fixtures/store.ts";
import { startRelay } from "../test/support/relay_process.ts";
import { cleanUp, tempDir } from "../test/support/cleanup.ts";
import { startTapProxy } from "../test/support/tap_proxy.ts";
import { person, startJson, writeBigSession, type Person } from "../test/e2e/_transfer_support.ts";

const MB = 1024 * 1024;
let failed = 0;
const judge = (ok: boolean) => (ok ? "" : ((failed++), "  NOT met"));

/** `ccshare relay` behind a recording proxy: what crosses the relay is counted. */
async function startCountedRelay(): Promise<{ url: string; bytes: () => number; stop: () => void }> {
  const relay = await startRelay();
  const tap = startTapProxy(relay.port);
  return { url: `ws://127.0.0.1:${tap.port}`, bytes: () => tap.fromServer().length, stop: () => (tap.stop(), relay.stop()) };
}

async function handOver(relay: { url: string }, from: Person, to: Person, id: string): Promise<{ seconds: number; event: Record<string, unknown> }> {
  const share = startJson(undefined, ["share", "--session", id, "--yes", "--no-lan", "--relay", relay.url], from);
  const ready = await share.next((e) => e.event === "ready");
  const t0 = performance.now();
  const receive = startJson(undefined, ["receive", "--no-lan", "--relay", relay.url, String(ready.code), "--all", "--yes"], to);
  const event = await receive.next((e) => e.event === "installed");
  if ((await receive.exited) !== 0) throw new Error(await receive.stderr);
  const seconds = (performance.now() - t0) / 1000;
  await share.exited;
  return { seconds, event };
}

/** Appends about `bytes` of lines as Claude Code writes them (prompts, a tool call and its result). */
function grow(path: string, id: string, cwd: string, bytes: number): void {
  const t = new Transcript({ era: "2.1", sessionId: id, cwd, branch: "main", start: new Date(), seed: "grow" });
  // Text that compresses like real transcripts (zstd leaves ~10%), and each result twice (toolUseResult).
  const text = sourceText(bytes, 3);
  for (let at = 0; at < bytes / 2; at += 50_000) {
    t.prompt(`More ${at}`);
    t.tool("Read", { file_path: `${cwd}/src/more-${at}.ts` }, text.slice(at, at + 45_000));
    t.reply(`Done ${at}`);
  }
  appendFileSync(path, t.text());
}

try {
  // 1. The hand-back.
  if (!process.env.ONLY_EXCHANGE) {
  const relay = await startCountedRelay();
  const alice = person();
  const bob = person();
  const id = writeBigSession(alice.configDir, alice.project, 100);
  const out = await handOver(relay, alice, bob, id);
  const bobFile = join(bob.configDir, "projects", projectFolderName(bob.project, {}), `${id}.jsonl`);
  const size = statSync(bobFile).size;
  grow(bobFile, id, bob.project, MB);
  const grown = statSync(bobFile).size - size;
  const before = relay.bytes();
  const back = await handOver(relay, bob, alice, id);
  const wire = relay.bytes() - before;
  const updated = (back.event.sessions as { updated?: boolean }[])[0]?.updated === true;
  console.log(`hand-out of ${(size / MB).toFixed(0)} MB: ${out.seconds.toFixed(2)} s`);
  console.log(`hand-back of ${(size / MB).toFixed(0)} MB + ${(grown / MB).toFixed(2)} MB: ${(wire / MB).toFixed(2)} MB through the relay (target <= ${((1.1 * MB + 64 * 1024) / MB).toFixed(2)})${judge(updated && wire <= 1.1 * MB + 64 * 1024)}, receive ${back.seconds.toFixed(2)} s (target <= 0.5)${judge(back.seconds <= 0.5)}, updated in place: ${updated}`);
  relay.stop();
  }

  // 2. The catalog exchange for 1,000 sessions the receiver has.
  const sharer = { CLAUDE_CONFIG_DIR: join(tempDir("ccshare-bench-1000-"), ".claude"), HOME: "" };
  sharer.HOME = join(sharer.CLAUDE_CONFIG_DIR, "..");
  const cwd = "/home/alice/src/thousand";
  for (let i = 0; i < 1000; i++) writeSession(sharer.CLAUDE_CONFIG_DIR, { era: "2.1", cwd, seed: `thousand-${i}`, tools: 1 });
  const offered = (await offerSessions((await listSessions({ env: sharer })).sessions, sharer)).sessions;
  const receiver = { CLAUDE_CONFIG_DIR: join(tempDir("ccshare-bench-1000r-"), ".claude"), HOME: "" };
  const into = realpathSync(tempDir("ccshare-bench-into-"));
  mkdirSync(receiver.CLAUDE_CONFIG_DIR, { recursive: true });
  const catalog = encodeCatalog(offered).flatMap((plain) => {
    const record = decodeRecord(plain);
    return record.k === "catalog" ? record.sessions : [];
  });
  const wanted = new Set(offered.map((s) => s.entry.id));
  // Installed once through the real path, so every session is held with its lineage.
  const first = await Incoming.open({ catalog, wanted, into, env: receiver });
  try {
    for await (const { plain } of sessionStream({ sessions: offered })) {
      const record = decodeRecord(plain);
      if (record.k !== "catalog") await first.accept(record);
    }
    await first.install();
  } finally {
    await first.dispose();
  }
  const runs: number[] = [];
  for (let run = 0; run < 5; run++) {
    const t0 = performance.now();
    const again = await Incoming.open({ catalog, wanted, into, env: receiver });
    const tOpen = performance.now();
    const held = await again.holdings();
    if (process.env.SPLIT) console.log(`  open ${(tOpen - t0).toFixed(0)} ms`);
    const t1 = performance.now();
    const plan = await outgoingSessions(offered, [...wanted], held, DigestCache.open(sharer));
    runs.push(performance.now() - t0);
    if (process.env.SPLIT) console.log(`  receiver ${(t1 - t0).toFixed(0)} ms, sharer ${(performance.now() - t1).toFixed(0)} ms`);
    await again.dispose();
    if (plan.some((s) => s.outcome.kind !== "up-to-date")) throw new Error("a session the receiver has was not found up to date");
  }
  const median = [...runs].sort((a, b) => a - b)[2]!;
  console.log(`catalog exchange for 1,000 sessions already here: ${median.toFixed(0)} ms added, median of 5 (runs ${runs.map((r) => r.toFixed(0)).join(", ")}; target <= 100)${judge(median <= 100)}`);
  console.log(`(${readdirSync(join(receiver.CLAUDE_CONFIG_DIR, "projects")).length} project folder, ${offered.length} sessions)`);
} finally {
  await cleanUp();
}
if (failed) console.log(`${failed} target(s) NOT met`);
process.exit(failed ? 1 : 0);
