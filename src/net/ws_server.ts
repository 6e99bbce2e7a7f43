// The WebSocket server the relay (PROTOCOL.md §6) and the LAN listener (§2)
// both stand on. The only importer of crossws and srvx (STYLE.md rule 2): the
// rest of the code sees ServerPeer, a small socket of our own.
//
// It runs under Bun (the binary), Deno (`deno run -A`) and Node. This file
// holds the one runtime check in src/ (STYLE.md rule 9) because each runtime
// wires WebSockets into its HTTP server differently.
//
// Two guarantees every caller gets, whatever the runtime:
// - a message over `maxMessageBytes` closes its socket with 1009;
// - a send that would take a socket's buffer past `maxBufferedBytes` closes
//   that socket with 4010 instead. Bun's own limit would drop the message
//   silently (DESIGN.md §4), so it is set above ours and made to close too.
import { serve } from "srvx";
import { CloseCode, normaliseClose, type ChannelClose } from "./channel.ts";

/** Where one socket's messages and its close go. */
export interface PeerEvents {
  message(data: Uint8Array | string): void;
  close(close: ChannelClose): void;
}

/** One accepted server-side WebSocket. */
export interface ServerPeer {
  /** The URL the client asked to upgrade (path and query carry the route). */
  readonly url: URL;
  /** The client's address; only for rate limits and hashed logs, never logged raw. */
  readonly remoteAddress: string;
  /** Bytes queued for this socket and not yet written to the network. */
  readonly bufferedAmount: number;
  /** The cap on bufferedAmount (the server's maxBufferedBytes). */
  readonly maxBufferedBytes: number;
  /**
   * Queue one message. Returns false, having closed the socket with 4010,
   * when it would take the buffer past `maxBufferedBytes`; false after close.
   */
  send(data: Uint8Array | string): boolean;
  close(code?: number, reason?: string): void;
  /** Route this socket's events from now on; events that came earlier are replayed. */
  listen(events: PeerEvents): void;
}

export type UpgradeDecision =
  | { accept: (peer: ServerPeer) => void }
  | { reject: number; message?: string };

export interface WebSocketServerOptions {
  host: string;
  /** 0 picks an ephemeral port. */
  port: number;
  /** Decides each upgrade request: accept with a handler or refuse with an HTTP status. */
  onUpgrade(request: Request): UpgradeDecision | Promise<UpgradeDecision>;
  /** Plain HTTP requests (GET /healthz); 404 when absent. */
  onHttp?(request: Request): Response | Promise<Response>;
  maxMessageBytes: number;
  maxBufferedBytes: number;
}

export interface WebSocketServer {
  readonly port: number;
  /** WebSockets open right now. */
  readonly connections: number;
  /** Stop listening and drop every connection still open. */
  close(): Promise<void>;
}

type Runtime = "bun" | "deno" | "node";
const runtime: Runtime = "Bun" in globalThis ? "bun" : "Deno" in globalThis ? "deno" : "node";

// The subset of a crossws peer we touch (its types differ per adapter).
interface CrosswsPeer {
  readonly context: Record<string, unknown>;
  readonly remoteAddress?: string;
  readonly bufferedAmount: number;
  readonly request: Request;
  readonly websocket: { binaryType?: string; addEventListener?: (type: "close", cb: (e: { code: number; reason: string }) => void) => void };
  send(data: Uint8Array | string): number | void;
  close(code?: number, reason?: string): void;
}

class Peer implements ServerPeer {
  readonly url: URL;
  readonly remoteAddress: string;
  private events: PeerEvents | undefined;
  /** Events that came before listen(), bounded like a send buffer. */
  private early: (Uint8Array | string)[] = [];
  private earlyBytes = 0;
  private closeEvent: ChannelClose | undefined;

  constructor(
    private readonly raw: CrosswsPeer,
    readonly maxBufferedBytes: number,
    private readonly onGone: () => void,
  ) {
    this.url = new URL(raw.request.url);
    this.remoteAddress = raw.remoteAddress ?? "";
  }

  get bufferedAmount(): number {
    return this.closeEvent ? 0 : (this.raw.bufferedAmount ?? 0);
  }

  send(data: Uint8Array | string): boolean {
    if (this.closeEvent) return false;
    const size = typeof data === "string" ? data.length * 3 : data.byteLength;
    if (this.bufferedAmount + size > this.maxBufferedBytes) {
      this.close(CloseCode.tooSlow, "peer too slow: send buffer full");
      return false;
    }
    // Bun returns 0 when it dropped the message: never let that pass silently.
    // (It also returns 0 for an empty message it did send; Node returns the
    // bytes still buffered, where 0 is good news.)
    if (this.raw.send(data) === 0 && runtime === "bun" && size > 0) {
      this.close(CloseCode.tooSlow, "peer too slow: send buffer full");
      return false;
    }
    return true;
  }

  close(code: number = CloseCode.normal, reason = ""): void {
    if (this.closeEvent) return;
    try {
      this.raw.close(code, reason);
    } catch {
      // Already closing underneath us: the close event still arrives.
    }
  }

  listen(events: PeerEvents): void {
    this.events = events;
    const early = this.early.splice(0);
    this.earlyBytes = 0;
    for (const message of early) events.message(message);
    if (this.closeEvent) events.close(this.closeEvent);
  }

  onMessage(message: Uint8Array | string): void {
    if (this.closeEvent) return;
    if (this.events) return this.events.message(message);
    this.early.push(message);
    this.earlyBytes += typeof message === "string" ? message.length : message.byteLength;
    if (this.earlyBytes > this.maxBufferedBytes) this.close(CloseCode.tooBig, "too much data before being read");
  }

