// A Channel over a WebSocket, for both ends: the dialling side uses the
// web-standard WebSocket global (Bun and Deno have it); the listening side
// wraps a ServerPeer from net/ws_server.ts. Both carry only binary messages
// (PROTOCOL.md §2, §6): a text frame on a data channel is a protocol violation.
import {
  CcshareError,
  LimitExceededError,
  PeerGoneError,
  ProtocolError,
  RelayError,
  RoomNotFoundError,
  RoomTakenError,
  TimeoutError,
} from "../errors.ts";
import { CloseCode, Inbox, type Channel, type ChannelClose } from "./channel.ts";
import type { ServerPeer } from "./ws_server.ts";

export interface OpenChannelOptions {
  /** Give up connecting after this long (default 10 s). */
  timeoutMs?: number;
  /** Abort the attempt to connect. */
  signal?: AbortSignal;
}

/**
 * Past this many bytes queued locally, send() waits for the socket to drain,
 * so memory stays bounded even for a caller that sends without credit (§5).
 * A server socket waits below its own cap instead (ServerPeer.maxBufferedBytes).
 */
const SEND_HIGH_WATER = 16 * 1024 * 1024;
const DRAIN_POLL_MS = 5;
/**
 * Received and not yet read: credit (§5) keeps an honest peer far below
 * this (8 records of at most 1 MiB + framing); past it the peer is ignoring
 * flow control, and the channel is cut rather than let memory grow.
 */
export const MAX_UNREAD_BYTES = 64 * 1024 * 1024;

/**
 * Dial `url` without offering permessage-deflate: every message is ciphertext,
 * which does not shrink, and a deflating relay moved ~25 MiB/s where a plain
 * one moves over a gigabyte (issue 15, workerd). Bun offers it unless told
 * not to; Deno and Node take the same options object and never offer it.
 */
export function dialWebSocket(url: string): WebSocket {
  return new WebSocket(url, { perMessageDeflate: false } as unknown as string[]);
}

/** What a Channel needs from the socket beneath it. */
interface Transport {
  readonly bufferedAmount: number;
  /** Most bytes the socket may have queued; send() waits to stay under it. */
  readonly maxBufferedBytes: number;
  /** false: the message was refused and the socket is closing. */
  send(data: Uint8Array): boolean | void;
  close(code: number, reason: string): void;
}

/**
 * Open sockets, held strongly until they close. The web API promises that an
 * open socket with listeners is not collected; this makes sure of it in every
 * runtime, since a receive() pending on a collected socket would never settle.
 */
const openSockets = new Set<WebSocket>();

/** Keep `ws` alive until its close event. */
export function holdUntilClosed(ws: WebSocket): void {
  openSockets.add(ws);
  ws.addEventListener("close", () => openSockets.delete(ws));
}

/** A URL fit for messages: never the query, which may hold a pipe token. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return "(invalid URL)";
  }
}

/**
 * Close a dialled WebSocket. The web API accepts only 1000 and 3000-4999
 * (it throws on 1003, 1008, ...), so other codes go out as 1000 with the reason.
 */
export function closeDialled(ws: WebSocket, code: number, reason: string): void {
  const allowed = code === CloseCode.normal || (code >= 3000 && code <= 4999);
  try {
    ws.close(allowed ? code : CloseCode.normal, reason.slice(0, 120));
  } catch {
    // Already closed.
  }
}

/** The error a user reads when a socket closed with `close` (codes: net/channel.ts CloseCode). */
export function errorForClose(close: ChannelClose): CcshareError {
  const why = close.reason ? ` (${close.reason})` : "";
  const cause = { cause: close };
  switch (close.code) {
    case CloseCode.roomNotFound:
      return new RoomNotFoundError(`No sharer is waiting in that room${why}: check the code, or ask the sharer to share again.`, cause);
    case CloseCode.roomTaken:
      return new RoomTakenError(`That room code is already in use on the relay${why}; share again to get a new code.`, cause);
    case CloseCode.peerNotFound:
      return new PeerGoneError(`The receiver left before the connection was made${why}.`, cause);
    case CloseCode.timeout:
      return new TimeoutError(`The connection timed out${why}.`, cause);
    case CloseCode.tooManyJoins:
      return new RelayError(`The relay is refusing joins from your address for now${why}; wait a minute and try again.`, cause);
    case CloseCode.tryAgainLater:
      return new RelayError(`The relay is busy${why}; try again later.`, cause);
    case CloseCode.forbidden:
    case CloseCode.policy:
      return new RelayError(`The relay refused the connection${why}.`, cause);
    case CloseCode.tooBig:
      return new LimitExceededError(`A message was over the size limit${why}; the connection was closed.`, cause);
    case CloseCode.unsupportedData:
      return new ProtocolError(`The other side refused a message it could not handle${why}.`, cause);
    case CloseCode.tooSlow:
      return new PeerGoneError(`The connection was closed because one side read too slowly${why}.`, cause);
    case CloseCode.goingAway:
      return new PeerGoneError(`The other side went away${why}.`, cause);
    default:
      return new PeerGoneError(`The other side closed the connection${why || (close.code === CloseCode.normal ? "" : ` (code ${close.code})`)}.`, cause);
  }
}

/** One implementation for both ends: messages go through an Inbox, sends through a queue. */
class SocketChannel implements Channel {
  readonly closed: Promise<ChannelClose>;
  private resolveClosed!: (c: ChannelClose) => void;
  private readonly inbox = new Inbox();
  private ended: CcshareError | undefined;
  private sending: Promise<void> = Promise.resolve();

