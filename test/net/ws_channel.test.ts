// The WebSocket Channel on real sockets (127.0.0.1, ephemeral ports): the
// listening end is channelFromPeer over net/ws_server.ts, the dialling end
// openWebSocketChannel. Flow control (PROTOCOL.md §5) runs over it too.
import { afterAll, describe, expect, test } from "bun:test";
import { CloseCode, CreditWindow, type Channel } from "../../src/net/channel.ts";
import { channelFromPeer, openWebSocketChannel } from "../../src/net/ws_channel.ts";
import { serveWebSockets, type ServerPeer, type WebSocketServer } from "../../src/net/ws_server.ts";
import { PeerGoneError, ProtocolError, RoomNotFoundError, TimeoutError } from "../../src/errors.ts";
import { dial, payload, slowReader } from "../relay/support.ts";

const MiB = 1024 * 1024;
const accepted: ((peer: ServerPeer) => void)[] = [];
let server: WebSocketServer;

/** A server whose next accepted socket is handed to `next()`. */
function nextPeer(): Promise<ServerPeer> {
  return new Promise((resolve) => accepted.push(resolve));
}

async function connectedPair(path = "/data"): Promise<{ client: Channel; server: Channel; peer: ServerPeer }> {
  const peer = nextPeer();
  const client = await openWebSocketChannel(`ws://127.0.0.1:${server.port}${path}`);
  const p = await peer;
  return { client, server: channelFromPeer(p), peer: p };
}

server = await serveWebSockets({
  host: "127.0.0.1",
  port: 0,
  maxMessageBytes: MiB + 64 * 1024,
  maxBufferedBytes: 8 * MiB,
  onUpgrade(request) {
    const path = new URL(request.url).pathname;
    if (path === "/refused") return { reject: 403 };
    if (path === "/gone") return { accept: (peer) => (peer.listen({ message() {}, close() {} }), peer.close(CloseCode.roomNotFound, "no such room")) };
    return { accept: (peer) => accepted.shift()!(peer) };
  },
});
afterAll(() => server.close());

describe("a WebSocket channel", () => {
  test("delivers messages in order and intact both ways, 1 MiB messages included", async () => {
    const { client, server: far } = await connectedPair();
    const sizes = [0, 1, 100, 65_536, MiB, MiB, 3, MiB + 1000];
    for (const [i, size] of sizes.entries()) await client.send(payload(1, i, size));
    for (const [i, size] of sizes.entries()) await far.send(payload(2, i, size));
    for (const [i, size] of sizes.entries()) expect(await far.receive(5000)).toEqual(payload(1, i, size));
    for (const [i, size] of sizes.entries()) expect(await client.receive(5000)).toEqual(payload(2, i, size));
    client.close();
  });

  test("a message sent just before a close still arrives before the close", async () => {
    const { client, server: far } = await connectedPair();
    for (let i = 0; i < 20; i++) await far.send(payload(3, i, 64 * 1024));
    far.close(CloseCode.normal, "done");
    for (let i = 0; i < 20; i++) expect(await client.receive(5000)).toEqual(payload(3, i, 64 * 1024));
    expect(await client.closed).toEqual({ code: CloseCode.normal, reason: "done" });
  });

  test("a close rejects a pending receive() with PeerGoneError carrying the reason", async () => {
    const { client, server: far } = await connectedPair();
    const pending = client.receive();
    far.close(CloseCode.goingAway, "relay shutting down");
    const error = await pending.catch((e) => e);
    expect(error).toBeInstanceOf(PeerGoneError);
    expect(error.message).toContain("relay shutting down");
    expect(await far.closed).toMatchObject({ code: CloseCode.goingAway });
    await expect(client.send(new Uint8Array(1))).rejects.toBeInstanceOf(PeerGoneError);
  });

  test("a close with 4004 surfaces as RoomNotFoundError on the next receive()", async () => {
    const client = await openWebSocketChannel(`ws://127.0.0.1:${server.port}/gone`);
    await expect(client.receive(5000)).rejects.toBeInstanceOf(RoomNotFoundError);
    expect((await client.closed).code).toBe(CloseCode.roomNotFound);
  });

  test("a refused upgrade or a closed port rejects openWebSocketChannel with a clear error", async () => {
    await expect(openWebSocketChannel(`ws://127.0.0.1:${server.port}/refused`)).rejects.toThrow(/Could not connect/);
    const unused = await serveWebSockets({ host: "127.0.0.1", port: 0, maxMessageBytes: 10, maxBufferedBytes: 10, onUpgrade: () => ({ reject: 404 }) });
    await unused.close();
    await expect(openWebSocketChannel(`ws://127.0.0.1:${unused.port}/x`)).rejects.toBeInstanceOf(PeerGoneError);
  });

  test("receive() gives TimeoutError when nothing comes in time", async () => {
    const { client } = await connectedPair();
    await expect(client.receive(50)).rejects.toBeInstanceOf(TimeoutError);
    client.close();
  });

  test("attack: a text frame on a data channel is a ProtocolError and closes it", async () => {
    const peer = nextPeer();
    const raw = dial(`ws://127.0.0.1:${server.port}/data`);
    await raw.opened;
    const far = channelFromPeer(await peer);
    raw.ws.send("not binary");
    await expect(far.receive(5000)).rejects.toBeInstanceOf(ProtocolError);
    expect((await raw.closed).code).toBe(CloseCode.unsupportedData);
  });

  test("attack: an oversized message closes the socket with 1009", async () => {
    const { client, server: far } = await connectedPair();
    await client.send(new Uint8Array(MiB + 64 * 1024 + 1));
    expect((await client.closed).code).toBe(CloseCode.tooBig);
    await expect(far.receive(5000)).rejects.toBeInstanceOf(PeerGoneError);
  });

  test("attack: a reader that never reads gets its socket closed with 4010, no message dropped silently", async () => {
    const peer = nextPeer();
    const socket = await slowReader(`ws://127.0.0.1:${server.port}/data`);
    const far = await peer;
    const closed = new Promise<{ code: number }>((resolve) => far.listen({ message() {}, close: resolve }));
    let accepted = 0;
    while (accepted < 1000 && far.send(payload(4, accepted, MiB))) accepted++;
    expect(accepted).toBeLessThan(1000);
    // Every send either went into a bounded buffer or was refused loudly.
    expect(far.bufferedAmount).toBeLessThanOrEqual(8 * MiB);
    expect(far.send(new Uint8Array(1))).toBe(false);
    socket.destroy();
    await closed;
    expect(accepted).toBeGreaterThan(0);
  });
  test("a server channel waits for a slow reader to drain instead of overflowing its buffer", async () => {
    const peer = nextPeer();
    const socket = await slowReader(`ws://127.0.0.1:${server.port}/data`); // paused: reads nothing yet
    const far = channelFromPeer(await peer);
    let maxBuffered = 0;
    // 30 MiB: far more than the 8 MiB cap plus what the kernel holds.
    const sends = Array.from({ length: 30 }, (_, i) => far.send(payload(7, i, MiB)).then(() => void (maxBuffered = Math.max(maxBuffered, far.buffered))));
    let received = 0;
    const all = new Promise<void>((resolve) => socket.on("data", (chunk: Buffer) => (received += chunk.length) >= 30 * MiB && resolve()));
    socket.resume();
    await Promise.all(sends);
    await all;
    expect(maxBuffered).toBeLessThanOrEqual(8 * MiB);
    far.close();
    socket.destroy();
  });

  test("attack: a peer that ignores flow control and floods is cut off with a ProtocolError, its backlog freed", async () => {
    const { client, server: far } = await connectedPair();
    const flood = payload(8, 0, MiB);
    // The far side never reads; 80 MiB is past the 64 MiB it will hold.
    // Once cut off, receive() rejects at once: the backlog is not served.
    const sending = (async () => {
      for (let i = 0; i < 80; i++) await client.send(flood);
    })().catch((e) => e);
    expect((await client.closed).code).toBe(CloseCode.policy);
    await expect(far.receive()).rejects.toBeInstanceOf(ProtocolError);
    await sending;
  });
});

