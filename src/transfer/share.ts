// A share, end to end on the sharer's side: serve a WebSocket on the LAN and
// advertise it (PROTOCOL.md §2), and/or register a room on a relay (§6); run
// one sendSessions() per receiver, each its own CPace run; stop after the first
// receiver finishes, when --keep-open runs out, after too many wrong guesses
// (DESIGN.md §5), or when the caller aborts (Ctrl-C).
import { TooManyAttemptsError, WrongPassphraseError, CcshareError } from "../errors.ts";
import type { Channel } from "../net/channel.ts";
import { advertise, type Advert } from "../net/lan.ts";
import { openRoom } from "../net/relay_client.ts";
import { channelFromPeer } from "../net/ws_channel.ts";
import { serveWebSockets, type WebSocketServer } from "../net/ws_server.ts";
import { DEFAULT_LIMITS } from "../pack/limits.ts";
import type { OfferedSession } from "../catalog/entry.ts";
import { encodeCatalog } from "../pack/catalog_records.ts";
import { sendSessions } from "./send.ts";

export type ShareEvent =
  | { event: "ready"; room: string; port?: number; relay?: string }
  | { event: "peer"; peer: number; via: "lan" | "relay" }
  | { event: "want"; peer: number; sessions: number; bytes: number }
  | { event: "progress"; peer: number; bytes: number; total: number }
  | { event: "sent"; peer: number; sessions: string[]; bytes: number; installed: number; skipped: number }
  | { event: "failed-attempt"; peer: number; attempts: number; maxAttempts: number }
  | { event: "peer-failed"; peer: number; message: string }
  | { event: "done"; receivers: number; reason: "sent" | "time-up" | "stopped" };

export interface ShareOptions {
  sessions: OfferedSession[];
  room: string;
  passphrase: string;
  lan: boolean;
  relayUrl?: string;
  /** Serve receivers until this many ms have passed; without it, stop after the first. */
  keepOpenMs?: number;
  maxAttempts: number;
  onEvent: (event: ShareEvent) => void;
  signal?: AbortSignal;
}

export interface ShareSummary {
  receivers: number;
  reason: "sent" | "time-up" | "stopped";
}

export async function share(o: ShareOptions): Promise<ShareSummary> {
  let peers = 0;
  let attempts = 0;
  let receivers = 0;
  const active = new Set<Promise<void>>();
  let settle!: (outcome: { reason: ShareSummary["reason"] } | { error: Error }) => void;
  const finished = new Promise<{ reason: ShareSummary["reason"] } | { error: Error }>((r) => (settle = r));
  let stopping = false;
  // The same for every receiver: encoded once, while the first is still on its way (see below).
  let encoded: Uint8Array[] | undefined;
  const catalog = () => (encoded ??= encodeCatalog(o.sessions));

  const serve = (channel: Channel, via: "lan" | "relay"): void => {
    if (stopping) return channel.close(1001, "sharer is stopping");
    const peer = ++peers;
    o.onEvent({ event: "peer", peer, via });
    const run = sendSessions(channel, {
      room: o.room,
      passphrase: o.passphrase,
      sessions: o.sessions,
      catalog,
      onWant: (ids, bytes) => o.onEvent({ event: "want", peer, sessions: ids.length, bytes }),
      onProgress: (p) => o.onEvent({ event: "progress", peer, ...p }),
    })
      .then((r) => {
        receivers++;
        o.onEvent({ event: "sent", peer, sessions: r.wanted, bytes: r.bytes, installed: r.result.installed.length, skipped: r.result.skipped.length });
        if (o.keepOpenMs === undefined) settle({ reason: "sent" });
      })
      .catch((error: unknown) => {
        if (error instanceof WrongPassphraseError) {
          attempts++;
          o.onEvent({ event: "failed-attempt", peer, attempts, maxAttempts: o.maxAttempts });
          if (attempts >= o.maxAttempts) {
            settle({ error: new TooManyAttemptsError(`Stopped sharing after ${attempts} wrong passphrase attempt${attempts === 1 ? "" : "s"}; someone may be guessing. Share again with a new code.`) });
          }
        } else if (!stopping) {
          o.onEvent({ event: "peer-failed", peer, message: error instanceof CcshareError ? error.message : String(error) });
        }
      })
      .finally(() => {
        channel.close(1000, "");
        active.delete(run);
      });
    active.add(run);
  };

  let server: WebSocketServer | undefined;
  let advert: Advert | undefined;
  let room: Awaited<ReturnType<typeof openRoom>> | undefined;
  const onAbort = () => settle({ reason: "stopped" });
  o.signal?.addEventListener("abort", onAbort, { once: true });
  const timer = o.keepOpenMs === undefined ? undefined : setTimeout(() => settle({ reason: "time-up" }), o.keepOpenMs);
  try {
    if (o.lan) {
      server = await serveWebSockets({
        host: "0.0.0.0",
        port: 0,
        maxMessageBytes: DEFAULT_LIMITS.maxRecordBytes,
        maxBufferedBytes: 16 * 1024 * 1024,
        onUpgrade: (request) => {
          const path = new URL(request.url).pathname;
          if (path !== `/v1/join/${o.room}`) return { reject: 404, message: "no such room" };
          return { accept: (peer) => serve(channelFromPeer(peer), "lan") };
        },
      });
      advert = await advertise({ room: o.room, port: server.port });
    }
    if (o.relayUrl) {
      room = await openRoom(o.relayUrl, o.room);
      void (async () => {
        for await (const { id } of room!.peers) {
          room!.acceptPeer(id).then(
            (channel) => serve(channel, "relay"),
            (error: unknown) => o.onEvent({ event: "peer-failed", peer: 0, message: (error as Error).message }),
          );
        }
      })().catch((error: unknown) => settle({ error: error instanceof Error ? error : new Error(String(error)) }));
    }
    o.onEvent({ event: "ready", room: o.room, port: server?.port, relay: o.relayUrl });
    // Off the handshake's critical path: a receiver takes far longer to start than this.
    setTimeout(catalog, 0);
    const outcome = await finished;
    stopping = true;
    if ("error" in outcome) throw outcome.error;
    // Time up or Ctrl-C: no new receivers; Ctrl-C also cuts running transfers.
    if (outcome.reason === "time-up") await Promise.allSettled(active);
    o.onEvent({ event: "done", receivers, reason: outcome.reason });
    return { receivers, reason: outcome.reason };
  } finally {
    stopping = true;
    if (timer) clearTimeout(timer);
    o.signal?.removeEventListener("abort", onAbort);
    await advert?.stop();
    room?.close();
    await server?.close();
  }
}
