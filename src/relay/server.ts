// The relay (PROTOCOL.md §6) as one process: `ccshare relay`, on Bun, Deno or
// Node. Sharers open rooms, receivers join them, and each receiver is glued
// to a pipe the sharer dials for it. What happens in a room is relay/room.ts,
// the same code the Cloudflare relay runs (relay/durable_room.ts); this file
// keeps the many rooms of one process, their timers, the join limit per
// address, and the counts for /healthz. It logs counts and lifetimes, never
// content or addresses.
import { RelayError } from "../errors.ts";
import { CloseCode, type ChannelClose } from "../net/channel.ts";
import { serveWebSockets, type ServerPeer } from "../net/ws_server.ts";
import { AddressHasher } from "./address_hash.ts";
import { JoinLimiter } from "./join_limiter.ts";
import { resolveLimits, type RelayLimits } from "./limits.ts";
import { Room } from "./room.ts";
import { parseRoute, unroutable, type Route } from "./routes.ts";
import { refuse, type RelaySocket, type RoomEvent, type RoomHost, type SocketPart } from "./sockets.ts";
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

/** A room's events (relay/sockets.ts), with the relay's totals after each. */
export type RelayEvent =
  | (Extract<RoomEvent, { event: "room-opened" | "room-closed" }> & { rooms: number })
  | (Extract<RoomEvent, { event: "pipe-closed" }> & { pipes: number })
  | Extract<RoomEvent, { event: "refused" }>;

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

/** A server socket as a room sees it; its part lives in memory, as long as the process. */
class PeerSocket implements RelaySocket {
  part: SocketPart | undefined;
  constructor(readonly peer: ServerPeer) {}
  get remoteAddress(): string {
    return this.peer.remoteAddress;
  }
  keep(part: SocketPart): void {
    this.part = part;
  }
  send(data: Uint8Array | string): boolean {
    return this.peer.send(data);
  }
  close(code: number, reason: string): void {
    this.peer.close(code, reason);
  }
}

/** One room of this process, with its sockets and its one timer. */
interface LocalRoom {
  room: Room;
  sockets: Set<PeerSocket>;
  timer?: ReturnType<typeof setTimeout>;
  timerAt: number;
}

export async function startRelay(o: RelayOptions = {}): Promise<Relay> {
  const limits = resolveLimits(o.limits);
  const host = o.host ?? "127.0.0.1";
  const emit = o.onEvent ?? (() => {});
  const rooms = new Map<string, LocalRoom>();
  const joins = new JoinLimiter(limits.joinsPerMinute);
  const hasher = new AddressHasher();
  const hash = (address: string) => hasher.hash(address);
  const refused: Record<string, number> = {};
  let openRooms = 0;
  let bytesForwarded = 0;
  let stopping = false;

  const all = () => [...rooms.values()];
  const totals = () => all().reduce((n, r) => {
    const c = r.room.counts();
    return { waiting: n.waiting + c.waiting, pipes: n.pipes + c.pipes };
  }, { waiting: 0, pipes: 0 });

  function onRoomEvent(e: RoomEvent): void {
    if (e.event === "room-opened") emit({ ...e, rooms: ++openRooms });
    else if (e.event === "room-closed") emit({ ...e, rooms: --openRooms });
    else if (e.event === "pipe-closed") {
      bytesForwarded += e.bytes;
      emit({ ...e, pipes: totals().pipes });
    } else {
      refused[e.reason] = (refused[e.reason] ?? 0) + 1;
      emit(e);
    }
  }

  function roomFor(code: string): LocalRoom {
    const known = rooms.get(code);
    if (known) return known;
    const local: LocalRoom = { sockets: new Set(), timerAt: Infinity, room: undefined as unknown as Room };
    const roomHost: RoomHost = {
      sockets: () => local.sockets,
      wakeAt(at) {
        if (local.timerAt <= at) return;
        clearTimeout(local.timer);
        local.timerAt = at;
        local.timer = setTimeout(() => {
          local.timerAt = Infinity;
          local.room.tick();
          forgetIfEmpty(code);
        }, Math.max(0, at - Date.now()));
      },
      mayOpen: () => openRooms < limits.maxRooms,
      hash,
      emit: onRoomEvent,
    };
    local.room = new Room(roomHost, limits);
    rooms.set(code, local);
    return local;
  }

  function forgetIfEmpty(code: string): void {
    const local = rooms.get(code);
    if (!local || local.sockets.size > 0) return;
    clearTimeout(local.timer);
    rooms.delete(code);
  }

  function accept(peer: ServerPeer, route: Route): void {
    const socket = new PeerSocket(peer);
    const early = stopping ? SHUTTING_DOWN
      : route.kind !== "pipe" && !joins.allow(peer.remoteAddress) ? { code: CloseCode.tooManyJoins, reason: "too many joins" }
      : unroutable(route);
    if (early) {
      peer.listen({ message: () => {}, close: () => {} });
      return refuse({ emit: onRoomEvent, hash }, socket, route.kind, early);
    }
    const local = roomFor(route.room);
    local.sockets.add(socket);
    local.room.open(socket, route);
    // After open(): what the socket sent meanwhile is replayed to its part.
    peer.listen({
      message: (message) => local.room.message(socket, message),
      close: (close) => {
        local.room.close(socket, close);
        local.sockets.delete(socket);
        forgetIfEmpty(route.room);
      },
    });
  }

  const server = await serveWebSockets({
    host,
    port: o.port ?? 0,
    maxMessageBytes: limits.maxMessageBytes,
    maxBufferedBytes: limits.maxBufferedBytes,
    onUpgrade(request) {
      const route = parseRoute(new URL(request.url));
      if (!route) return { reject: 404, message: "not a ccshare relay route\n" };
      return { accept: (peer) => accept(peer, route) };
    },
    onHttp(request) {
      const { pathname } = new URL(request.url);
      if (pathname === "/healthz") {
        const { waiting, pipes } = totals();
        return new Response(`ok rooms=${openRooms} pipes=${pipes} waiting=${waiting}\n`);
      }
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
      rooms: openRooms,
      ...totals(),
      buffered: all().reduce((n, r) => n + [...r.sockets].reduce((m, s) => m + (s.part?.role === "pipe" ? s.peer.bufferedAmount : 0), 0), 0),
      connections: server.connections,
      bytesForwarded,
      refused: { ...refused },
    }),
    async stop() {
      if (stopping) return;
      stopping = true;
      clearInterval(pruner);
      for (const local of all()) local.room.closeAll(SHUTTING_DOWN);
      // Let the close frames go out before the listener drops what is left.
      const deadline = Date.now() + STOP_GRACE_MS;
      while (server.connections > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      for (const local of all()) clearTimeout(local.timer);
      await server.close();
    },
  };
}
