// Helpers for relay tests: a relay in this process or a child (the binary,
// Deno, Node, or the Cloudflare relay in workerd), a paired sharer/receiver,
// raw sockets for attacks, close waiting. Every process is started through
// test/support/bin.ts, so it is killed by pid (workerd too, by its own pid).
import { existsSync, readFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { join } from "node:path";
import type { Channel } from "../../src/net/channel.ts";
import { joinRoom, openRoom, type RelayRoom } from "../../src/net/relay_client.ts";
import type { RelayLimits } from "../../src/relay/limits.ts";
import { startRelay, type RelayStats } from "../../src/relay/server.ts";
import { startLocalRelay, workerPath } from "../../scripts/relay_local.ts";
import { bunPath, cliSource, denoPath, isolatedEnv, killPid, lines, repoRoot, requireBinary, run, start, trackPid } from "../support/bin.ts";
import { tempDir } from "../support/cleanup.ts";

/** `ccshare relay` in a child process under each runtime, or the Cloudflare relay in workerd (scripts/relay_local.ts). */
export type RelayRuntime = "binary" | "deno" | "node" | "workerd";

/** The two relays, run in this process: `ccshare relay` (relay/server.ts) and the Cloudflare one in workerd. */
export type RelayKind = "bun" | "workerd";
export const RELAY_KINDS: RelayKind[] = ["bun", "workerd"];

export interface TestRelay {
  kind: RelayKind;
  url: string;
  stop(): Promise<void>;
  /** `ccshare relay`'s counts; the Cloudflare relay has none in one place (each room is its own object). */
  stats?(): RelayStats;
  /** Cloudflare only: evict a room's object as when it idles; its sockets hibernate. */
  evict?(room: string): Promise<void>;
}

export function requireWorker(): string {
  if (!existsSync(workerPath)) throw new Error(`${workerPath} is missing: run the suite with \`make test\` (it builds it first).`);
  return workerPath;
}

export async function startTestRelay(kind: RelayKind, limits: Partial<RelayLimits> = {}): Promise<TestRelay> {
  if (kind === "bun") {
    const relay = await startRelay({ limits });
    return { kind, url: relay.url, stop: relay.stop, stats: relay.stats };
  }
  requireWorker();
  // Miniflare names its own temp dir from os.tmpdir() when it is made, and removes it only at exit.
  const ours = process.env.TMPDIR;
  process.env.TMPDIR = tempDir("ccshare-miniflare-");
  const relay = await startLocalRelay({ limits }).finally(() => {
    if (ours === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = ours;
  });
  trackPid(relay.workerdPid);
  return { kind, url: relay.url, stop: relay.stop, evict: relay.evict };
}

/** `ccshare relay` flags as the Cloudflare relay's limits (its RELAY_LIMITS). */
const LIMIT_FLAGS: Record<string, [keyof RelayLimits, number]> = {
  "--room-ttl": ["roomTtlMs", 60_000],
  "--max-waiting": ["maxWaiting", 1],
  "--join-rate": ["joinsPerMinute", 1],
  "--max-message": ["maxMessageBytes", 1],
  "--max-in-flight": ["maxInFlightBytes", 1],
  "--idle-timeout": ["idleTimeoutMs", 1000],
  "--handshake-timeout": ["handshakeTimeoutMs", 1000],
};

export function limitsFromFlags(args: string[]): Partial<RelayLimits> {
  const limits: Partial<RelayLimits> = {};
  for (let i = 0; i < args.length; i += 2) {
    const [name, scale] = LIMIT_FLAGS[args[i]!] ?? [];
    if (!name) throw new Error(`no Cloudflare relay limit for ${args[i]}`);
    limits[name] = Number(args[i + 1]) * scale!;
  }
  return limits;
}

export interface RelayProcess {
  url: string;
  port: number;
  pid: number;
  events: Record<string, unknown>[];
  /** The first event (past or future) that matches, or a rejection after `timeoutMs`. */
  waitFor(match: (e: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Resident and peak resident memory of the relay process, in bytes (Linux /proc). */
  memory(): { rss: number; peak: number };
  /** SIGTERM, then the exit code. */
  stop(): Promise<number>;
}

let nodeBundle: string | undefined;
/** Node 20 cannot run .ts: bundle the relay command for Node once (see node_entry.ts). */
async function bundleForNode(): Promise<string> {
  if (nodeBundle) return nodeBundle;
  const out = join(tempDir("ccshare-node-"), "relay.mjs");
  const built = await run([bunPath, "build", join(import.meta.dir, "node_entry.ts"), "--target=node", "--format=esm", "--outfile", out]);
  if (built.code !== 0 || !existsSync(out)) throw new Error(`bundling the CLI for Node failed:\n${built.stderr}`);
  return (nodeBundle = out);
}

export async function spawnRelay(runtime: RelayRuntime = "binary", args: string[] = []): Promise<RelayProcess> {
  if (runtime === "workerd") requireWorker();
  const relayArgs = ["relay", "--host", "127.0.0.1", "--port", "0", "--json", ...args];
  const cmd =
    runtime === "binary" ? [requireBinary(), ...relayArgs]
    : runtime === "deno" ? [denoPath, "run", "-A", cliSource, ...relayArgs]
    : runtime === "workerd" ? [bunPath, join(repoRoot, "scripts/relay_local.ts"), "--host", "127.0.0.1", "--port", "0", "--json", "--limits", JSON.stringify(limitsFromFlags(args))]
    : ["node", await bundleForNode(), ...relayArgs];
  const proc = start(cmd, { env: isolatedEnv().env });
  const events: Record<string, unknown>[] = [];
  const waiters = new Set<{ match: (e: Record<string, unknown>) => boolean; resolve: (e: Record<string, unknown>) => void }>();
  let stderr = "";
  void new Response(proc.stderr).text().then((t) => (stderr = t));
  const reading = (async () => {
    for await (const line of lines(proc.stdout)) {
      if (!line.startsWith("{")) continue;
      const event = JSON.parse(line) as Record<string, unknown>;
      events.push(event);
      for (const w of waiters) if (w.match(event)) (waiters.delete(w), w.resolve(event));
    }
  })();
  const waitFor = (match: (e: Record<string, unknown>) => boolean, timeoutMs = 15_000) => {
    const seen = events.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise<Record<string, unknown>>((resolve, reject) => {
      const waiter = { match, resolve: (e: Record<string, unknown>) => (clearTimeout(timer), resolve(e)) };
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(new Error(`relay (${runtime}) never logged the awaited event; events so far: ${JSON.stringify(events)}\nstderr: ${stderr}`));
      }, timeoutMs);
      waiters.add(waiter);
    });
  };
  const ready = await Promise.race([
    waitFor((e) => e.event === "ready", 30_000),
    proc.exited.then(async (code) => {
      await reading;
      throw new Error(`relay (${runtime}) exited ${code} before it was ready: ${stderr}`);
    }),
  ]);
  // The relay's memory is workerd's, a child of the launcher.
  const memoryPid = (ready.workerdPid as number | undefined) ?? proc.pid;
  trackPid(memoryPid);
  return {
    url: ready.url as string,
    port: ready.port as number,
    pid: proc.pid,
    events,
    waitFor,
    memory() {
      const status = readFileSync(`/proc/${memoryPid}/status`, "utf8");
      const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN) * 1024;
      return { rss: kb("VmRSS"), peak: kb("VmHWM") };
    },
    async stop() {
      proc.kill("SIGTERM");
      const code = await proc.exited;
      if (memoryPid !== proc.pid) killPid(memoryPid);
      return code;
    },
  };
}

export interface Pair {
  room: RelayRoom;
  sharer: Channel;
  receiver: Channel;
}

/** Open `code` on the relay, join it, and glue one pipe: the two ends of it. */
export async function pair(url: string, code: string, room?: RelayRoom): Promise<Pair> {
  room ??= await openRoom(url, code);
  const peers = room.peers[Symbol.asyncIterator]();
  const receiver = await joinRoom(url, code);
  const { value } = await peers.next();
  const sharer = await room.acceptPeer(value!.id);
  return { room, sharer, receiver };
}

/** A raw WebSocket that resolves with its close event (code and reason). */
export function dial(url: string): { ws: WebSocket; opened: Promise<void>; closed: Promise<{ code: number; reason: string }>; texts: string[] } {
  const ws = new WebSocket(url);
  ws.binaryType = "arraybuffer";
  const texts: string[] = [];
  ws.addEventListener("message", (e) => typeof e.data === "string" && texts.push(e.data));
  const opened = new Promise<void>((resolve, reject) => {
    ws.addEventListener("open", () => resolve());
    ws.addEventListener("close", () => reject(new Error(`${url} closed before opening`)));
  });
  opened.catch(() => {});
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.addEventListener("close", (e) => resolve({ code: e.code, reason: e.reason })));
  return { ws, opened, closed, texts };
}

