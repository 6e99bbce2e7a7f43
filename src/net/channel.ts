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

  push(message: Uint8Array): void {
    const waiter = this.waiters.shift();
    if (waiter) {
      if (waiter.timer) clearTimeout(waiter.timer);
      waiter.resolve(message);
    } else {
      this.queue.push(message);
    }
  }

  end(error: Error): void {
    if (this.ended) return;
    this.ended = error;
    for (const w of this.waiters.splice(0)) {
      if (w.timer) clearTimeout(w.timer);
      w.reject(error);
    }
  }

  take(timeoutMs?: number): Promise<Uint8Array> {
    const next = this.queue.shift();
    if (next) return Promise.resolve(next);
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
  private waiter: { resolve: () => void; reject: (e: Error) => void; timer: ReturnType<typeof setTimeout> } | undefined;

  constructor(initial: number) {
    this.credit = initial;
  }

  get available(): number {
    return this.credit;
  }

  /** Spend one credit, waiting up to `timeoutMs` for the receiver to grant more. */
  take(timeoutMs: number): Promise<void> {
    if (this.credit > 0) {
      this.credit--;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new TimeoutError(`The receiver stopped reading for ${Math.round(timeoutMs / 1000)} s; giving up.`));
      }, timeoutMs);
      this.waiter = {
        resolve: () => {
          this.credit--;
          resolve();
        },
        reject,
        timer,
      };
    });
  }

  grant(n: number): void {
    this.credit += n;
    const waiter = this.waiter;
    if (waiter && this.credit > 0) {
      this.waiter = undefined;
      clearTimeout(waiter.timer);
      waiter.resolve();
    }
  }

  /** Wake a pending take() with an error (the channel closed). */
  fail(error: Error): void {
    const waiter = this.waiter;
    if (!waiter) return;
    this.waiter = undefined;
    clearTimeout(waiter.timer);
    waiter.reject(error);
  }
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
