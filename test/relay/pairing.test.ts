// The relay's rendezvous (PROTOCOL.md §6) on real sockets: rooms, joins,
// pipes, byte-exact forwarding, and every refusal a client can hear. Each
// test runs against both relays: `ccshare relay` and the Cloudflare relay in
// workerd, which must be indistinguishable to a client.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { CloseCode } from "../../src/net/channel.ts";
import { joinRoom, openRoom, relayEndpoint } from "../../src/net/relay_client.ts";
import type { RelayLimits } from "../../src/relay/limits.ts";
import { startRelay } from "../../src/relay/server.ts";
import { PeerGoneError, RelayError, RoomNotFoundError, RoomTakenError, TimeoutError, UsageError } from "../../src/errors.ts";
import { dial, pair, payload, RELAY_KINDS, sha256, startTestRelay, type TestRelay } from "./support.ts";

const relays: TestRelay[] = [];
afterAll(() => Promise.all(relays.map((r) => r.stop())));
let codes = 0;
/** A fresh valid room code per test. */
const code = () => `K7P2${"0123456789ABCDEFGHJKMNPQRSTVWXYZ"[codes++ % 32]}${"23456789"[Math.floor(codes / 32) % 8]}`;
const httpUrl = (r: TestRelay) => r.url.replace("ws:", "http:");
/** What a receiver says first (PROTOCOL.md §3), about the size of a hello. */
const HELLO = payload(13, 0, 50);

