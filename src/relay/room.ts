// A room (PROTOCOL.md §6): one sharer's control socket, the receivers waiting
// for their pipe, and the pipes already glued. Its open/message/close are
// what the relay's WebSocket hooks do, the same code in both relays:
// `ccshare relay` (relay/server.ts) and the Durable Object (relay/durable_room.ts).
//
// The control socket carries the relay's only words, as text frames:
// {t:"room"} once, then {t:"peer", id} per receiver. When it closes, the
// room and its waiting receivers close; pipes already glued carry on.
//
// A room keeps nothing of its own but a cache: every fact is in its
// sockets' parts (relay/sockets.ts), so a Durable Object that hibernated
// and woke with a fresh Room carries on where it was.
import { CloseCode, type ChannelClose } from "../net/channel.ts";
import type { RelayLimits } from "./limits.ts";
import { endPipe, forward, gluePipe, isPipeEnd, type PipeEnd } from "./pipe.ts";
import { isPeerId, type Route } from "./routes.ts";
import { refuse, type RelaySocket, type RoomHost, type SocketPart } from "./sockets.ts";

type Control = RelaySocket & { readonly part: Extract<SocketPart, { role: "control" }> };
type Waiting = RelaySocket & { readonly part: Extract<SocketPart, { role: "waiting" }> };

const ROOM_CLOSED: ChannelClose = { code: CloseCode.roomNotFound, reason: "room closed" };

export class Room {
  /** Each pipe end's other end, found once by scanning the sockets. */
  private readonly partners = new WeakMap<RelaySocket, PipeEnd>();