describe("credit-based flow control over a WebSocket (PROTOCOL.md §5)", () => {
  test("a sender never has more records in flight than the receiver granted", async () => {
    const { client: sender, server: receiver } = await connectedPair();
    const window = new CreditWindow(8);
    const records = 40;
    let sent = 0;
    let received = 0;
    let maxInFlight = 0;
    const sending = (async () => {
      for (let i = 0; i < records; i++) {
        await window.take(5000);
        await sender.send(payload(5, i, 256 * 1024));
        sent++;
        maxInFlight = Math.max(maxInFlight, sent - received);
      }
    })();
    const granting = (async () => {
      while (received < records) {
        const message = await receiver.receive(5000);
        expect(message).toEqual(payload(5, received, 256 * 1024));
        received++;
        await receiver.send(new Uint8Array([1])); // one credit per record processed
      }
    })();
    const crediting = (async () => {
      for (let i = 0; i < records; i++) window.grant((await sender.receive(5000)).length);
    })();
    await Promise.all([sending, granting, crediting]);
    expect(maxInFlight).toBeLessThanOrEqual(8);
    sender.close();
  });

  test("a receiver that stops granting credit makes the sender fail with TimeoutError, holding no more than the window", async () => {
    const { client: sender, server: receiver } = await connectedPair();
    const window = new CreditWindow(8);
    let sent = 0;
    const error = await (async () => {
      for (let i = 0; i < 1000; i++) {
        await window.take(300);
        await sender.send(payload(6, i, MiB));
        sent++;
      }
    })().catch((e) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(sent).toBe(8);
    // Memory: at most the window is queued anywhere, and it all arrives.
    expect(sender.buffered).toBeLessThanOrEqual(8 * MiB + 1024);
    for (let i = 0; i < 8; i++) expect((await receiver.receive(5000)).byteLength).toBe(MiB);
    await expect(receiver.receive(100)).rejects.toBeInstanceOf(TimeoutError);
    sender.close();
  });

  test("waiting takes are served in order and a failed window refuses every later take", async () => {
    const window = new CreditWindow(0);
    const order: number[] = [];
    const a = window.take(5000).then(() => order.push(1));
    const b = window.take(5000).then(() => order.push(2));
    window.grant(2);
    await Promise.all([a, b]);
    expect(order).toEqual([1, 2]);
    const pending = window.take(5000);
    window.fail(new PeerGoneError("gone"));
    await expect(pending).rejects.toBeInstanceOf(PeerGoneError);
    await expect(window.take(5000)).rejects.toBeInstanceOf(PeerGoneError);
  });
});