describe.each(RELAY_KINDS)("the relay (%s)", (kind) => {
  async function relay(limits: Partial<RelayLimits> = {}): Promise<TestRelay> {
    const r = await startTestRelay(kind, { joinsPerMinute: 10_000, ...limits });
    relays.push(r);
    return r;
  }
  let shared: TestRelay;
  beforeAll(async () => {
    shared = await relay();
  });

  describe("pairing through the relay", () => {
    test("a sharer and a receiver are paired and bytes arrive exactly, both ways", async () => {
      const { sharer, receiver, room } = await pair(shared.url, code());
      const toReceiver = Array.from({ length: 12 }, (_, i) => payload(10, i, i % 3 === 0 ? 1024 * 1024 : 1000 + i));
      const toSharer = Array.from({ length: 12 }, (_, i) => payload(11, i, 7 * i));
      await Promise.all([...toReceiver.map((m) => sharer.send(m)), ...toSharer.map((m) => receiver.send(m))]);
      for (const m of toReceiver) expect(await sha256(await receiver.receive(5000))).toBe(await sha256(m));
      for (const m of toSharer) expect(await sharer.receive(5000)).toEqual(m);
      // The relay injects nothing into pipes (§6): nothing else arrives.
      await expect(receiver.receive(50)).rejects.toBeInstanceOf(TimeoutError);
      sharer.close();
      expect((await receiver.closed).code).toBe(CloseCode.normal);
      room.close();
    });

    test("what the receiver sends before its pipe exists reaches the sharer first", async () => {
      const c = code();
      const room = await openRoom(shared.url, c);
      const peers = room.peers[Symbol.asyncIterator]();
      const receiver = await joinRoom(shared.url, c);
      await receiver.send(payload(12, 0, 40)); // the hello of PROTOCOL.md §3
      await receiver.send(payload(12, 1, 40));
      const sharer = await room.acceptPeer((await peers.next()).value!.id);
      expect(await sharer.receive(5000)).toEqual(payload(12, 0, 40));
      expect(await sharer.receive(5000)).toEqual(payload(12, 1, 40));
      room.close();
      sharer.close();
    });

    test("several receivers in one room each get their own pipe", async () => {
      const c = code();
      const room = await openRoom(shared.url, c);
      const peers = room.peers[Symbol.asyncIterator]();
      const receivers = await Promise.all([0, 1, 2].map(() => joinRoom(shared.url, c)));
      // Each receiver says who it is; the sharer answers on the pipe it came from.
      await Promise.all(receivers.map((r, i) => r.send(new Uint8Array([i]))));
      for (let n = 0; n < 3; n++) {
        const pipe = await room.acceptPeer((await peers.next()).value!.id);
        const [who] = await pipe.receive(5000);
        await pipe.send(new Uint8Array([who!, 42]));
      }
      for (const [i, r] of receivers.entries()) expect(await r.receive(5000)).toEqual(new Uint8Array([i, 42]));
      if (shared.stats) expect(shared.stats().pipes).toBeGreaterThanOrEqual(3);
      room.close();
    });

    test("the sharer's first control message names the room and carries a token", async () => {
      const c = code();
      const control = dial(`${shared.url}/v1/share?room=${c}`);
      await control.opened;
      while (control.texts.length === 0) await new Promise((r) => control.ws.addEventListener("message", r, { once: true }));
      const first = JSON.parse(control.texts[0]!);
      expect(first).toMatchObject({ t: "room", room: c });
      expect(first.token).toMatch(/^[0-9a-f]{64}$/);
      control.ws.close();
    });
  });

  describe("refusals", () => {
    test("joining a missing room is closed with 4004 no such room at once", async () => {
      const raw = dial(`${shared.url}/v1/join/ZZZZZZ`);
      expect(await raw.closed).toEqual({ code: CloseCode.roomNotFound, reason: "no such room" });
      const channel = await joinRoom(shared.url, "ZZZZZZ");
      await expect(channel.receive(5000)).rejects.toBeInstanceOf(RoomNotFoundError);
    });

    test("a second sharer for a taken room is refused with 4009 (RoomTakenError)", async () => {
      const c = code();
      const room = await openRoom(shared.url, c);
      await expect(openRoom(shared.url, c)).rejects.toBeInstanceOf(RoomTakenError);
      room.close();
    });

    test("a pipe dialled with a wrong token is refused with 4003 and the receiver keeps waiting", async () => {
      const c = code();
      const room = await openRoom(shared.url, c);
      const peers = room.peers[Symbol.asyncIterator]();
      const receiver = await joinRoom(shared.url, c);
      const { id } = (await peers.next()).value!;
      const forged = dial(`${shared.url}/v1/pipe/${c}/${id}?token=${"0".repeat(64)}`);
      expect(await forged.closed).toEqual({ code: CloseCode.forbidden, reason: "bad token" });
      const pipe = await room.acceptPeer(id);
      await pipe.send(new Uint8Array([7]));
      expect(await receiver.receive(5000)).toEqual(new Uint8Array([7]));
      room.close();
    });

    test("a pipe for a receiver that is not waiting is refused with 4005", async () => {
      const c = code();
      const room = await openRoom(shared.url, c);
      await expect(room.acceptPeer("0123456789abcdef").then((p) => p.receive(5000))).rejects.toBeInstanceOf(PeerGoneError);
      room.close();
    });

    test("a receiver past the room's waiting limit is refused with 1013 room full", async () => {
      const small = await relay({ maxWaiting: 2 });
      const c = code();
      const room = await openRoom(small.url, c);
      await joinRoom(small.url, c);
      await joinRoom(small.url, c);
      const third = await joinRoom(small.url, c);
      await expect(third.receive(5000)).rejects.toBeInstanceOf(RelayError);
      expect((await third.closed)).toEqual({ code: CloseCode.tryAgainLater, reason: "room full" });
      room.close();
    });

    // On Cloudflare each room is an object of its own: the platform scales them.
    // Bun only: on Cloudflare each room is its own object, with no count of rooms.
    if (kind !== "workerd") test("a sharer past the relay's room limit is refused with 1013 relay full", async () => {
      const small = await relay({ maxRooms: 1 });
      const room = await openRoom(small.url, code());
      await expect(openRoom(small.url, code())).rejects.toThrow(/relay full/);
      room.close();
    });

    test("an unknown path is refused before any WebSocket opens", async () => {
      expect((await dial(`${shared.url}/v2/anything`).closed).code).not.toBe(CloseCode.normal);
      const health = await fetch(`${httpUrl(shared)}/nope`);
      expect(health.status).toBe(404);
    });
  });

  describe("room and pipe lifetimes", () => {
    test("when the sharer's control socket closes, its waiting receivers close with 4004 room closed", async () => {
      const c = code();
      const room = await openRoom(shared.url, c);
      const waiting = await joinRoom(shared.url, c);
      await waiting.send(HELLO);
      room.close();
      expect(await waiting.closed).toEqual({ code: CloseCode.roomNotFound, reason: "room closed" });
      await expect(waiting.receive()).rejects.toBeInstanceOf(RoomNotFoundError);
      expect((await dial(`${shared.url}/v1/join/${c}`).closed).code).toBe(CloseCode.roomNotFound);
    });

    test("a pipe already glued outlives its room's control socket", async () => {
      const { sharer, receiver, room } = await pair(shared.url, code());
      room.close();
      await room.closed;
      await sharer.send(new Uint8Array([1, 2, 3]));
      expect(await receiver.receive(5000)).toEqual(new Uint8Array([1, 2, 3]));
      sharer.close();
    });

    // The control socket never speaks (§6), and workerd sends the close of a
    // hibernatable socket that has said nothing only ~10 s late: hence the timeout.
    test("a room expires after its lifetime: the sharer hears 4008 and waiting receivers 4004", async () => {
      const short = await relay({ roomTtlMs: 300 });
      const c = code();
      const room = await openRoom(short.url, c);
      const waiting = await joinRoom(short.url, c);
      await waiting.send(HELLO);
      expect(await room.closed).toEqual({ code: CloseCode.timeout, reason: "room expired" });
      expect((await waiting.closed).code).toBe(CloseCode.roomNotFound);
      expect(await dial(`${short.url}/v1/join/${c}`).closed).toEqual({ code: CloseCode.roomNotFound, reason: "no such room" });
      if (short.stats) expect(short.stats().rooms).toBe(0);
    }, 30_000);

    test("a receiver the sharer never answers is closed at the handshake deadline with 4008", async () => {
      const short = await relay({ handshakeTimeoutMs: 200 });
      const c = code();
      const room = await openRoom(short.url, c);
      const peers = room.peers[Symbol.asyncIterator]();
      const waiting = await joinRoom(short.url, c);
      await waiting.send(HELLO);
      const { id } = (await peers.next()).value!;
      expect(await waiting.closed).toEqual({ code: CloseCode.timeout, reason: "the sharer did not answer" });
      // Its place is gone: the pipe the sharer dials for it now is refused (4005).
      await expect(room.acceptPeer(id).then((p) => p.receive(5000))).rejects.toBeInstanceOf(PeerGoneError);
      if (short.stats) expect(short.stats().waiting).toBe(0);
      room.close();
    });

    test("a pipe that carries nothing for the idle timeout is closed on both ends with 4008", async () => {
      const short = await relay({ idleTimeoutMs: 300 });
      const { sharer, receiver, room } = await pair(short.url, code());
      // Both ends say one thing (their hellos), then nothing.
      await receiver.send(HELLO);
      await sharer.receive(5000);
      await sharer.send(HELLO);
      await receiver.receive(5000);
      expect(await receiver.closed).toEqual({ code: CloseCode.timeout, reason: "idle pipe" });
      expect((await sharer.closed).code).toBe(CloseCode.timeout);
      room.close();
    });

    // A Cloudflare relay is never stopped as a whole; Cloudflare moves its objects.
    // Bun only: a Cloudflare relay is never stopped as a whole.
    if (kind !== "workerd") test("stop tells sharers and pipes 1001 relay shutting down", async () => {
      const doomed = await startRelay({ limits: { joinsPerMinute: 100 } });
      const { sharer, receiver, room } = await pair(doomed.url, code());
      await doomed.stop();
      expect(await room.closed).toEqual({ code: CloseCode.goingAway, reason: "relay shutting down" });
      expect((await receiver.closed).code).toBe(CloseCode.goingAway);
      expect((await sharer.closed).code).toBe(CloseCode.goingAway);
      const peers = room.peers[Symbol.asyncIterator]();
      await expect(peers.next()).rejects.toBeInstanceOf(PeerGoneError);
    });

    test("GET /healthz answers ok with the counts of rooms and pipes", async () => {
      const fresh = await relay();
      const { room, sharer } = await pair(fresh.url, code());
      const text = await (await fetch(`${httpUrl(fresh)}/healthz`)).text();
      // Cloudflare's counts live in each room's object: its /healthz says ok alone.
      expect(text).toBe(kind === "bun" ? "ok rooms=1 pipes=1 waiting=0\n" : "ok\n");
      room.close();
      sharer.close();
    });
  });

});

describe("relay addresses", () => {
  test("ws, wss, http and https relay URLs map to WebSocket endpoints, keeping a base path", () => {
    expect(relayEndpoint("ws://r.example:8080", "/v1/join/K7P2QX")).toBe("ws://r.example:8080/v1/join/K7P2QX");
    expect(relayEndpoint("https://r.example/ccshare/", "/v1/join/K7P2QX")).toBe("wss://r.example/ccshare/v1/join/K7P2QX");
    expect(relayEndpoint("http://127.0.0.1:9", "/v1/share?room=K7P2QX")).toBe("ws://127.0.0.1:9/v1/share?room=K7P2QX");
    expect(relayEndpoint("r.example", "/x")).toBe("wss://r.example/x");
    expect(() => relayEndpoint("ftp://r.example", "/x")).toThrow(UsageError);
  });

  test("an unreachable relay is reported as RelayError", async () => {
    const gone = await startRelay();
    await gone.stop();
    await expect(joinRoom(gone.url, "K7P2QX")).rejects.toBeInstanceOf(RelayError);
    await expect(openRoom(gone.url, "K7P2QX")).rejects.toBeInstanceOf(RelayError);
  });
});
