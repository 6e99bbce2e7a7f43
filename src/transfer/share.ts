// A share, end to end on the sharer's side: serve a WebSocket on the LAN and
// advertise it (PROTOCOL.md §2), and/or register a room on a relay (§6); run
// one sendSessions() per receiver, each its own CPace run, all ruled on by one
// guess budget; stop after the first receiver finishes, when --keep-open runs
// out, after too many wrong guesses (DESIGN.md §5), or on Ctrl-C.
import { CcshareError, PeerGoneError, TooManyAttemptsError, WrongPassphraseError } from "../errors.ts";
import { CloseCode, type Channel } from "../net/channel.ts";
import { advertise, type Advert } from "../net/lan.ts";
import { openRoom } from "../net/relay_client.ts";
import { channelFromPeer } from "../net/ws_channel.ts";
import { serveWebSockets, type WebSocketServer } from "../net/ws_server.ts";
import { DEFAULT_LIMITS } from "../pack/limits.ts";
import type { OfferedSession } from "../catalog/entry.ts";
import { encodeCatalog } from "../pack/catalog_records.ts";
import { GuessBudget, type GuessGate } from "./guess_budget.ts";
import { sendSessions } from "./send.ts";
import { plural } from "../ui/format.ts";

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
  /** --verify: each receiver's short authentication words, before its catalog is sent; throws to send it nothing. */
  verify?: (sas: string, who: { peer: number }) => Promise<void>;
  onEvent: (event: ShareEvent) => void;
  signal?: AbortSignal;
}

export interface ShareSummary {
  receivers: number;
  reason: "sent" | "time-up" | "stopped";
}

/**
 * Once the budget is spent, guesses already on their way still get the answer
 * a wrong one gets (§3), not a cut connection; this long at most.
 */
const REFUSAL_GRACE_MS = 1000;

export async function share(o: ShareOptions): Promise<ShareSummary> {
  let peers = 0;
  let receivers = 0;
  const guesses = new GuessBudget(o.maxAttempts);
  /** Every receiver being served: its channel, and whether the budget has ruled on its guess yet. */
  const active = new Map<Promise<void>, { channel: Channel; ruled: boolean }>();
  let settle!: (outcome: { reason: ShareSummary["reason"] } | { error: Error }) => void;
  const finished = new Promise<{ reason: ShareSummary["reason"] } | { error: Error }>((r) => (settle = r));
  let stopping = false;
  // The same for every receiver: encoded once, while the first is still on its way (see below).
  let encoded: Uint8Array[] | undefined;
  const catalog = () => (encoded ??= encodeCatalog(o.sessions));

  const serve = (channel: Channel, via: "lan" | "relay"): void => {
    if (stopping) return channel.close(CloseCode.goingAway, "sharer is stopping");
    const served = { channel, ruled: false };
    // A receiver is news once it has guessed (or failed otherwise); one that
    // leaves before its guess, the loser of a receiver's race (§2), is not.
    let peer = 0;
    const announce = () => {
      if (peer === 0) o.onEvent({ event: "peer", peer: (peer = ++peers), via });
      return peer;
    };
    // Counted and reported the moment the budget rules, before any other guess can be (guess_budget.ts).
    const gate = guesses.gate((attempts) => {
      o.onEvent({ event: "failed-attempt", peer: announce(), attempts, maxAttempts: o.maxAttempts });
      if (guesses.spent) {
        settle({ error: new TooManyAttemptsError(`Stopped sharing after ${plural(attempts, "wrong passphrase attempt")}; someone may be guessing. Share again with a new code.`) });
      }
    });
    const evaluate: GuessGate["evaluate"] = (matches) => {
      served.ruled = true;
      const verdict = gate.evaluate(matches);
      if (verdict === "right") announce();
      return verdict;
    };
    const run = sendSessions(channel, {
      room: o.room,
      passphrase: o.passphrase,
      sessions: o.sessions,
      catalog,
      guesses: { evaluate },
      verify: o.verify && ((sas) => o.verify!(sas, { peer: announce() })),
      onWant: (ids, bytes) => o.onEvent({ event: "want", peer, sessions: ids.length, bytes }),
      onProgress: (p) => o.onEvent({ event: "progress", peer, ...p }),
    })
      .then((r) => {
        receivers++;
        o.onEvent({ event: "sent", peer, sessions: r.wanted, bytes: r.bytes, installed: r.result.installed.length, skipped: r.result.skipped.length });
        if (o.keepOpenMs === undefined) settle({ reason: "sent" });
      })
      .catch((error: unknown) => {
        // A wrong (or refused) passphrase was reported when the budget ruled on it.
        if (error instanceof WrongPassphraseError || stopping) return;
        if (error instanceof PeerGoneError && !served.ruled) return;
        o.onEvent({ event: "peer-failed", peer: announce(), message: error instanceof CcshareError ? error.message : String(error) });
      })
      .finally(() => {
        channel.close(CloseCode.normal, "");
        active.delete(run);
      });
    active.set(run, served);
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
          // ccshare's clients send no Origin; every browser does. A web page the
          // sharer (or anyone on the LAN) has open must not join, nor guess (issue 13).
          if (request.headers.has("origin")) return { reject: 403, message: "browsers may not join a share" };
          const path = new URL(request.url).pathname;
          if (path !== `/v1/join/${o.room}`) return { reject: 404, message: "no such room" };
          return { accept: (peer) => serve(channelFromPeer(peer), "lan") };
        },
      });
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
    // Only now, with the relay room ours: the advert tells the whole LAN the
    // room code, and a listener must not get to the relay first (issue 13, finding 6).
    if (server) advert = await advertise({ room: o.room, port: server.port });
    o.onEvent({ event: "ready", room: o.room, port: server?.port, relay: o.relayUrl });
    // Off the handshake's critical path: a receiver takes far longer to start than this.
    setTimeout(catalog, 0);
    const outcome = await finished;
    stopping = true;
    if ("error" in outcome) {
      if (outcome.error instanceof TooManyAttemptsError) {
        await settledWithin([...active].filter(([, s]) => !s.ruled).map(([run]) => run), REFUSAL_GRACE_MS);
      }
      throw outcome.error;
    }
    // Time up: no new receivers, and the running ones finish.
    if (outcome.reason === "time-up") await Promise.allSettled(active.keys());
    o.onEvent({ event: "done", receivers, reason: outcome.reason });
    return { receivers, reason: outcome.reason };
  } finally {
    stopping = true;
    if (timer) clearTimeout(timer);
    o.signal?.removeEventListener("abort", onAbort);
    // Ctrl-C cuts every transfer at once, on the relay as on the LAN (issue 13,
    // finding 9): closing the room alone leaves glued pipes running (§6).
    for (const { channel } of active.values()) channel.close(CloseCode.goingAway, "sharer stopped");
    room?.close();
    await Promise.all([advert?.stop(), server?.close()]);
  }
}

/** Waits for `runs`, or `ms`, whichever is first. */
async function settledWithin(runs: Promise<unknown>[], ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([Promise.allSettled(runs), new Promise((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}