/**
 * A WebSocket client that says nothing, on a raw TCP socket: `closeFrame`
 * resolves with the Close frame the server sends (code and reason), when it
 * is sent. (workerd ends the TCP connection of a hibernatable socket that has
 * said nothing ~10 s after its Close frame, and a WebSocket client reports the
 * close only then; the frame is what the relay decided, and when.)
 */
export async function silentClient(url: string): Promise<{ socket: Socket; closeFrame: Promise<{ code: number; reason: string }> }> {
  const socket = await upgraded(url);
  let frames = Buffer.alloc(0);
  const closeFrame = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.on("data", (chunk: Buffer) => {
      frames = Buffer.concat([frames, chunk]);
      for (;;) {
        if (frames.length < 2) return;
        const short = frames[1]! & 0x7f;
        const [at, length] = short === 126 ? [4, frames.readUInt16BE(2)] : short === 127 ? [10, Number(frames.readBigUInt64BE(2))] : [2, short];
        if (frames.length < at + length) return;
        const payload = frames.subarray(at, at + length);
        if ((frames[0]! & 0x0f) === 8) return resolve({ code: payload.readUInt16BE(0), reason: payload.subarray(2).toString("utf8") });
        frames = frames.subarray(at + length);
      }
    });
    socket.resume();
  });
  socket.on("error", () => {});
  return { socket, closeFrame };
}