  constructor(
    private readonly host: RoomHost,
    private readonly limits: RelayLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether a sharer holds this room open. */
  get isOpen(): boolean {
    return this.control() !== undefined;
  }

  /** A socket that dialled one of this room's routes (PROTOCOL.md §6). */
  open(socket: RelaySocket, route: Route): void {
    const refusal = this.refusal(route);
    if (refusal) return refuse(this.host, socket, route.kind, refusal);
    if (route.kind === "share") this.share(socket, route.room);
    else if (route.kind === "join") this.join(socket, route.room);
    else this.pipe(socket, route);
  }

  message(socket: RelaySocket, message: Uint8Array | string): void {
    const part = socket.part;
    if (part?.role === "control") return this.close(socket, { code: CloseCode.unsupportedData, reason: "the control socket takes no messages" }, true);
    if (part?.role === "waiting") return this.hold(socket as Waiting, message);
    if (part?.role !== "pipe") return;
    const from = socket as PipeEnd;
    const to = this.partner(from);
    if (!to) return;
    const failed = forward(from, to, message, this.limits, this.now());
    if (failed) this.host.emit(endPipe(from, to, failed, this.now()));
  }

  /**
   * `socket` closed with `close` (or, with `byRelay`, the relay closes it):
   * its room, its wait or its pipe ends with it.
   */
  close(socket: RelaySocket, close: ChannelClose, byRelay = false): void {
    const part = socket.part;
    // The part changes before the socket closes: a close event may come back at once.
    if (part?.role === "control") {
      this.closeRoom(socket as Control, close);
      if (byRelay) socket.close(close.code, close.reason);
    } else if (part?.role === "waiting") {
      socket.keep({ role: "done" });
      if (byRelay) socket.close(close.code, close.reason);
    } else if (part?.role === "pipe") {
      this.host.emit(endPipe(socket as PipeEnd, this.partner(socket as PipeEnd), close, this.now()));
    }
  }

  /** Close whatever is past its deadline, then ask to be woken for the next one. */
  tick(): void {
    const now = this.now();
    const { roomTtlMs, handshakeTimeoutMs, idleTimeoutMs } = this.limits;
    for (const socket of [...this.host.sockets()]) {
      const part = socket.part;
      if (part?.role === "control" && part.openedAt + roomTtlMs <= now) this.close(socket, { code: CloseCode.timeout, reason: "room expired" }, true);
      else if (part?.role === "waiting" && part.joinedAt + handshakeTimeoutMs <= now) this.close(socket, { code: CloseCode.timeout, reason: "the sharer did not answer" }, true);
      else if (part?.role === "pipe" && part.end === "receiver" && part.lastActivity + idleTimeoutMs <= now) this.close(socket, { code: CloseCode.timeout, reason: "idle pipe" }, true);
    }
    this.schedule();
  }

  /** Close everything in the room with `close` (the relay is shutting down). */
  closeAll(close: ChannelClose): void {
    // Waiting receivers first: closing the control socket would tell them 4004.
    for (const socket of this.waiting()) this.close(socket, close, true);
    for (const socket of [...this.host.sockets()]) this.close(socket, close, true);
  }

  /** Receivers waiting and pipes glued, for `GET /healthz`. */
  counts(): { waiting: number; pipes: number } {
    let waiting = 0;
    let pipes = 0;
    for (const socket of this.host.sockets()) {
      if (socket.part?.role === "waiting") waiting++;
      else if (socket.part?.role === "pipe" && socket.part.end === "receiver") pipes++;
    }
    return { waiting, pipes };
  }

  /** Why `route` would be refused now, if it would: a relay can refuse before it accepts the socket. */
  refusal(route: Route): ChannelClose | undefined {
    const control = this.control();
    if (route.kind === "share") {
      if (control) return { code: CloseCode.roomTaken, reason: "room taken" };
      if (!this.host.mayOpen()) return { code: CloseCode.tryAgainLater, reason: "relay full" };
      return undefined;
    }
    if (!control) return { code: CloseCode.roomNotFound, reason: "no such room" };
    if (route.kind === "join") return this.waiting().length >= this.limits.maxWaiting ? { code: CloseCode.tryAgainLater, reason: "room full" } : undefined;
    if (!tokenMatches(route.token, control.part.token)) return { code: CloseCode.forbidden, reason: "bad token" };
    if (!this.waitingAs(route.id)) return { code: CloseCode.peerNotFound, reason: "no such peer" };
    return undefined;
  }

  private share(socket: RelaySocket, code: string): void {
    const token = randomHex(32);
    socket.keep({ role: "control", room: code, token, openedAt: this.now(), joins: 0, pipes: 0 });
    socket.send(JSON.stringify({ t: "room", room: code, token }));
    this.host.emit({ event: "room-opened", room: code, from: this.host.hash(socket.remoteAddress) });
    this.schedule();
  }

  private join(socket: RelaySocket, code: string): void {
    const control = this.control()!;
    const id = randomHex(8);
    socket.keep({ role: "waiting", room: code, id, joinedAt: this.now(), early: [], earlyBytes: 0 });
    control.keep({ ...control.part, joins: control.part.joins + 1 });
    control.send(JSON.stringify({ t: "peer", id }));
    this.schedule();
  }

  private pipe(socket: RelaySocket, route: Extract<Route, { kind: "pipe" }>): void {
    const control = this.control()!;
    const receiver = this.waitingAs(route.id)!;
    control.keep({ ...control.part, pipes: control.part.pipes + 1 });
    const { early } = receiver.part;
    const { ends, failed } = gluePipe(receiver, socket, early, route.room, route.id, this.limits, this.now());
    this.partners.set(ends[0], ends[1]);
    this.partners.set(ends[1], ends[0]);
    if (failed) this.host.emit(endPipe(ends[0], ends[1], failed, this.now()));
    this.schedule();
  }

  /** What a waiting receiver sends is held for its pipe, within maxEarlyBytes. */
  private hold(socket: Waiting, message: Uint8Array | string): void {
    if (typeof message === "string") return this.close(socket, { code: CloseCode.unsupportedData, reason: "binary messages only" }, true);
    const earlyBytes = socket.part.earlyBytes + message.byteLength;
    if (earlyBytes > this.limits.maxEarlyBytes) return this.close(socket, { code: CloseCode.tooBig, reason: "too much data before pairing" }, true);
    socket.keep({ ...socket.part, early: [...socket.part.early, message.slice()], earlyBytes });
  }

  private closeRoom(control: Control, close: ChannelClose): void {
    const { room, openedAt, joins, pipes } = control.part;
    control.keep({ role: "done" });
    for (const waiting of this.waiting()) this.close(waiting, ROOM_CLOSED, true);
    this.host.emit({ event: "room-closed", room, seconds: (this.now() - openedAt) / 1000, joins, pipes, code: close.code, reason: close.reason });
  }

  private partner(end: PipeEnd): PipeEnd | undefined {
    const known = this.partners.get(end);
    if (known && isPipeEnd(known)) return known;
    for (const socket of this.host.sockets()) {
      if (socket !== end && isPipeEnd(socket) && socket.part.id === end.part.id) {
        this.partners.set(end, socket);
        return socket;
      }
    }
    return undefined;
  }

  private control(): Control | undefined {
    for (const socket of this.host.sockets()) if (socket.part?.role === "control") return socket as Control;
    return undefined;
  }

  private waitingAs(id: string): Waiting | undefined {
    return isPeerId(id) ? this.waiting().find((w) => w.part.id === id) : undefined;
  }

  private waiting(): Waiting[] {
    return [...this.host.sockets()].filter((s): s is Waiting => s.part?.role === "waiting");
  }

  /** One wake-up for the earliest deadline in the room. */
  private schedule(): void {
    const { roomTtlMs, handshakeTimeoutMs, idleTimeoutMs } = this.limits;
    let next = Infinity;
    for (const { part } of this.host.sockets()) {
      if (part?.role === "control") next = Math.min(next, part.openedAt + roomTtlMs);
      else if (part?.role === "waiting") next = Math.min(next, part.joinedAt + handshakeTimeoutMs);
      else if (part?.role === "pipe") next = Math.min(next, part.lastActivity + idleTimeoutMs);
    }
    if (next !== Infinity) this.host.wakeAt(next);
  }
}

/** Constant-time, so the token cannot be guessed a character at a time. */
function tokenMatches(given: string, token: string): boolean {
  if (given.length !== token.length) return false;
  let diff = 0;
  for (let i = 0; i < given.length; i++) diff |= given.charCodeAt(i) ^ token.charCodeAt(i);
  return diff === 0;
}

function randomHex(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, "0")).join("");
}
