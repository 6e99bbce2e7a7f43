// A Channel carries ordered binary messages between two ccshare processes. On
// the LAN and through a relay it is a WebSocket (net/ws_channel.ts); in unit
// tests it is an in-memory pair. The protocol above it never knows which.
import { PeerGoneError, TimeoutError } from "../errors.ts";

export interface ChannelClose {
  code: number;
  reason: string;
}

export interface Channel {
  /** Queue one binary message. Rejects with PeerGoneError once the channel is closed. */
  send(message: Uint8Array): Promise<void>;
  /**
   * The next message, in order. Rejects with PeerGoneError when the channel
   * closes first, or TimeoutError after `timeoutMs`.
   */
  receive(timeoutMs?: number): Promise<Uint8Array>;
  close(code?: number, reason?: string): void;
  /** Resolves once, when the channel has closed for any reason. */
  readonly closed: Promise<ChannelClose>;
  /** Bytes queued locally and not yet handed to the network (0 for memory). */
  readonly buffered: number;
}

/**
 * Inbound queue shared by every Channel implementation: messages wait here
 * until receive() takes them; a close wakes every waiter with PeerGoneError.
 */
export class Inbox {
  private queue: Uint8Array[] = [];
  private waiters: { resolve: (m: Uint8Array) => void; reject: (e: Error) => void; timer?: ReturnType<typeof setTimeout> }[] = [];
  private ended: Error | undefined;
  private bytes = 0;

  /** Bytes received and not yet taken: what a peer that ignores credit would grow. */
  get queuedBytes(): number {
    return this.bytes;
  }

  push(message: Uint8Array): void {
    const waiter = this.waiters.shift();
    if (waiter) {
      if (waiter.timer) clearTimeout(waiter.timer);
      waiter.resolve(message);
    } else {
      this.queue.push(message);
      this.bytes += message.byteLength;
    }
  }

  /**
   * No more messages: waiters reject with `error`. Messages already queued
   * are still taken first, unless `discard` (the stream broke the protocol,
   * so nothing in it may be used, and its memory goes now).
   */
  end(error: Error, o: { discard?: boolean } = {}): void {
    if (o.discard) {
      this.queue = [];
      this.bytes = 0;
    }
    if (this.ended) return;
    this.ended = error;
    for (const w of this.waiters.splice(0)) {
      if (w.timer) clearTimeout(w.timer);
      w.reject(error);
    }
  }

  take(timeoutMs?: number): Promise<Uint8Array> {
    const next = this.queue.shift();
    if (next) {
      this.bytes -= next.byteLength;
      return Promise.resolve(next);
    }
    if (this.ended) return Promise.reject(this.ended);
    return new Promise((resolve, reject) => {
      const waiter: (typeof this.waiters)[number] = { resolve, reject };
      if (timeoutMs !== undefined) {
        waiter.timer = setTimeout(() => {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          reject(new TimeoutError(`The other side sent nothing for ${Math.round(timeoutMs / 1000)} s; giving up.`));
        }, timeoutMs);
      }
      this.waiters.push(waiter);
    });
  }
}

/**
 * Credit-based flow control (PROTOCOL.md §5): the sender may have at most as
 * many unacknowledged records in flight as the receiver has granted. Without
 * it a Bun WebSocket server silently drops messages (DESIGN.md §4).
 */
export class CreditWindow {
  private credit: number;
  private waiters: { resolve: () => void; reject: (e: Error) => void; timer: ReturnType<typeof setTimeout> }[] = [];
  private failed: Error | undefined;

  constructor(initial: number) {
    this.credit = initial;
  }

  get available(): number {
    return this.credit;
  }

  /** Spend one credit, waiting up to `timeoutMs` for the receiver to grant more. */
  take(timeoutMs: number): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    // Waiters are served in order, so a later take() never overtakes an earlier one.
    if (this.credit > 0 && this.waiters.length === 0) {
      this.credit--;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const waiter: (typeof this.waiters)[number] = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          reject(new TimeoutError(`The receiver stopped reading for ${Math.round(timeoutMs / 1000)} s; giving up.`));
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  grant(n: number): void {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`credit must be a non-negative integer, got ${n}`);
    this.credit += n;
    while (this.credit > 0 && this.waiters.length > 0) {
      const waiter = this.waiters.shift()!;
      clearTimeout(waiter.timer);
      this.credit--;
      waiter.resolve();
    }
  }

  /** Wake every pending take() with an error (the channel closed); later takes fail too. */
  fail(error: Error): void {
    this.failed ??= error;
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
  }
}

/**
 * WebSocket close codes ccshare sends (RFC 6455 §7.4.1 for 1xxx; the 4xxx
 * codes are ours and echo the HTTP status of the same meaning). The relay
 * (PROTOCOL.md §6) and the LAN listener (§2) close with these, and
 * net/ws_channel.ts turns them into the error the user reads.
 */
export const CloseCode = {
  normal: 1000,
  /** The server is shutting down (relay SIGTERM) or the other side left. */
  goingAway: 1001,
  /** A text frame where only binary messages are allowed. */
  unsupportedData: 1003,
  /** A request the server will not serve (e.g. a malformed room code). */
  policy: 1008,
  /** A message over the size limit. */
  tooBig: 1009,
  internalError: 1011,
  /** The relay or the room is full; try again later. */
  tryAgainLater: 1013,
  /** Wrong pipe token. */
  forbidden: 4003,
  /** No such room, or the room closed. */
  roomNotFound: 4004,
  /** The receiver this pipe was meant for is gone. */
  peerNotFound: 4005,
  /** A deadline passed: unpaired socket, idle pipe, room lifetime. */
  timeout: 4008,
  /** Another sharer holds this room code. */
  roomTaken: 4009,
  /** The other side reads too slowly: its send buffer passed the cap. */
  tooSlow: 4010,
  /** Too many joins from one address in a minute. */
  tooManyJoins: 4029,
} as const;

/**
 * Close codes that may not be sent on the wire (RFC 6455 §7.4.2: 1005 "no
 * code", 1006 "abnormal", 1015 "TLS failure"; workerd throws on them) are
 * reported as "went away", so a relay can pass every close on to the other end.
 */
export function normaliseClose(code: number | undefined, reason: string | undefined): ChannelClose {
  if (code === undefined || code === 1005 || code === 1006 || code === 1015) return { code: CloseCode.goingAway, reason: reason || "connection lost" };
  return { code, reason: reason ?? "" };
}

/** Two connected in-memory Channels, for unit tests of the layers above. */
export function memoryChannelPair(): [Channel, Channel] {
  const inboxes = [new Inbox(), new Inbox()] as const;
  let resolveClosed!: (c: ChannelClose) => void;
  const closed = new Promise<ChannelClose>((r) => (resolveClosed = r));
  let isClosed = false;
  const make = (mine: 0 | 1): Channel => ({
    async send(message) {
      if (isClosed) throw new PeerGoneError("The other side closed the connection.");
      // Copy: the receiver must never see later mutations of the sender's buffer.
      inboxes[mine === 0 ? 1 : 0].push(message.slice());
    },
    receive: (timeoutMs) => inboxes[mine].take(timeoutMs),
    close(code = 1000, reason = "") {
      if (isClosed) return;
      isClosed = true;
      const gone = new PeerGoneError("The other side closed the connection.");
      inboxes[0].end(gone);
      inboxes[1].end(gone);
      resolveClosed({ code, reason });
    },
    closed,
    buffered: 0,
  });
  return [make(0), make(1)];
}
