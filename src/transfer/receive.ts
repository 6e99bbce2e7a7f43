// The receiver's pipeline, the exact reverse of send.ts (DESIGN.md §2):
//   net/channel -> crypto/open -> pack/decode (bounded, into staging) -> install/
// Nothing reaches the projects folder unless the whole stream arrived, every
// record authenticated, and every file's digest matched (DESIGN.md §5).
import { CancelledError, LimitExceededError, PeerGoneError, ProtocolError, TruncatedStreamError } from "../errors.ts";
import { DEFAULT_LIMITS } from "../pack/limits.ts";
import type { InstallResult } from "../install/install.ts";
import type { Channel } from "../net/channel.ts";
import { decodeRecord, encodeRecord, type CatalogSession, type Record as PackRecord } from "../pack/records.ts";
import { handshakeAsReceiver, type ReceiverSession } from "./handshake.ts";
import { Incoming } from "../install/incoming.ts";

export interface ReceiveProgress {
  bytes: number;
  total: number;
}

export interface ReceiveOptions {
  room: string;
  passphrase: string;
  /** Which sessions to fetch, given the sharer's catalog (a picker, --all, or --session). */
  choose: (catalog: CatalogSession[]) => Promise<string[]>;
  /** Where sessions get installed (`--into`, default the current directory). */
  into: string;
  onProgress?: (progress: ReceiveProgress) => void;
  /** The sharer answered the handshake: the moment to say "connected". */
  onConnected?: () => void;
  env?: Record<string, string | undefined>;
  stallTimeoutMs?: number;
  handshakeTimeoutMs?: number;
  /** How often to keep the pipe alive while `choose` runs (default 20 s). */
  keepAliveMs?: number;
  /** Ctrl-C or SIGTERM: the receive stops, what arrived is removed, nothing is installed. */
  signal?: AbortSignal;
  /**
   * The handshake, already run on `channel` (net/connect.ts races the paths
   * through it); without it, it runs here.
   */
  session?: ReceiverSession;
}

export interface ReceiveResult {
  catalog: CatalogSession[];
  wanted: string[];
  install?: InstallResult;
}

export async function receiveSessions(channel: Channel, o: ReceiveOptions): Promise<ReceiveResult> {
  const stallMs = o.stallTimeoutMs ?? 60_000;
  const session = o.session ?? (await handshakeAsReceiver(channel, { room: o.room, passphrase: o.passphrase, timeoutMs: o.handshakeTimeoutMs, onHello: o.onConnected }));
  const reply = async (record: PackRecord): Promise<void> => channel.send(await session.sealReverse(encodeRecord(record)));
  let final = false;
  let received = 0;
  // One record in; its credit goes back once it is processed (PROTOCOL.md §5).
  const cancelled = new Promise<never>((_, reject) => {
    const stop = () => reject(new CancelledError("Cancelled", { refused: true }));
    if (o.signal?.aborted) stop();
    o.signal?.addEventListener("abort", stop, { once: true });
  });
  cancelled.catch(() => undefined);
  const next = async (): Promise<PackRecord> => {
    let message: Uint8Array;
    try {
      // Checked first: with records already queued, a race would always take the record.
      if (o.signal?.aborted) await cancelled;
      message = await Promise.race([cancelled, channel.receive(stallMs)]);
    } catch (error) {
      if (error instanceof PeerGoneError) throw new TruncatedStreamError(undefined);
      throw error;
    }
    const opened = await session.open(message);
    received += opened.plain.length;
    const record = decodeRecord(opened.plain);
    if (opened.final !== (record.k === "done")) {
      throw new ProtocolError(opened.final ? `The final record was "${record.k}", not "done".` : `A "done" record was not marked final.`);
    }
    final = opened.final;
    return record;
  };
  const ack = () => reply({ k: "credit", n: 1 });

  const catalog = await readCatalog(next, ack, () => received);
  const wanted = [...new Set(await keptAlive(o.choose(catalog), () => reply({ k: "credit", n: 0 }), o.keepAliveMs ?? KEEP_ALIVE_MS))];
  const total = catalog.filter((s) => wanted.includes(s.id)).reduce((n, s) => n + s.bytes, 0);
  // Opened before `want`: a bad --into fails before anything is sent, and `want` says what is here already.
  const incoming = await Incoming.open({ catalog, wanted: new Set(wanted), into: o.into, env: o.env });
  try {
    const have = await incoming.holdings();
    await reply({ k: "want", ids: wanted, ...(have.length > 0 ? { have } : {}) });
    // PROTOCOL.md §5 fixes the initial window at 8 records; with 512 KiB records
    // (pack/limits.ts SEND_CHUNK_BYTES) 8 more keep ~8 MiB in flight on slow links.
    if (wanted.length > 0) await reply({ k: "credit", n: EXTRA_CREDIT });
    let owed = 0;
    for (;;) {
      const record = await next();
      await incoming.accept(record);
      if (final) break;
      if (record.k === "data") o.onProgress?.({ bytes: incoming.unpacker.bytesReceived, total });
      if (++owed === CREDIT_BATCH) {
        await reply({ k: "credit", n: owed });
        owed = 0;
      }
    }
    if (wanted.length === 0) return { catalog, wanted };
    const result = await incoming.install();
    await reply({
      k: "result",
      installed: result.installed.map((i) => ({ id: i.id, ...(i.newId ? { newId: i.newId } : {}), folder: result.folder })),
      skipped: result.skipped,
    }).catch(() => undefined); // the sharer may already be gone; the install stands.
    return { catalog, wanted, install: result };
  } catch (error) {
    await incoming.abort();
    throw error;
  } finally {
    await incoming.dispose();
  }
}

