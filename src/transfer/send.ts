// The sharer's pipeline for one receiver (DESIGN.md §2):
//   catalog/scan -> pack/encode -> crypto/seal -> net/channel
// After the handshake it sends the catalog, waits for `want`, streams the
// wanted sessions' files within the receiver's credit, seals `done` as final,
// and waits for the receiver's `result` (PROTOCOL.md §4, §5).
import type { CatalogEntry, SessionFile } from "../catalog/entry.ts";
import { ProtocolError } from "../errors.ts";
import { CreditWindow, type Channel } from "../net/channel.ts";
import { catalogRecords, fileRecords } from "../pack/encode.ts";
import { SEND_CHUNK_BYTES } from "../pack/limits.ts";
import { encodeRecord, type Record, type ResultRecord } from "../pack/records.ts";
import { handshakeAsSharer } from "./handshake.ts";
import { ReverseStream } from "./reverse_stream.ts";

/** PROTOCOL.md §5: the receiver's initial window, in records. */
export const INITIAL_CREDIT = 8;

export interface OfferedSession {
  entry: CatalogEntry;
  files: SessionFile[];
}

export interface SendProgress {
  /** Session bytes sent so far (uncompressed). */
  bytes: number;
  /** Session bytes the receiver asked for. */
  total: number;
}

export interface SendOptions {
  room: string;
  passphrase: string;
  sessions: OfferedSession[];
  onWant?: (ids: string[], totalBytes: number) => void;
  onProgress?: (progress: SendProgress) => void;
  /** How long the receiver may take to pick sessions (a person is choosing). */
  pickTimeoutMs?: number;
  /** How long the receiver may withhold credit or its result. */
  stallTimeoutMs?: number;
  handshakeTimeoutMs?: number;
  /** The catalog records, encoded (encodeCatalog); a share encodes them once for every receiver. */
  catalog?: () => Uint8Array[];
}

export interface SendResult {
  wanted: string[];
  bytes: number;
  result: ResultRecord;
}

/** The catalog of `sessions` as encoded records (PROTOCOL.md §4), the first thing every receiver gets. */
export function encodeCatalog(sessions: readonly OfferedSession[]): Uint8Array[] {
  const fileCounts = new Map(sessions.map((s) => [s.entry.id, s.files.length]));
  return catalogRecords(sessions.map((s) => s.entry), fileCounts).map(encodeRecord);
}

/** Serve one receiver over `channel`. Throws WrongPassphraseError on a failed confirmation. */
export async function sendSessions(channel: Channel, o: SendOptions): Promise<SendResult> {
  const stallMs = o.stallTimeoutMs ?? 60_000;
  const session = await handshakeAsSharer(channel, { room: o.room, passphrase: o.passphrase, timeoutMs: o.handshakeTimeoutMs });
  const credit = new CreditWindow(INITIAL_CREDIT);
  const replies = new ReverseStream(channel, session, credit);
  const sendPlain = async (plain: Uint8Array, final = false): Promise<void> => {
    await credit.take(stallMs);
    await channel.send(await session.seal(plain, final));
  };
  const send = (record: Record, final = false): Promise<void> => sendPlain(encodeRecord(record), final);
  try {
    for (const plain of o.catalog?.() ?? encodeCatalog(o.sessions)) await sendPlain(plain);

    const want = await replies.next("want", o.pickTimeoutMs ?? 30 * 60_000);
    const offered = new Map(o.sessions.map((s) => [s.entry.id, s]));
    const wanted = [...new Set(want.ids)];
    for (const id of wanted) {
      if (!offered.has(id)) throw new ProtocolError(`The receiver asked for session ${id.slice(0, 40)}, which was not offered.`);
    }
    const chosen = wanted.map((id) => offered.get(id)!);
    const total = chosen.reduce((sum, s) => sum + s.files.reduce((n, f) => n + f.size, 0), 0);
    o.onWant?.(wanted, total);

    let bytes = 0;
    for (const { entry, files } of chosen) {
      for (const file of files) {
        let sent = 0;
        for await (const record of fileRecords(file, entry.id)) {
          await send(record);
          // Each data record carries up to one full chunk of the file (PROTOCOL.md §4).
          if (record.k === "data") {
            const step = Math.min(SEND_CHUNK_BYTES, file.size - sent);
            sent += step;
            bytes += step;
            o.onProgress?.({ bytes, total });
          }
        }
      }
    }
    await send({ k: "done" }, true);
    const result = await replies.next("result", stallMs);
    return { wanted, bytes, result };
  } finally {
    replies.stop();
  }
}
