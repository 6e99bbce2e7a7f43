// Relay throughput and memory (PROTOCOL.md §5, §6; DESIGN.md §4): 200 room
// pairs at once, each moving 5 MB through one relay on loopback, with
// credit-based flow control on the clients as ccshare does it:
// SEND_CHUNK_BYTES messages, a window of 8 + EXTRA_CREDIT records, the
// receiver acking each one. Two relays, one after the other in one run: the
// binary's `ccshare relay`, and the Cloudflare relay in workerd
// (scripts/relay_local.ts, as `make relay-local` runs it).
// Targets: nothing lost or corrupted (SHA-256 per pair) through either;
// `ccshare relay` peak RSS (VmHWM) <= 300 MB; workerd, one process holding all
// 200 rooms where Cloudflare gives each room's object 128 MB, <= 24 MB per
// room over its idle RSS: two in-flight windows (limits.ts maxInFlightBytes),
// one per direction, which bound a room that has no backpressure.
// Prints MB/s, wall time and peak RSS of each; exits 1 on a missed target.
// To compare, RELAY_BENCH_RELAY replaces the binary relay's command prefix
// (e.g. "node /tmp/relay.mjs", a bundle of test/relay/node_entry.ts) and
// RELAY_BENCH_MESSAGE the message size in bytes.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CreditWindow, type Channel } from "../src/net/channel.ts";
import { joinRoom, openRoom } from "../src/net/relay_client.ts";
import { SEND_CHUNK_BYTES } from "../src/pack/limits.ts";
import { EXTRA_CREDIT } from "../src/transfer/receive.ts";
import { INITIAL_CREDIT } from "../src/transfer/send.ts";

const PAIRS = 200;
const BYTES_PER_PAIR = 5_000_000;
// A data record's plaintext plus CBOR and AEAD framing is a little over a chunk.
const MESSAGE = Number(process.env.RELAY_BENCH_MESSAGE ?? SEND_CHUNK_BYTES + 64);
const WINDOW = INITIAL_CREDIT + EXTRA_CREDIT;
const MB = 1e6;

interface BenchedRelay {
  name: string;
  cmd: string[];
  /** Peak RSS over the whole run, or (perRoom) over the relay's RSS when ready, divided by PAIRS. */
  peakRssLimit: number;
  perRoom?: boolean;
}

const binary = process.env.RELAY_BENCH_RELAY?.split(" ") ?? [join(import.meta.dir, "../dist/ccshare")];
const RELAYS: BenchedRelay[] = [
  { name: "ccshare relay", cmd: [...binary, "relay", "--host", "127.0.0.1", "--port", "0", "--json", "--join-rate", "100000"], peakRssLimit: 300 * MB },
  {
    name: "workerd",
    cmd: [process.execPath, join(import.meta.dir, "../scripts/relay_local.ts"), "--port", "0", "--json", "--limits", JSON.stringify({ joinsPerMinute: 100_000 })],
    peakRssLimit: 24 * MB,
    perRoom: true,
  },
];

function rss(pid: number, field: "VmHWM" | "VmRSS" = "VmHWM"): number {
  return Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]) * 1024;
}

/** The relay's ready event; its later output is read and dropped, so its stdout never fills. */
async function ready(proc: Bun.Subprocess<"ignore", "pipe", "inherit">): Promise<{ url: string; workerdPid?: number }> {
  const reader = proc.stdout.getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("the relay exited before it was ready");
    text += new TextDecoder().decode(value);
  }
  void (async () => {
    while (!(await reader.read()).done);
  })();
  return JSON.parse(text.slice(0, text.indexOf("\n")));
}

// Content distinct per pair and per message (views into one random pool),
// so a lost, duplicated, reordered or crossed message changes the digest.
const pool = randomPool();
function randomPool(): Uint8Array {
  const bytes = new Uint8Array(16 * MESSAGE);
  for (let i = 0; i < bytes.length; i += 65536) crypto.getRandomValues(bytes.subarray(i, i + 65536));
  return bytes;
}
function chunk(pair: number, index: number, size: number): Uint8Array {
  const offset = (pair * 7919 + index * 104_729) % (pool.length - MESSAGE);
  return pool.subarray(offset, offset + size);
}

