// A TCP proxy on loopback that records every byte both ways, to check what a
// relay (or anyone on the path) gets to see. Client-to-server WebSocket frames
// are masked, so tests search `fromServer()`: everything the relay forwards to
// a client, unmasked — every catalog and session record passes there.
import type { Socket } from "bun";

export interface TapProxy {
  port: number;
  /** Bytes the server sent to clients (the relay's forwarded traffic, unmasked). */
  fromServer(): Uint8Array;
  stop(): void;
}

/** A socket writer that never drops bytes: what the kernel does not take now is sent on drain. */
class Writer {
  private queue: Uint8Array[] = [];
  constructor(private readonly socket: Socket<unknown>) {}
  write(chunk: Uint8Array): void {
    if (this.queue.length) return void this.queue.push(chunk);
    const n = this.socket.write(chunk);
    if (n < chunk.length) this.queue.push(chunk.subarray(Math.max(n, 0)));
  }
  drain(): void {
    while (this.queue.length) {
      const chunk = this.queue[0]!;
      const n = this.socket.write(chunk);
      if (n < chunk.length) {
        this.queue[0] = chunk.subarray(Math.max(n, 0));
        return;
      }
      this.queue.shift();
    }
  }
}

interface Pair {
  toUpstream?: Writer;
  toClient: Writer;
  upstream?: Socket<unknown>;
  pending: Uint8Array[];
}

export function startTapProxy(targetPort: number): TapProxy {
  const down: Uint8Array[] = [];
  const sockets = new Set<Socket<unknown>>();
  const listener = Bun.listen<Pair>({
    hostname: "127.0.0.1",
    port: 0,
    socket: {
      async open(client) {
        client.data = { toClient: new Writer(client), pending: [] };
        sockets.add(client);
        const upstream = await Bun.connect<undefined>({
          hostname: "127.0.0.1",
          port: targetPort,
          socket: {
            data(_s, chunk) {
              down.push(new Uint8Array(chunk));
              client.data.toClient.write(new Uint8Array(chunk));
            },
            drain() {
              client.data.toUpstream?.drain();
            },
            close() {
              client.end();
            },
            error() {
              client.end();
            },
          },
        });
        sockets.add(upstream);
        client.data.upstream = upstream;
        client.data.toUpstream = new Writer(upstream);
        for (const chunk of client.data.pending.splice(0)) client.data.toUpstream.write(chunk);
      },
      data(client, chunk) {
        const copy = new Uint8Array(chunk);
        if (client.data.toUpstream) client.data.toUpstream.write(copy);
        else client.data.pending.push(copy);
      },
      drain(client) {
        client.data.toClient.drain();
      },
      close(client) {
        client.data.upstream?.end();
      },
    },
  });
  return {
    port: listener.port,
    fromServer() {
      const out = new Uint8Array(down.reduce((n, p) => n + p.length, 0));
      let at = 0;
      for (const p of down) {
        out.set(p, at);
        at += p.length;
      }
      return out;
    },
    stop() {
      listener.stop(true);
      for (const s of sockets) s.end();
    },
  };
}
