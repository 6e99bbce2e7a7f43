// The relay's three WebSocket routes (PROTOCOL.md §6), parsed from the URL of
// an upgrade request. Anything else is not a route: the upgrade is refused.
import { CloseCode, type ChannelClose } from "../net/channel.ts";

/** PROTOCOL.md §1: 6 Crockford base32 characters (no I, L, O, U). */
const ROOM = /^[0-9A-HJKMNP-TV-Z]{6}$/;
/** Receiver ids are ours (rooms.ts): 16 lowercase hex digits. */
const PEER_ID = /^[0-9a-f]{16}$/;

export type Route =
  | { kind: "share"; room: string }
  | { kind: "join"; room: string }
  | { kind: "pipe"; room: string; id: string; token: string };

/**
 * The route for `url`, or undefined. A malformed room code in a join or pipe
 * still routes (to a room that cannot exist), so the client hears 4004 "no
 * such room" rather than a bare refused upgrade (see unroutable()).
 */
export function parseRoute(url: URL): Route | undefined {
  const parts = url.pathname.split("/");
  if (parts[0] !== "" || parts[1] !== "v1") return undefined;
  if (parts.length === 3 && parts[2] === "share") {
    const room = url.searchParams.get("room") ?? "";
    return { kind: "share", room };
  }
  if (parts.length === 4 && parts[2] === "join") return { kind: "join", room: parts[3]! };
  if (parts.length === 5 && parts[2] === "pipe") {
    return { kind: "pipe", room: parts[3]!, id: parts[4]!, token: url.searchParams.get("token") ?? "" };
  }
  return undefined;
}

export function isRoomCode(room: string): boolean {
  return ROOM.test(room);
}

export function isPeerId(id: string): boolean {
  return PEER_ID.test(id);
}

/** The close for a route whose room code cannot exist, decided before any room is looked up. */
export function unroutable(route: Route): ChannelClose | undefined {
  if (isRoomCode(route.room)) return undefined;
  return route.kind === "share" ? { code: CloseCode.policy, reason: "not a room code" } : { code: CloseCode.roomNotFound, reason: "no such room" };
}