async function send(channel: Channel, pair: number): Promise<string> {
  const window = new CreditWindow(WINDOW);
  const hash = createHash("sha256");
  const acks = (async () => {
    for (let acked = 0; acked < Math.ceil(BYTES_PER_PAIR / MESSAGE); acked++) window.grant((await channel.receive(30_000)).length);
  })();
  for (let i = 0, sent = 0; sent < BYTES_PER_PAIR; i++) {
    const message = chunk(pair, i, Math.min(MESSAGE, BYTES_PER_PAIR - sent));
    await window.take(30_000);
    hash.update(message);
    await channel.send(message);
    sent += message.byteLength;
  }
  await acks;
  return hash.digest("hex");
}

async function receive(channel: Channel): Promise<string> {
  const hash = createHash("sha256");
  for (let received = 0; received < BYTES_PER_PAIR; ) {
    const message = await channel.receive(30_000);
    hash.update(message);
    received += message.byteLength;
    await channel.send(new Uint8Array(1)); // one credit per record processed (§5)
  }
  return hash.digest("hex");
}

async function setUpPair(url: string, pair: number) {
  const code = `B${String(pair).padStart(5, "0")}`;
  const room = await openRoom(url, code);
  const peers = room.peers[Symbol.asyncIterator]();
  const receiver = await joinRoom(url, code);
  const sharer = await room.acceptPeer((await peers.next()).value!.id);
  return { room, sharer, receiver };
}

/** One relay through the whole load; true when it met its targets. */
async function bench(relay: BenchedRelay): Promise<boolean> {
  const proc = Bun.spawn(relay.cmd, { stdin: "ignore", stdout: "pipe", stderr: "inherit", env: { ...process.env, CBOR_NATIVE_ACCELERATION_DISABLED: "true" } });
  const kill = () => proc.exitCode === null && proc.kill("SIGKILL");
  process.on("exit", kill);
  let memoryPid = proc.pid;
  try {
    const { url, workerdPid } = await ready(proc);
    memoryPid = workerdPid ?? proc.pid;
    const idle = rss(memoryPid, "VmRSS");
    const pairs = await Promise.all(Array.from({ length: PAIRS }, (_, i) => setUpPair(url, i)));
    const started = performance.now();
    const digests = await Promise.all(pairs.map(async (p, i) => Promise.all([send(p.sharer, i), receive(p.receiver)])));
    const seconds = (performance.now() - started) / 1000;
    const corrupt = digests.filter(([sent, got]) => sent !== got).length;
    const peak = rss(memoryPid);
    const judged = relay.perRoom ? (peak - idle) / PAIRS : peak;
    const totalMB = (PAIRS * BYTES_PER_PAIR) / MB;
    for (const p of pairs) (p.sharer.close(), p.room.close());
    const name = relay.name.padEnd(13);
    console.log(`relay ${name}: ${PAIRS} pairs x ${BYTES_PER_PAIR / MB} MB in ${MESSAGE}-byte messages = ${totalMB} MB in ${seconds.toFixed(2)} s wall: ${(totalMB / seconds).toFixed(0)} MB/s`);
    console.log(`relay ${name}: digests ${PAIRS - corrupt}/${PAIRS} match${corrupt ? ` — ${corrupt} CORRUPT` : ""}`);
    const target = `target <= ${relay.peakRssLimit / MB} MB${relay.perRoom ? " per room" : ""}${judged > relay.peakRssLimit ? " — MISSED" : ""}`;
    const perRoom = relay.perRoom ? `, ${(idle / MB).toFixed(0)} MB idle: ${(judged / MB).toFixed(1)} MB per room` : "";
    console.log(`relay ${name}: peak RSS ${(peak / MB).toFixed(0)} MB${perRoom} (${target})`);
    return corrupt === 0 && judged <= relay.peakRssLimit;
  } catch (error) {
    console.error(`relay bench (${relay.name}) failed: ${(error as Error).message}`);
    return false;
  } finally {
    proc.kill("SIGTERM");
    await proc.exited;
    process.off("exit", kill);
    // Miniflare ends workerd when it is stopped; make sure of it.
    if (memoryPid !== proc.pid) {
      try {
        process.kill(memoryPid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
  }
}

let failed = false;
for (const relay of RELAYS) if (!(await bench(relay))) failed = true;
process.exit(failed ? 1 : 0);
