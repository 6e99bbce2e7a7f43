// One relay room as a Cloudflare Durable Object (PROTOCOL.md §6): the Worker
// (relay/worker.ts) sends every socket for room R to the object named R, and
// this object runs relay/room.ts, the same room `ccshare relay` runs, behind
// crossws's cloudflare adapter. The only importer of crossws/adapters/cloudflare
// (STYLE.md rule 2; net/ws_server.ts holds crossws's other adapters).
//
// What the platform changes, and how it is met:
// - The object hibernates when idle and loses every JavaScript object; its
//   sockets stay open. A socket's part is kept in its attachment (which
//   survives) beside crossws's own fields, and deadlines are one alarm.
// - workerd has no backpressure (bufferedAmount stays 0): the room's count of
//   unanswered bytes per pipe end (limits.maxInFlightBytes) bounds memory.
// - crossws's close hook does not answer the client's Close frame: it is
//   answered here, else the client sees 1006 about 10 s later.
// - close() throws on 1005/1006/1015: closes are normalised first.
// - The close of a hibernatable socket that has sent nothing reaches the
//   client only ~10 s late (workerd keeps the connection up): refusals are
//   decided before the upgrade and sent on a plain socket (refuseUpgrade).
//   Honest clients speak first on every socket but the sharer's control
//   socket, which so hears a room's expiry late.
import { DurableObject } from "cloudflare:workers";
import cloudflareAdapter from "crossws/adapters/cloudflare";
import { CloseCode, normaliseClose, type ChannelClose } from "../net/channel.ts";
import { AddressHasher } from "./address_hash.ts";
import { resolveLimits, type RelayLimits } from "./limits.ts";
import { Room } from "./room.ts";
import { parseRoute, type Route } from "./routes.ts";
import type { RelaySocket, RoomEvent, RoomHost, SocketPart } from "./sockets.ts";

export interface RelayEnv {
  ROOMS: DurableObjectNamespace<RelayRoom>;
  JOINS: DurableObjectNamespace<{ allow(perMinute: number): boolean }>;
  /** JSON of Partial<RelayLimits> (wrangler.toml [vars]); absent: PROTOCOL.md §6 defaults. */
  RELAY_LIMITS?: string;
}

export function relayLimits(env: RelayEnv): RelayLimits {
  return resolveLimits(env.RELAY_LIMITS ? JSON.parse(env.RELAY_LIMITS) : {});
}

/** What a room logs goes to the Worker's log (wrangler tail), one JSON line each. */
export function logEvent(event: RoomEvent): void {
  console.log(JSON.stringify(event));
}

const addressHasher = new AddressHasher();

/**
 * workerd drops the closing handshake of a socket closed before its 101 has
 * reached the client: the Close frame arrives, but the connection stays up
 * and a WebSocket client reports the close only when it drops (seen in 8 of
 * 10 runs with Miniflare). Closed this much later, the close arrives at once.
 */
const REFUSAL_DELAY_MS = 50;

/**
 * Accept, then close with `close` on a socket that never hibernates, so the
 * client hears a code it can act on (as from `ccshare relay`) at once.
 */
export function refuseUpgrade(route: Route, close: ChannelClose, address: string): Response {
  const { 0: client, 1: server } = new WebSocketPair();
  server.accept();
  setTimeout(() => server.close(close.code, close.reason), REFUSAL_DELAY_MS);
  logEvent({ event: "refused", route: route.kind, code: close.code, reason: close.reason, from: addressHasher.hash(address) });
  return new Response(null, { status: 101, webSocket: client });
}

/** crossws keeps its own fields in the attachment (u, i, n); ours sit beside them. */
interface Attachment {
  ccshare?: SocketPart;
  [crossws: string]: unknown;
}

class DurableSocket implements RelaySocket {
  private attachment: Attachment;

  constructor(
    private readonly ws: WebSocket,
    readonly remoteAddress: string,
  ) {
    this.attachment = (ws.deserializeAttachment() as Attachment | null) ?? {};
  }

  get part(): SocketPart | undefined {
    return this.attachment.ccshare;
  }

  keep(part: SocketPart): void {
    this.attachment = { ...this.attachment, ccshare: part };
    try {
      this.ws.serializeAttachment(this.attachment);
    } catch {
      // A socket already closed keeps no attachment; its part still changed here.
    }
  }

