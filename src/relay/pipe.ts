// A pipe glues a receiver's socket to the sharer's pipe socket for it
// (PROTOCOL.md §6), like croc's relay: an io.Copy both ways. It forwards
// binary messages unchanged, in order, injects nothing, and never parses them.
// It ends as a whole: when either side closes, the other is closed with the
// same code, so the peer learns why (e.g. 4010 "peer too slow").
import { CloseCode, type ChannelClose } from "../net/channel.ts";
import type { ServerPeer } from "../net/ws_server.ts";

export interface PipeSummary {
  room: string;
  /** How long the pipe lived. */
  ms: number;
  /** Bytes forwarded, both ways together. */
  bytes: number;
  close: ChannelClose;
}

export interface PipeOptions {
  room: string;
  idleTimeoutMs: number;
  onEnd(summary: PipeSummary): void;
}

export class Pipe {
  private readonly startedAt = Date.now();
  private lastActivity = this.startedAt;
  private bytes = 0;
  private ended = false;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly receiver: ServerPeer,
    private readonly sharer: ServerPeer,
    private readonly o: PipeOptions,
  ) {}

  /**
   * Start forwarding. `early` holds what the receiver sent while it waited
   * (its hello, §3): it reaches the sharer before anything sent after it.
   */
  start(early: Uint8Array[]): void {
    for (const message of early) this.forward(this.sharer, message);
    this.receiver.listen({ message: (m) => this.forward(this.sharer, m), close: (c) => this.end(c) });
    this.sharer.listen({ message: (m) => this.forward(this.receiver, m), close: (c) => this.end(c) });
    this.armIdleTimer(this.o.idleTimeoutMs);
  }

  /** Bytes queued in the relay for both ends, not yet written to the network. */
  get buffered(): number {
    return this.receiver.bufferedAmount + this.sharer.bufferedAmount;
  }

  /** Close both sides with `close` (relay shutdown, or one side went away). */
  end(close: ChannelClose): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.idleTimer);
    this.receiver.close(close.code, close.reason);
    this.sharer.close(close.code, close.reason);
    this.o.onEnd({ room: this.o.room, ms: Date.now() - this.startedAt, bytes: this.bytes, close });
  }

  private forward(to: ServerPeer, message: Uint8Array | string): void {
    if (this.ended) return;
    if (typeof message === "string") return this.end({ code: CloseCode.unsupportedData, reason: "binary messages only" });
    this.lastActivity = Date.now();
    this.bytes += message.byteLength;
    // send() refuses (and closes `to` with 4010) rather than buffer past the
    // cap: the whole pipe ends, nothing is dropped silently (DESIGN.md §4).
    if (!to.send(message)) this.end({ code: CloseCode.tooSlow, reason: "peer too slow" });
  }

  // One timer per pipe, re-armed lazily: a busy pipe costs nothing per message.
  private armIdleTimer(ms: number): void {
    this.idleTimer = setTimeout(() => {
      const idle = Date.now() - this.lastActivity;
      if (idle >= this.o.idleTimeoutMs) this.end({ code: CloseCode.timeout, reason: "idle pipe" });
      else this.armIdleTimer(this.o.idleTimeoutMs - idle);
    }, ms);
  }
}
