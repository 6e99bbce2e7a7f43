// Hostile clients against a relay in a child process (PROTOCOL.md §6 limits):
// the binary's `ccshare relay` and the Cloudflare relay in workerd. Each test
// is one attack, named for it, and checks that the relay refuses it loudly (a
// close code) and stays bounded (the process's peak RSS: workerd's for the
// Cloudflare relay, which has no backpressure) and responsive.
import { afterAll, describe, expect, test } from "bun:test";
import { connect } from "node:net";
import { CloseCode } from "../../src/net/channel.ts";
import { joinRoom, openRoom } from "../../src/net/relay_client.ts";
import { dial, pair, payload, silentClient, slowReader, spawnRelay, type RelayProcess } from "./support.ts";

const MiB = 1024 * 1024;
/** What each end says first (PROTOCOL.md §3), about the size of a hello. */
const HELLO = payload(21, 0, 50);
const relays: RelayProcess[] = [];
afterAll(() => Promise.all(relays.map((r) => r.stop())));
const healthz = async (r: RelayProcess) => (await fetch(`http://127.0.0.1:${r.port}/healthz`)).text();

describe.each(["binary", "workerd"] as const)("hostile clients (%s)", (runtime) => {
  async function relay(args: string[] = []): Promise<RelayProcess> {
    const r = await spawnRelay(runtime, args);
    relays.push(r);
    return r;
  }
  /** ccshare relay's /healthz has counts; Cloudflare's says ok alone (counts live in each room's object). */
  const healthy = (text: string, counts: RegExp) => (runtime === "binary" ? expect(text).toMatch(counts) : expect(text).toBe("ok\n"));

  test("attack: an oversized message closes the pipe with 1009 and none of it is forwarded", async () => {
    const r = await relay();
    const { sharer, receiver, room } = await pair(r.url, "K7P2QX");
    await receiver.send(HELLO); // as every receiver does first
    await sharer.receive(5000);
    await sharer.send(new Uint8Array(MiB + 64 * 1024 + 1));
    expect((await sharer.closed).code).toBe(CloseCode.tooBig);
    await expect(receiver.receive(5000)).rejects.toThrow();
    expect((await receiver.closed).code).not.toBe(CloseCode.normal);
    const closed = await r.waitFor((e) => e.event === "pipe-closed");
    expect(closed.bytes).toBe(HELLO.byteLength); // the hello only
    room.close();
  });

  test("attack: a flood of joins from one address is rate limited with 4029, other addresses still join", async () => {
    const r = await relay(["--join-rate", "5", "--max-waiting", "50"]);
    const control = dial(`${r.url}/v1/share?room=F10DD5`); // the share spends 1 of the 5
    await control.opened;
    let accepted = 0;
    const refused: number[] = [];
    let settled = () => {};
    const allSettled = (n: number) => new Promise<void>((resolve) => (settled = () => accepted + refused.length === n && resolve()));
    control.ws.addEventListener("message", (e) => {
      if (JSON.parse(e.data as string).t === "peer") accepted++;
      settled();
    });
    const flooded = allSettled(12);
    for (let i = 0; i < 12; i++) {
      dial(`${r.url}/v1/join/F10DD5`).closed.then((c) => {
        refused.push(c.code);
        settled();
      });
    }
    await flooded;
    // 5 per minute refills one every 12 s: the other 8 are refused at once.
    expect(accepted).toBe(4);
    expect(refused).toEqual(Array(8).fill(CloseCode.tooManyJoins));
    // Another source address (127.0.0.2 is loopback too) is not limited.
    const joinedElsewhere = allSettled(13);
    const other = connect({ host: "127.0.0.1", port: r.port, localAddress: "127.0.0.2" });
    other.write(`GET /v1/join/F10DD5 HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${btoa("0123456789abcdef")}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    await joinedElsewhere;
    expect(accepted).toBe(5);
    other.destroy();
    control.ws.close();
  }, 20_000);
  test("attack: a slow reader cannot grow the relay's memory: its pipe is closed with 4010", async () => {
    const r = await relay();
    const before = r.memory();
    const room = await openRoom(r.url, "S10WRD");
    const peers = room.peers[Symbol.asyncIterator]();
    const reader = await slowReader(`${r.url}/v1/join/S10WRD`); // handshakes, then never reads
    const sharer = await room.acceptPeer((await peers.next()).value!.id);
    // Push up to 256 MiB with no flow control: without the cap the relay would hold it all.
    const message = payload(20, 0, MiB);
    let sent = 0;
    while (sent < 256) {
      if (!(await sharer.send(message).then(() => true, () => false))) break;
      sent++;
    }
    expect(sent).toBeLessThan(256);
    expect(await sharer.closed).toMatchObject({ code: CloseCode.tooSlow, reason: expect.stringContaining("peer too slow") });
    const closed = await r.waitFor((e) => e.event === "pipe-closed");
    expect(closed.code).toBe(CloseCode.tooSlow);
    const after = r.memory();
    // 8 MiB of buffer plus the message in hand and allocator slack; never the 256 MiB.
    expect(after.peak - before.peak).toBeLessThan(96 * MiB);
    healthy(await healthz(r), /^ok rooms=1 pipes=0/);
    reader.destroy();
    room.close();
  }, 30_000);

  test("attack: 1,000 idle connections are closed at the handshake deadline while the relay stays responsive", async () => {
    const r = await relay(["--handshake-timeout", "3", "--max-waiting", "2000", "--join-rate", "100000"]);
    const control = dial(`${r.url}/v1/share?room=1D1E00`);
    await control.opened;
    const idle = await Promise.all(Array.from({ length: 1000 }, () => silentClient(`${r.url}/v1/join/1D1E00`)));
    const joined = performance.now();
    // While they sit there, the relay serves everyone else.
    healthy(await healthz(r), /^ok rooms=1 pipes=0 waiting=(\d+)/);
    const { sharer, receiver, room } = await pair(r.url, "BZY700");
    await receiver.send(HELLO);
    expect(await sharer.receive(5000)).toEqual(HELLO);
    await sharer.send(new Uint8Array([1, 2, 3]));
    expect(await receiver.receive(5000)).toEqual(new Uint8Array([1, 2, 3]));
    const closes = await Promise.all(idle.map((c) => c.closeFrame));
    expect(new Set(closes.map((c) => `${c.code} ${c.reason}`))).toEqual(new Set([`${CloseCode.timeout} the sharer did not answer`]));
    // At the deadline (3 s), with room for a busy machine; not half a minute
    // late, as workerd's closes of silent sockets reach WebSocket clients.
    expect(performance.now() - joined).toBeLessThan(20_000);
    healthy(await healthz(r), /^ok rooms=2 pipes=1 waiting=0\n$/);
    for (const c of idle) c.socket.destroy();
    sharer.close();
    room.close();
    control.ws.close();
  }, 30_000);

  test("attack: a text frame in a pipe ends the pipe with 1003 and is not forwarded", async () => {
    const r = await relay();
    const room = await openRoom(r.url, "TEXT00");
    const peers = room.peers[Symbol.asyncIterator]();
    const receiver = dial(`${r.url}/v1/join/TEXT00`);
    await receiver.opened;
    const sharer = await room.acceptPeer((await peers.next()).value!.id);
    await sharer.send(HELLO); // as every sharer does first
    receiver.ws.send('{"t":"peer","id":"forged"}');
    expect(await sharer.closed).toEqual({ code: CloseCode.unsupportedData, reason: "binary messages only" });
    await expect(sharer.receive(1000)).rejects.toThrow();
    room.close();
  });

  // `make relay-local` just ends: on Cloudflare there is no relay to stop, only rooms that move.
  // Bun only: a Cloudflare relay is never stopped as a whole.
  if (runtime !== "workerd") test("SIGTERM: sharers and pipes hear 1001 and the relay exits 0", async () => {
    const r = await spawnRelay("binary");
    const { sharer, receiver, room } = await pair(r.url, "S1GTRM");
    const waiting = await joinRoom(r.url, "S1GTRM");
    expect(await r.stop()).toBe(0);
    expect(await room.closed).toEqual({ code: CloseCode.goingAway, reason: "relay shutting down" });
    for (const c of [sharer, receiver, waiting]) expect((await c.closed).code).toBe(CloseCode.goingAway);
    expect(r.events.at(-1)).toMatchObject({ event: "stopped", signal: "SIGTERM" });
  });
});