export const EXTRA_CREDIT = 8;
/**
 * Processed records are credited back four at a time: still one credit per
 * record (PROTOCOL.md §5), in a quarter of the sealed messages, each of which
 * crosses the relay and wakes the sharer. At most three are held back, so the
 * sharer keeps 13 of its 16 records of window.
 */
export const CREDIT_BATCH = 4;

/** PROTOCOL.md §6: a relay closes a pipe idle for 60 s; a person may pick for longer. */
const KEEP_ALIVE_MS = 20_000;

async function keptAlive<T>(work: Promise<T>, ping: () => Promise<void>, everyMs: number): Promise<T> {
  const timer = setInterval(() => void ping().catch(() => undefined), everyMs);
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}

/**
 * The catalog sessions the receiver takes, and the bytes of catalog records:
 * a heavy user's 6,000 sessions with long titles come to ~15 MB. A sharer that
 * promises more, or keeps sending, is refused before more is held (issue 13
 * finding 5: an endless catalog filled 3 GiB in 20 s before any prompt).
 */
export const CATALOG_LIMITS = { sessions: DEFAULT_LIMITS.maxCatalogEntries, bytes: 24 * 1024 * 1024 };

async function readCatalog(next: () => Promise<PackRecord>, ack: () => Promise<void>, bytesSoFar: () => number): Promise<CatalogSession[]> {
  const sessions: CatalogSession[] = [];
  const tooBig = new LimitExceededError(`The sharer's catalog is over ${CATALOG_LIMITS.sessions} sessions or ${CATALOG_LIMITS.bytes / 1024 / 1024} MiB; the transfer was stopped.`);
  for (;;) {
    const record = await next();
    if (record.k !== "catalog") throw new ProtocolError(`Expected the sharer's catalog, got a "${record.k}" record.`);
    if (record.total > CATALOG_LIMITS.sessions || bytesSoFar() > CATALOG_LIMITS.bytes) throw tooBig;
    sessions.push(...record.sessions);
    await ack();
    if (sessions.length > record.total) throw new ProtocolError(`The catalog listed more sessions than its total of ${record.total}.`);
    if (sessions.length === record.total) return sessions;
  }
}
