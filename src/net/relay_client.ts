// Both sides of a relay rendezvous (PROTOCOL.md §6). The sharer holds a room
// open on a control socket, hears of each receiver as {t:"peer", id}, and
// dials one pipe per receiver; the receiver dials /v1/join/ROOM. A pipe is a
// plain Channel: the relay forwards bytes and injects nothing into it.
import { CcshareError, ProtocolError, RelayError, TimeoutError, UsageError } from "../errors.ts";
import { CloseCode, type Channel, type ChannelClose } from "./channel.ts";
import { closeDialled, dialWebSocket, displayUrl, errorForClose, holdUntilClosed, openWebSocketChannel, type OpenChannelOptions } from "./ws_channel.ts";

export interface RelayRoom {
  readonly room: string;
  /**
   * Receivers, in the order they join. Ends when close() is called; throws
   * the mapped error when the relay closes the room (expiry, shutdown).
   */
  readonly peers: AsyncIterable<{ id: string }>;
  /** Dial the pipe for receiver `id` (/v1/pipe/ROOM/<id>?token=...). */
  acceptPeer(id: string, o?: OpenChannelOptions): Promise<Channel>;
  /** Close the room: the relay closes its waiting receivers (4004 "room closed"). */
  close(): void;
  readonly closed: Promise<ChannelClose>;
}

/** A hostile relay could announce peers without end; more than this unread is a violation. */
const MAX_UNREAD_PEERS = 256;
const PEER_ID = /^[0-9a-f]{16}$/;

/** Hosts that are this machine: a relay there is plain ws:// (nobody puts TLS on loopback). */
function isLoopback(host: string): boolean {
  return host === "localhost" || /^127(\.\d{1,3}){3}$/.test(host) || host === "[::1]";
}

/**
 * The WebSocket URL of `path` on a relay. Accepts ws://, wss://, http:// and
 * https:// (mapped to ws/wss), or a bare host: wss:// for a host on the
 * network, ws:// for loopback (`127.0.0.1:8787`, where `ccshare relay` runs
 * without TLS). Keeps a base path, so a relay can live behind a reverse proxy
 * at https://example.com/ccshare.
 */
export function relayEndpoint(relayUrl: string, path: string): string {
  let url: URL;
  try {
    url = new URL(relayUrl.includes("://") ? relayUrl : `wss://${relayUrl}`);
    if (!relayUrl.includes("://") && isLoopback(url.hostname)) url = new URL(`ws://${relayUrl}`);
  } catch {
    throw new UsageError(`"${relayUrl}" is not a relay address; expected one like wss://relay.example.com.`);
  }
  const scheme = { "ws:": "ws:", "wss:": "wss:", "http:": "ws:", "https:": "wss:" }[url.protocol];
  if (!scheme) throw new UsageError(`A relay address starts with ws://, wss://, http:// or https://, got "${url.protocol}//".`);
  return `${scheme}//${url.host}${url.pathname.replace(/\/+$/, "")}${path}`;
}

/** Receiver side: dial the room's join route. The relay holds this socket until the sharer's pipe arrives. */
export async function joinRoom(relayUrl: string, room: string, o: OpenChannelOptions = {}): Promise<Channel> {
  const url = relayEndpoint(relayUrl, `/v1/join/${encodeURIComponent(room)}`);
  return openWebSocketChannel(url, o).catch((error) => Promise.reject(unreachable(error, relayUrl)));
}

