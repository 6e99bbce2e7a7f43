// The Cloudflare relay's rooms survive hibernation: Cloudflare evicts an idle
// Durable Object and keeps its sockets open; the next event wakes a fresh
// object that knows only what the sockets' attachments hold. Miniflare evicts
// on demand (webSockets: "hibernate"), in the real workerd.
import { afterAll, describe, expect, test } from "bun:test";
import { CloseCode } from "../../src/net/channel.ts";
import { joinRoom, openRoom } from "../../src/net/relay_client.ts";
import { pair, payload, sha256, startTestRelay, type TestRelay } from "./support.ts";

const relays: TestRelay[] = [];
afterAll(() => Promise.all(relays.map((r) => r.stop())));
async function relay(limits = {}): Promise<TestRelay> {
  const r = await startTestRelay("workerd", { joinsPerMinute: 10_000, ...limits });
  relays.push(r);
  return r;
}

describe("a room on Cloudflare after its object hibernated", () => {
  test("a glued pipe carries on both ways, byte for byte", async () => {
    const r = await relay();
    const { sharer, receiver, room } = await pair(r.url, "H1BERN");
    await receiver.send(payload(40, 0, 50));
    expect(await sharer.receive(5000)).toEqual(payload(40, 0, 50));
    await r.evict!("H1BERN");
    const big = payload(40, 1, 1024 * 1024);
    await sharer.send(big);
    await receiver.send(payload(40, 2, 100));
    expect(await sha256(await receiver.receive(5000))).toBe(await sha256(big));
    expect(await sharer.receive(5000)).toEqual(payload(40, 2, 100));
    sharer.close(CloseCode.normal, "done");
    expect(await receiver.closed).toEqual({ code: CloseCode.normal, reason: "done" });
    room.close();
  });

  test("the room still announces receivers, and its token still opens their pipes", async () => {
    const r = await relay();
    const room = await openRoom(r.url, "H1BRN2");
    const peers = room.peers[Symbol.asyncIterator]();
    await r.evict!("H1BRN2");
    const receiver = await joinRoom(r.url, "H1BRN2");
    await receiver.send(payload(41, 0, 50));
    const { id } = (await peers.next()).value!;
    const sharer = await room.acceptPeer(id);
    expect(await sharer.receive(5000)).toEqual(payload(41, 0, 50));
    room.close();
    sharer.close();
  });

  test("what a waiting receiver said before the object hibernated reaches the sharer", async () => {
    const r = await relay();
    const room = await openRoom(r.url, "H1BRN3");
    const peers = room.peers[Symbol.asyncIterator]();
    const receiver = await joinRoom(r.url, "H1BRN3");
    await receiver.send(payload(42, 0, 50));
    const { id } = (await peers.next()).value!;
    await r.evict!("H1BRN3");
    const sharer = await room.acceptPeer(id);
    expect(await sharer.receive(5000)).toEqual(payload(42, 0, 50));
    room.close();
    sharer.close();
  });

  test("deadlines still fire: an idle pipe is closed with 4008 by the object's alarm", async () => {
    const r = await relay({ idleTimeoutMs: 1500 });
    const { sharer, receiver, room } = await pair(r.url, "H1BRN4");
    await receiver.send(payload(43, 0, 50));
    await sharer.receive(5000);
    await sharer.send(payload(43, 1, 50));
    await receiver.receive(5000);
    await r.evict!("H1BRN4");
    expect(await receiver.closed).toEqual({ code: CloseCode.timeout, reason: "idle pipe" });
    expect((await sharer.closed).code).toBe(CloseCode.timeout);
    room.close();
  });
});
