// A room: one sharer's control socket and the receivers waiting for their
// pipe (PROTOCOL.md §6). The control socket carries the
// relay's only words, as text frames: {t:"room"} once, then {t:"peer", id}
// per receiver. When it closes, the room and its waiting receivers close.
import { CloseCode, type ChannelClose } from "../net/channel.ts";
import type { ServerPeer } from "../net/ws_server.ts";
import type { RelayLimits } from "./limits.ts";

/** A receiver that has joined and waits for the sharer to dial its pipe. */
export interface WaitingReceiver {
  id: string;
  peer: ServerPeer;
  /** What it sent while waiting (its hello, §3); bounded by maxBufferedBytes. */
  early: Uint8Array[];
  earlyBytes: number;
  deadline: ReturnType<typeof setTimeout>;
}

export interface RoomSummary {
  room: string;
  /** How long the room lived. */
  ms: number;
  joins: number;
  pipes: number;
  close: ChannelClose;
}

const ROOM_CLOSED: ChannelClose = { code: CloseCode.roomNotFound, reason: "room closed" };

export class Room {
  readonly token = randomHex(32);
  readonly waiting = new Map<string, WaitingReceiver>();
  private readonly openedAt = Date.now();
  private readonly expiry: ReturnType<typeof setTimeout>;
  private joins = 0;
  private pipeCount = 0;
  private closed = false;

  constructor(
    readonly code: string,
    private readonly control: ServerPeer,
    private readonly limits: RelayLimits,
    private readonly onClosed: (summary: RoomSummary) => void,
  ) {
    this.expiry = setTimeout(() => this.close({ code: CloseCode.timeout, reason: "room expired" }), limits.roomTtlMs);
    control.listen({
      // The sharer has nothing to say on the control socket (§6).
      message: () => this.close({ code: CloseCode.unsupportedData, reason: "the control socket takes no messages" }),
      close: (close) => this.close(close),
    });
    control.send(JSON.stringify({ t: "room", room: code, token: this.token }));
  }

  /** Seat a receiver and tell the sharer; false when the room is full. */
  addReceiver(peer: ServerPeer): boolean {
    if (this.closed || this.waiting.size >= this.limits.maxWaiting) return false;
    const id = randomHex(8);
    const waiting: WaitingReceiver = {
      id,
      peer,
      early: [],
      earlyBytes: 0,
      deadline: setTimeout(() => this.dropReceiver(id, { code: CloseCode.timeout, reason: "the sharer did not answer" }), this.limits.handshakeTimeoutMs),
    };
    this.waiting.set(id, waiting);
    this.joins++;
    peer.listen({
      message: (message) => {
        if (typeof message === "string") return this.dropReceiver(id, { code: CloseCode.unsupportedData, reason: "binary messages only" });
        waiting.early.push(message);
        waiting.earlyBytes += message.byteLength;
        if (waiting.earlyBytes > this.limits.maxBufferedBytes) this.dropReceiver(id, { code: CloseCode.tooBig, reason: "too much data before pairing" });
      },
      close: () => this.dropReceiver(id),
    });
    this.control.send(JSON.stringify({ t: "peer", id }));
    return true;
  }

  /** The waiting receiver `id`, now leaving the waiting list for a pipe. */
  takeReceiver(id: string): WaitingReceiver | undefined {
    const waiting = this.waiting.get(id);
    if (!waiting) return undefined;
    clearTimeout(waiting.deadline);
    this.waiting.delete(id);
    this.pipeCount++;
    return waiting;
  }

  /** Constant-time, so the token cannot be guessed a character at a time. */
  tokenMatches(token: string): boolean {
    if (token.length !== this.token.length) return false;
    let diff = 0;
    for (let i = 0; i < token.length; i++) diff |= token.charCodeAt(i) ^ this.token.charCodeAt(i);
    return diff === 0;
  }

  /**
   * Close the control socket with `close` and every waiting receiver with
   * `forWaiting`. Pipes already glued carry on: a transfer in flight is not
   * cut because the sharer stopped taking new receivers.
   */
  close(close: ChannelClose, forWaiting: ChannelClose = ROOM_CLOSED): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.expiry);
    this.control.close(close.code, close.reason);
    for (const id of [...this.waiting.keys()]) this.dropReceiver(id, forWaiting);
    this.onClosed({ room: this.code, ms: Date.now() - this.openedAt, joins: this.joins, pipes: this.pipeCount, close });
  }

  private dropReceiver(id: string, close?: ChannelClose): void {
    const waiting = this.waiting.get(id);
    if (!waiting) return;
    clearTimeout(waiting.deadline);
    this.waiting.delete(id);
    if (close) waiting.peer.close(close.code, close.reason);
  }
}

function randomHex(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, "0")).join("");
}