  send(data: Uint8Array | string): boolean {
    try {
      this.ws.send(data as Uint8Array<ArrayBuffer> | string);
      return true;
    } catch {
      this.close(CloseCode.tooSlow, "peer too slow: send failed");
      return false;
    }
  }

  close(code: number, reason: string): void {
    try {
      this.ws.close(code, reason);
    } catch {
      // Already closing: nothing more to say.
    }
  }
}

// The subset of a crossws peer used here. Its `websocket` is a Proxy whose
// methods fail workerd's brand check ("Illegal invocation"), so the socket
// itself is read from crossws's `_internal`: attachments need it.
interface CrosswsPeer {
  readonly _internal: { ws: WebSocket };
  readonly request: Request;
}

export class RelayRoom extends DurableObject<RelayEnv> {
  private readonly room: Room;
  private readonly sockets = new WeakMap<WebSocket, DurableSocket>();
  private readonly adapter: ReturnType<typeof cloudflareAdapter>;
  private alarmAt: number | undefined;

  constructor(ctx: DurableObjectState, env: RelayEnv) {
    super(ctx, env);
    const host: RoomHost = {
      sockets: () => this.ctx.getWebSockets().map((ws) => this.socketOf(ws)),
      wakeAt: (at) => {
        if (this.alarmAt !== undefined && this.alarmAt <= at) return;
        this.alarmAt = at;
        void this.ctx.storage.setAlarm(at);
      },
      // Rooms are objects: Cloudflare scales them; the account's limits apply.
      mayOpen: () => true,
      hash: (address) => addressHasher.hash(address),
      emit: logEvent,
    };
    this.room = new Room(host, relayLimits(env));
    this.adapter = cloudflareAdapter({
      // One namespace: crossws keeps a set of peers per namespace (by default the path).
      getNamespace: () => "ccshare",
      hooks: {
        open: (peer: CrosswsPeer) => {
          const route = parseRoute(new URL(peer.request.url));
          const socket = this.socketOf(peer._internal.ws, peer.request.headers.get("cf-connecting-ip") ?? "");
          // The Worker routes only valid routes here (relay/worker.ts).
          if (route) this.room.open(socket, route);
          else socket.close(CloseCode.policy, "not a ccshare relay route");
        },
        message: (peer: CrosswsPeer, message: { rawData: unknown }) => {
          const data = message.rawData;
          this.room.message(this.socketOf(peer._internal.ws), typeof data === "string" ? data : new Uint8Array(data as ArrayBuffer));
        },
        close: (peer: CrosswsPeer, details: { code?: number; reason?: string }) => this.closed(peer._internal.ws, normaliseClose(details.code, details.reason)),
      } as never,
    });
  }

  fetch(request: Request): Promise<Response> {
    // workerd delays the close of a hibernatable socket that has sent nothing
    // by ~10 s (a Bun client hears it only then): refusals go out on a plain one.
    const route = parseRoute(new URL(request.url));
    const refusal = route && this.room.refusal(route);
    if (route && refusal) return Promise.resolve(refuseUpgrade(route, refusal, request.headers.get("cf-connecting-ip") ?? ""));
    return this.adapter.handleDurableUpgrade(this as never, request as never) as Promise<Response>;
  }

  webSocketMessage(ws: WebSocket, message: ArrayBuffer | string): Promise<void> {
    return this.adapter.handleDurableMessage(this as never, ws as never, message);
  }

  webSocketClose(ws: WebSocket, code: number, reason: string, wasClean: boolean): Promise<void> {
    return this.adapter.handleDurableClose(this as never, ws as never, code, reason, wasClean);
  }

  webSocketError(ws: WebSocket): void {
    this.closed(ws, normaliseClose(1006, "socket error"));
  }

  alarm(): void {
    this.alarmAt = undefined;
    this.room.tick();
  }

  private closed(ws: WebSocket, close: { code: number; reason: string }): void {
    this.room.close(this.socketOf(ws), close);
    // Answer the Close frame (crossws does not), with a code close() accepts.
    this.socketOf(ws).close(close.code, close.reason);
  }

  /** The one DurableSocket of `ws` while this object lives; after hibernation a new one reads the attachment. */
  private socketOf(ws: WebSocket, remoteAddress = ""): DurableSocket {
    let socket = this.sockets.get(ws);
    if (!socket) this.sockets.set(ws, (socket = new DurableSocket(ws, remoteAddress)));
    return socket;
  }
}
