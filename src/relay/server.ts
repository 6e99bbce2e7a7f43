// The relay (PROTOCOL.md §6): sharers open rooms, receivers join them, and
// each receiver is glued to a pipe the sharer dials for it. The relay never
// parses peer messages; it forwards opaque bytes under the limits of
// limits.ts, and logs counts and lifetimes, never content or addresses.
import { RelayError } from "../errors.ts";
import { CloseCode, type ChannelClose } from "../net/channel.ts";
import { serveWebSockets, type ServerPeer } from "../net/ws_server.ts";
import { AddressHasher } from "./address_hash.ts";
import { JoinLimiter } from "./join_limiter.ts";
import { resolveLimits, type RelayLimits } from "./limits.ts";
import { Pipe } from "./pipe.ts";
import { Room } from "./rooms.ts";
import { isPeerId, isRoomCode, parseRoute, type Route } from "./routes.ts";
import { VERSION } from "../version.ts";

export interface RelayOptions {
  /** Interface to listen on (default 127.0.0.1; the command defaults to 0.0.0.0). */
  host?: string;
  /** 0 (the default) picks an ephemeral port. */
  port?: number;
  limits?: Partial<RelayLimits>;
  /** Every log-worthy event; addresses only as a daily keyed hash (§6). */
  onEvent?: (event: RelayEvent) => void;
}

export type RelayEvent =
  | { event: "room-opened"; room: string; from: string; rooms: number }
  | { event: "room-closed"; room: string; seconds: number; joins: number; pipes: number; code: number; reason: string; rooms: number }
  | { event: "pipe-closed"; room: string; seconds: number; bytes: number; code: number; reason: string; pipes: number }
  | { event: "refused"; route: Route["kind"]; code: number; reason: string; from: string };

export interface RelayStats {
  rooms: number;
  /** Receivers waiting for their pipe. */
  waiting: number;
  pipes: number;
  /** Bytes queued in the relay for pipe ends, not yet written to the network. */
  buffered: number;
  /** WebSockets open: control sockets, waiting receivers, both ends of pipes. */
  connections: number;
  bytesForwarded: number;
  /** Connections refused, by close reason. */
  refused: Record<string, number>;
}

export interface Relay {
  /** ws://host:port, dialable (0.0.0.0 is reported as 127.0.0.1). */
  url: string;
  port: number;
  /** Graceful: sharers and pipes hear 1001 "relay shutting down", then the listener closes. */
  stop(): Promise<void>;
  stats(): RelayStats;
}

const SHUTTING_DOWN: ChannelClose = { code: CloseCode.goingAway, reason: "relay shutting down" };
/** How long stop() waits for sockets to finish their closing handshake. */
const STOP_GRACE_MS = 2_000;

