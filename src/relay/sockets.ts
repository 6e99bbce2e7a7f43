// What a room (relay/room.ts) needs of the sockets it holds and of the relay
// it runs in. Two relays provide it: `ccshare relay` (relay/server.ts, one
// process, many rooms) and the Cloudflare Durable Object (relay/durable_room.ts,
// one object per room). The Durable Object may hibernate between events and
// lose every JavaScript object, so all a room knows lives in its sockets'
// parts, which survive hibernation there (socket attachments).
import type { ChannelClose } from "../net/channel.ts";

/** One socket's part in its room (PROTOCOL.md §6). Plain data: it must survive a structured clone. */
export type SocketPart =
  /** The sharer's control socket: the room is open while it is. */
  | { role: "control"; room: string; token: string; openedAt: number; joins: number; pipes: number }
  /** A receiver waiting for the sharer to dial its pipe; `early` is what it sent meanwhile (its hello, §3). */
  | { role: "waiting"; room: string; id: string; joinedAt: number; early: Uint8Array[]; earlyBytes: number }
  /** One end of a pipe: `sent` bytes came from this end, `unanswered` went to it since it last spoke. */
  | { role: "pipe"; room: string; id: string; end: "receiver" | "sharer"; startedAt: number; lastActivity: number; sent: number; unanswered: number }
  /** Closed or refused by the relay: whatever it still sends is ignored. */
  | { role: "done" };

export interface RelaySocket {
  /** The client's address: for the join limit and hashed logs only, never logged raw. */
  readonly remoteAddress: string;
  /** Its part, or undefined before the room has given it one. */
  readonly part: SocketPart | undefined;
  /** Record its part (on Cloudflare: in the socket's attachment, so that it survives hibernation). */
  keep(part: SocketPart): void;
  /** Queue one message; false (having closed the socket) when it cannot take it. */
  send(data: Uint8Array | string): boolean;
  close(code: number, reason: string): void;
}

/** What a room logs (PROTOCOL.md §6: counts and lifetimes; addresses only hashed). */
export type RoomEvent =
  | { event: "room-opened"; room: string; from: string }
  | { event: "room-closed"; room: string; seconds: number; joins: number; pipes: number; code: number; reason: string }
  | { event: "pipe-closed"; room: string; seconds: number; bytes: number; code: number; reason: string }
  | { event: "refused"; route: "share" | "join" | "pipe"; code: number; reason: string; from: string };

/** The relay a room runs in. */
export interface RoomHost {
  /** Every socket of this room that has not yet reported its close. */
  sockets(): Iterable<RelaySocket>;
  /** Call the room's tick() at `at` (ms since the epoch) or soon after; a later request may be dropped. */
  wakeAt(at: number): void;
  /** Whether a new room may open (`ccshare relay --max-rooms`). */
  mayOpen(): boolean;
  /** The logged stand-in for an address (relay/address_hash.ts). */
  hash(address: string): string;
  emit(event: RoomEvent): void;
}

/** Refuse a socket with a close code the client can act on, and log it. */
export function refuse(host: Pick<RoomHost, "emit" | "hash">, socket: RelaySocket, route: "share" | "join" | "pipe", close: ChannelClose): void {
  socket.keep({ role: "done" });
  socket.close(close.code, close.reason);
  host.emit({ event: "refused", route, code: close.code, reason: close.reason, from: host.hash(socket.remoteAddress) });
}