/** Sharer side: open room `room` on the relay and wait for its token. */
export function openRoom(relayUrl: string, room: string, o: OpenChannelOptions = {}): Promise<RelayRoom> {
  const url = relayEndpoint(relayUrl, `/v1/share?room=${encodeURIComponent(room)}`);
  const timeoutMs = o.timeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    const ws = dialWebSocket(url);
    holdUntilClosed(ws);
    const unread: { id: string }[] = [];
    let reader: { resolve: (r: IteratorResult<{ id: string }>) => void; reject: (e: Error) => void } | undefined;
    let ended: { error?: CcshareError } | undefined;
    let token: string | undefined;
    let closedLocally = false;
    let resolveClosed!: (c: ChannelClose) => void;
    const closed = new Promise<ChannelClose>((r) => (resolveClosed = r));

    const timer = setTimeout(() => fail(new TimeoutError(`The relay at ${displayUrl(url)} did not open the room within ${Math.round(timeoutMs / 1000)} s.`)), timeoutMs);
    const onAbort = () => fail(new CcshareError("Opening the room was cancelled.", { cause: o.signal?.reason }));
    o.signal?.addEventListener("abort", onAbort, { once: true });

    function fail(error: CcshareError, code: number = CloseCode.normal): void {
      clearTimeout(timer);
      if (!token) reject(error);
      finish(error);
      closeDialled(ws, code, error instanceof ProtocolError ? "protocol error" : "");
    }
    function finish(error?: CcshareError): void {
      if (ended) return;
      ended = { error };
      o.signal?.removeEventListener("abort", onAbort);
      if (reader) {
        const r = reader;
        reader = undefined;
        if (error) r.reject(error);
        else r.resolve({ done: true, value: undefined });
      }
    }
    function onText(text: string): void {
      let message: { t?: unknown; room?: unknown; token?: unknown; id?: unknown };
      try {
        message = JSON.parse(text);
      } catch {
        return fail(new ProtocolError("The relay sent a control message that is not JSON."), CloseCode.unsupportedData);
      }
      if (!token) {
        if (message.t !== "room" || message.room !== room || typeof message.token !== "string" || !message.token) {
          return fail(new ProtocolError("The relay's first control message was not the room it was asked for."), CloseCode.unsupportedData);
        }
        token = message.token;
        clearTimeout(timer);
        return resolve(handle);
      }
      if (message.t !== "peer") return; // a newer relay's event: not ours to act on
      if (typeof message.id !== "string" || !PEER_ID.test(message.id)) {
        return fail(new ProtocolError("The relay announced a receiver with a malformed id."), CloseCode.unsupportedData);
      }
      if (reader) {
        const r = reader;
        reader = undefined;
        r.resolve({ done: false, value: { id: message.id } });
      } else if (unread.push({ id: message.id }) > MAX_UNREAD_PEERS) {
        fail(new ProtocolError("The relay announced more receivers than the room can hold."), CloseCode.policy);
      }
    }

    ws.addEventListener("message", (e) => {
      if (ended) return;
      if (typeof e.data !== "string") return fail(new ProtocolError("The relay sent binary data on the control socket."), CloseCode.unsupportedData);
      onText(e.data);
    });
    ws.addEventListener("close", (e) => {
      const close = { code: e.code, reason: e.reason };
      resolveClosed(close);
      clearTimeout(timer);
      if (!token) {
        const abnormal = e.code === 1006 || e.code === 0;
        reject(abnormal ? unreachable(new RelayError("connect failed", { cause: close }), relayUrl) : errorForClose(close));
      }
      finish(closedLocally ? undefined : errorForClose(close));
    });

    const handle: RelayRoom = {
      room,
      closed,
      peers: {
        [Symbol.asyncIterator]: () => ({
          next(): Promise<IteratorResult<{ id: string }>> {
            const next = unread.shift();
            if (next) return Promise.resolve({ done: false, value: next });
            if (ended) return ended.error ? Promise.reject(ended.error) : Promise.resolve({ done: true, value: undefined });
            if (reader) return Promise.reject(new Error("RelayRoom.peers has one reader at a time"));
            return new Promise((res, rej) => (reader = { resolve: res, reject: rej }));
          },
          return(): Promise<IteratorResult<{ id: string }>> {
            return Promise.resolve({ done: true, value: undefined });
          },
        }),
      },
      acceptPeer(id, options) {
        if (!PEER_ID.test(id)) return Promise.reject(new UsageError(`Not a receiver id from the relay: "${id}".`));
        const pipe = relayEndpoint(relayUrl, `/v1/pipe/${encodeURIComponent(room)}/${id}?token=${encodeURIComponent(token!)}`);
        return openWebSocketChannel(pipe, { ...o, ...options }).catch((error) => Promise.reject(unreachable(error, relayUrl)));
      },
      close() {
        closedLocally = true;
        finish();
        closeDialled(ws, CloseCode.normal, "");
      },
    };
  });
}

/**
 * A failure to connect at all reads as "the relay is unreachable", saying
 * which scheme was tried and offering the other (a plain relay dialled with
 * wss://, or a TLS one with ws://, fails the same way); other errors pass through.
 */
function unreachable(error: unknown, relayUrl: string): unknown {
  const close = (error as { cause?: { code?: number } } | null)?.cause;
  const failedToConnect = close?.code === 1006 || close?.code === 0;
  if (!failedToConnect) return error;
  const tried = relayEndpoint(relayUrl, "");
  const other = tried.startsWith("wss://") ? `ws://${tried.slice(6)}` : `wss://${tried.slice(5)}`;
  const kind = tried.startsWith("wss://") ? "plain WebSocket (ws://)" : "TLS (wss://)";
  return new RelayError(`Could not reach the relay at ${displayUrl(tried)}; check the address, or if that relay speaks ${kind}, try --relay ${displayUrl(other)}.`, { cause: error });
}