export async function startRelay(o: RelayOptions = {}): Promise<Relay> {
  const limits = resolveLimits(o.limits);
  const host = o.host ?? "127.0.0.1";
  const emit = o.onEvent ?? (() => {});
  const rooms = new Map<string, Room>();
  const pipes = new Set<Pipe>();
  const joins = new JoinLimiter(limits.joinsPerMinute);
  const hasher = new AddressHasher();
  const refused: Record<string, number> = {};
  let bytesForwarded = 0;
  let stopping = false;

  const waitingCount = () => [...rooms.values()].reduce((n, room) => n + room.waiting.size, 0);

  function refuse(peer: ServerPeer, route: Route["kind"], code: number, reason: string): void {
    refused[reason] = (refused[reason] ?? 0) + 1;
    peer.listen({ message: () => {}, close: () => {} });
    peer.close(code, reason);
    emit({ event: "refused", route, code, reason, from: hasher.hash(peer.remoteAddress) });
  }

  function share(peer: ServerPeer, code: string): void {
    if (!joins.allow(peer.remoteAddress)) return refuse(peer, "share", CloseCode.tooManyJoins, "too many joins");
    if (!isRoomCode(code)) return refuse(peer, "share", CloseCode.policy, "not a room code");
    if (rooms.has(code)) return refuse(peer, "share", CloseCode.roomTaken, "room taken");
    if (rooms.size >= limits.maxRooms) return refuse(peer, "share", CloseCode.tryAgainLater, "relay full");
    const room: Room = new Room(code, peer, limits, (summary) => {
      if (rooms.get(code) === room) rooms.delete(code);
      const { close } = summary;
      emit({ event: "room-closed", room: code, seconds: summary.ms / 1000, joins: summary.joins, pipes: summary.pipes, code: close.code, reason: close.reason, rooms: rooms.size });
    });
    rooms.set(code, room);
    emit({ event: "room-opened", room: code, from: hasher.hash(peer.remoteAddress), rooms: rooms.size });
  }

  function join(peer: ServerPeer, code: string): void {
    if (!joins.allow(peer.remoteAddress)) return refuse(peer, "join", CloseCode.tooManyJoins, "too many joins");
    const room = rooms.get(code);
    if (!room) return refuse(peer, "join", CloseCode.roomNotFound, "no such room");
    if (!room.addReceiver(peer)) return refuse(peer, "join", CloseCode.tryAgainLater, "room full");
  }

  function pipe(peer: ServerPeer, route: Extract<Route, { kind: "pipe" }>): void {
    const room = rooms.get(route.room);
    if (!room) return refuse(peer, "pipe", CloseCode.roomNotFound, "no such room");
    if (!room.tokenMatches(route.token)) return refuse(peer, "pipe", CloseCode.forbidden, "bad token");
    const receiver = isPeerId(route.id) ? room.takeReceiver(route.id) : undefined;
    if (!receiver) return refuse(peer, "pipe", CloseCode.peerNotFound, "no such peer");
    const glued: Pipe = new Pipe(receiver.peer, peer, {
      room: route.room,
      idleTimeoutMs: limits.idleTimeoutMs,
      onEnd: (summary) => {
        pipes.delete(glued);
        bytesForwarded += summary.bytes;
        const { close } = summary;
        emit({ event: "pipe-closed", room: summary.room, seconds: summary.ms / 1000, bytes: summary.bytes, code: close.code, reason: close.reason, pipes: pipes.size });
      },
    });
    pipes.add(glued);
    glued.start(receiver.early);
  }

  const server = await serveWebSockets({
    host,
    port: o.port ?? 0,
    maxMessageBytes: limits.maxMessageBytes,
    maxBufferedBytes: limits.maxBufferedBytes,
    onUpgrade(request) {
      const route = parseRoute(new URL(request.url));
      if (!route) return { reject: 404, message: "not a ccshare relay route\n" };
      return {
        accept(peer) {
          if (stopping) return refuse(peer, route.kind, SHUTTING_DOWN.code, SHUTTING_DOWN.reason);
          if (route.kind === "share") share(peer, route.room);
          else if (route.kind === "join") join(peer, route.room);
          else pipe(peer, route);
        },
      };
    },
    onHttp(request) {
      const { pathname } = new URL(request.url);
      if (pathname === "/healthz") return new Response(`ok rooms=${rooms.size} pipes=${pipes.size} waiting=${waitingCount()}\n`);
      // What a person who opens the relay's address in a browser reads: what it is, and where its status is.
      return new Response(`ccshare relay ${VERSION}: WebSockets for \`ccshare share --relay\` and \`ccshare receive --relay\`; its status is at /healthz.\n`, {
        status: pathname === "/" ? 200 : 404,
        headers: { "content-type": "text/plain; charset=utf-8" },
      });
    },
  }).catch((error: Error) => {
    throw new RelayError(`Could not listen on ${host}:${o.port ?? 0} (${error.message}); is something else using that port?`, { cause: error });
  });

  // Addresses are forgotten once their join budget has refilled.
  const pruner = setInterval(() => joins.prune(), 60_000);
  (pruner as { unref?: () => void }).unref?.();

  const urlHost = host === "0.0.0.0" ? "127.0.0.1" : host === "::" ? "[::1]" : host.includes(":") ? `[${host}]` : host;
  return {
    url: `ws://${urlHost}:${server.port}`,
    port: server.port,
    stats: () => ({
      rooms: rooms.size,
      waiting: waitingCount(),
      pipes: pipes.size,
      buffered: [...pipes].reduce((n, p) => n + p.buffered, 0),
      connections: server.connections,
      bytesForwarded,
      refused: { ...refused },
    }),
    async stop() {
      if (stopping) return;
      stopping = true;
      clearInterval(pruner);
      for (const room of [...rooms.values()]) room.close(SHUTTING_DOWN, SHUTTING_DOWN);
      for (const glued of [...pipes]) glued.end(SHUTTING_DOWN);
      // Let the close frames go out before the listener drops what is left.
      const deadline = Date.now() + STOP_GRACE_MS;
      while (server.connections > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await server.close();
    },
  };
}