/**
 * A WebSocket client that completes the handshake and then never reads
 * again: the TCP socket is paused, so everything sent to it piles up.
 */
export function slowReader(url: string): Promise<Socket> {
  return upgraded(url);
}

/** A raw TCP socket that has completed a WebSocket upgrade, paused. */
function upgraded(url: string): Promise<Socket> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(u.port), u.hostname);
    socket.on("error", reject);
    socket.once("connect", () => {
      const key = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
      socket.write(`GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    });
    let head = "";
    const onData = (chunk: Buffer) => {
      head += chunk.toString("latin1");
      if (!head.includes("\r\n\r\n")) return;
      socket.off("data", onData);
      if (!head.startsWith("HTTP/1.1 101")) return reject(new Error(`upgrade refused: ${head.split("\r\n")[0]}`));
      socket.pause();
      // Whatever came after the response head belongs to the frames.
      const rest = Buffer.from(head.slice(head.indexOf("\r\n\r\n") + 4), "latin1");
      if (rest.length > 0) socket.unshift(rest);
      resolve(socket);
    };
    socket.on("data", onData);
  });
}

export async function sha256(bytes: Uint8Array): Promise<string> {
  return Buffer.from(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>)).toString("hex");
}

/** Deterministic, distinct content per (seed, index): corruption or reordering shows. */
export function payload(seed: number, index: number, size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  let x = (seed * 2654435761 + index * 40503 + 1) >>> 0;
  for (let i = 0; i < size; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x;
    bytes[i + 1] = x >>> 8;
    bytes[i + 2] = x >>> 16;
    bytes[i + 3] = x >>> 24;
  }
  return bytes;
}