  onClose(close: ChannelClose): void {
    if (this.closeEvent) return;
    this.closeEvent = close;
    this.onGone();
    this.events?.close(close);
  }
}

function toMessage(raw: unknown): Uint8Array | string | undefined {
  if (typeof raw === "string") return raw;
  if (raw instanceof ArrayBuffer) return new Uint8Array(raw);
  if (ArrayBuffer.isView(raw)) return new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
  return undefined;
}

export async function serveWebSockets(o: WebSocketServerOptions): Promise<WebSocketServer> {
  let connections = 0;
  const peerOf = (raw: CrosswsPeer) => raw.context.ccsharePeer as Peer | undefined;
  const hooks = {
    async upgrade(request: Request) {
      const decision = await o.onUpgrade(request);
      if ("reject" in decision) return new Response(decision.message ?? "", { status: decision.reject });
      return { context: { ccshareAccept: decision.accept } };
    },
    open(raw: CrosswsPeer) {
      connections++;
      const peer = new Peer(raw, o.maxBufferedBytes, () => connections--);
      raw.context.ccsharePeer = peer;
      if (runtime === "deno") {
        // Deno's socket would hand us Blobs (async to read, so out of order);
        // and crossws drops Deno's close code, so read it from the socket.
        raw.websocket.binaryType = "arraybuffer";
        raw.websocket.addEventListener?.("close", (e) => peer.onClose(normaliseClose(e.code, e.reason)));
      }
      (raw.context.ccshareAccept as (p: ServerPeer) => void)(peer);
    },
    message(raw: CrosswsPeer, message: { rawData: unknown }) {
      const peer = peerOf(raw);
      if (!peer) return;
      const data = toMessage(message.rawData);
      if (data === undefined) return peer.close(CloseCode.unsupportedData, "unsupported message type");
      const size = typeof data === "string" ? data.length : data.byteLength;
      // Bun and Node enforce this before buffering; Deno has no such option.
      if (size > o.maxMessageBytes) return peer.close(CloseCode.tooBig, "message too big");
      peer.onMessage(data);
    },
    close(raw: CrosswsPeer, details: { code?: number; reason?: string }) {
      if (runtime === "deno") return; // handled by the socket listener above
      peerOf(raw)?.onClose(normaliseClose(details.code, details.reason));
    },
    error(raw: CrosswsPeer) {
      // A close event follows every error event; make sure of it.
      peerOf(raw)?.close(CloseCode.internalError, "socket error");
    },
  };
  // One namespace: crossws keeps a map entry per namespace (by default the
  // path), and every pipe has its own path, so the map would only ever grow.
  const adapterOptions = { hooks: hooks as never, getNamespace: () => "ccshare", idleTimeout: 30 };
  const http = (request: Request) => o.onHttp?.(request) ?? new Response("not found\n", { status: 404 });
  const isUpgrade = (request: Request) => request.headers.get("upgrade")?.toLowerCase() === "websocket";
  const common = { hostname: o.host, port: o.port, silent: true, gracefulShutdown: false, manual: true } as const;

  // Each runtime's adapter is loaded only there: Node's pulls in node:http,
  // node:https and node:tls, which cost a share ~25 ms of start-up under Bun.
  if (runtime === "bun") {
    const { default: bunAdapter } = await import("crossws/adapters/bun");
    const ws = bunAdapter(adapterOptions);
    const server = serve({
      ...common,
      fetch: (request: Request & { runtime?: any }) => (isUpgrade(request) ? ws.handleUpgrade(request, request.runtime.bun.server) : http(request)),
      bun: {
        websocket: {
          ...ws.websocket,
          maxPayloadLength: o.maxMessageBytes,
          // Above our own cap (checked in Peer.send), and closing rather than dropping.
          backpressureLimit: o.maxBufferedBytes + o.maxMessageBytes + 1024,
          closeOnBackpressureLimit: true,
          perMessageDeflate: false,
        },
      },
    } as never) as any;
    await server.serve();
    return {
      port: server.bun.server.port,
      get connections() {
        return connections;
      },
      close: async () => void (await server.close(true)),
    };
  }

  if (runtime === "deno") {
    const { default: denoAdapter } = await import("crossws/adapters/deno");
    const ws = denoAdapter(adapterOptions);
    const server = serve({
      ...common,
      fetch: (request: Request & { runtime?: any }) => (isUpgrade(request) ? ws.handleUpgrade(request, request.runtime.deno.info) : http(request)),
    } as never) as any;
    await server.serve();
    return {
      port: server.deno.server.addr.port,
      get connections() {
        return connections;
      },
      close: async () => {
        await ws.close(CloseCode.goingAway, "server closing");
        await server.close();
      },
    };
  }

  const { default: nodeAdapter } = await import("crossws/adapters/node");
  const ws = nodeAdapter({ ...adapterOptions, serverOptions: { maxPayload: o.maxMessageBytes, perMessageDeflate: false } });
  const server = serve({ ...common, fetch: http } as never) as any;
  // A connection that never finishes its HTTP request is dropped, as Bun
  // does after 10 s (Node's default waits a minute).
  server.node.server.headersTimeout = 10_000;
  server.node.server.requestTimeout = 10_000;
  server.node.server.on("upgrade", (req: any, socket: any, head: any) => {
    socket.on("error", () => socket.destroy());
    ws.handleUpgrade(req, socket, head).catch(() => socket.destroy());
  });
  await server.serve();
  return {
    port: server.node.server.address().port,
    get connections() {
      return connections;
    },
    close: async () => {
      ws.closeAll(CloseCode.goingAway, "server closing", true);
      server.node.server.closeAllConnections?.();
      await server.close(true);
    },
  };
}