  constructor(private readonly transport: Transport) {
    this.closed = new Promise((r) => (this.resolveClosed = r));
  }

  get buffered(): number {
    return this.ended ? 0 : this.transport.bufferedAmount;
  }

  send(message: Uint8Array): Promise<void> {
    // Chained, so messages leave in call order even while one waits to drain.
    const next = this.sending.then(async () => {
      const { transport } = this;
      // Wait to drain rather than have the socket refuse (server: 4010). A
      // message bigger than the cap on its own still goes, and fails loudly.
      while (!this.ended && transport.bufferedAmount > 0 && transport.bufferedAmount + message.byteLength > transport.maxBufferedBytes) {
        await new Promise((r) => setTimeout(r, DRAIN_POLL_MS));
      }
      if (this.ended) throw this.ended;
      if (this.transport.send(message) === false) throw this.ended ?? new PeerGoneError("The connection closed while sending.");
    });
    this.sending = next.catch(() => {});
    return next;
  }

  receive(timeoutMs?: number): Promise<Uint8Array> {
    return this.inbox.take(timeoutMs);
  }

  close(code: number = CloseCode.normal, reason = ""): void {
    this.end(new PeerGoneError("The connection was closed."));
    try {
      this.transport.close(code, reason);
    } catch {
      // Closing an already-closing socket: the close event still comes.
    }
  }

  onMessage(data: unknown): void {
    if (this.ended) return;
    if (typeof data === "string") {
      // PROTOCOL.md §6: pipes carry only the peers' binary messages.
      this.end(new ProtocolError("The other side sent a text message where only binary messages are allowed."), true);
      this.transport.close(CloseCode.unsupportedData, "binary messages only");
      return;
    }
    const message = data instanceof ArrayBuffer ? new Uint8Array(data) : data instanceof Uint8Array ? data : undefined;
    if (!message) return this.transport.close(CloseCode.unsupportedData, "unsupported message type");
    if (this.inbox.queuedBytes + message.byteLength > MAX_UNREAD_BYTES) {
      this.end(new ProtocolError("The other side sent far more than it was allowed to (it ignored flow control); the connection was closed."), true);
      this.transport.close(CloseCode.policy, "flow control violated");
      return;
    }
    this.inbox.push(message);
  }

  onClose(close: ChannelClose): void {
    this.end(errorForClose(close));
    this.resolveClosed(close);
  }

  private end(error: CcshareError, discard = false): void {
    this.ended ??= error;
    this.inbox.end(this.ended, { discard });
  }
}

/**
 * Dial a WebSocket and resolve with its Channel once it opens. Rejects with a
 * CcshareError when it cannot connect, times out, or closes before opening.
 * A server that accepts and then closes at once (the relay's 4004 "no such
 * room") surfaces on the first receive() as the mapped error, e.g.
 * RoomNotFoundError: the relay injects nothing into pipes (§6), so an open
 * socket is all a receiver can know until the sharer speaks.
 */
export function openWebSocketChannel(url: string, o: OpenChannelOptions = {}): Promise<Channel> {
  const timeoutMs = o.timeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    if (o.signal?.aborted) return reject(abortError(o.signal));
    let ws: WebSocket;
    try {
      ws = dialWebSocket(url);
    } catch (error) {
      return reject(new CcshareError(`Not a WebSocket address: ${displayUrl(url)}.`, { cause: error }));
    }
    ws.binaryType = "arraybuffer";
    holdUntilClosed(ws);
    const channel = new SocketChannel({
      get bufferedAmount() {
        return ws.bufferedAmount;
      },
      maxBufferedBytes: SEND_HIGH_WATER,
      send: (data) => ws.send(data as Uint8Array<ArrayBuffer>),
      close: (code, reason) => closeDialled(ws, code, reason),
    });
    let state: "connecting" | "open" | "failed" = "connecting";
    const settle = (error?: CcshareError) => {
      if (state !== "connecting") return;
      state = error ? "failed" : "open";
      clearTimeout(timer);
      o.signal?.removeEventListener("abort", onAbort);
      if (error) {
        ws.close();
        reject(error);
      } else {
        resolve(channel);
      }
    };
    const onAbort = () => settle(abortError(o.signal!));
    const timer = setTimeout(() => settle(new TimeoutError(`No answer from ${displayUrl(url)} within ${Math.round(timeoutMs / 1000)} s.`)), timeoutMs);
    o.signal?.addEventListener("abort", onAbort, { once: true });
    ws.addEventListener("open", () => settle());
    ws.addEventListener("message", (e) => channel.onMessage(e.data));
    ws.addEventListener("close", (e) => {
      const close = { code: e.code, reason: e.reason };
      channel.onClose(close);
      if (state !== "connecting") return;
      // 1006 (Bun) or 0 (Deno): the TCP connect or the HTTP upgrade failed.
      const abnormal = e.code === 1006 || e.code === 0;
      settle(abnormal ? new PeerGoneError(`Could not connect to ${displayUrl(url)}: nothing answered there, or it is not a ccshare WebSocket.`, { cause: close }) : errorForClose(close));
    });
  });
}

/** The Channel of one accepted server-side socket (the LAN listener, PROTOCOL.md §2). */
export function channelFromPeer(peer: ServerPeer): Channel {
  const channel = new SocketChannel(peer);
  peer.listen({ message: (data) => channel.onMessage(data), close: (close) => channel.onClose(close) });
  return channel;
}

function abortError(signal: AbortSignal): CcshareError {
  const reason = signal.reason;
  return reason instanceof CcshareError ? reason : new CcshareError("Connecting was cancelled.", { cause: reason });
}
