// The sharer's pipeline for one receiver (DESIGN.md §2):
//   catalog/scan -> pack/encode -> crypto/seal -> net/channel
// After the handshake it sends the catalog, waits for `want`, streams the
// wanted sessions' files within the receiver's credit, seals `done` as final,
// and waits for the receiver's `result` (PROTOCOL.md §4, §5).
import type { OfferedSession } from "../catalog/entry.ts";
import { ProtocolError } from "../errors.ts";
import { CreditWindow, type Channel } from "../net/channel.ts";
import { sessionStream } from "../pack/encode.ts";
import { DigestCache } from "../sync/digests.ts";
import { outgoingSessions } from "../sync/outgoing.ts";
import type { ResultRecord } from "../pack/records.ts";
import type { GuessGate } from "./guess_budget.ts";
import { handshakeAsSharer } from "./handshake.ts";
import { ReverseStream } from "./reverse_stream.ts";

/** PROTOCOL.md §5: the receiver's initial window, in records. */
export const INITIAL_CREDIT = 8;

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
  /** The room's guess budget, which rules on this receiver's passphrase (transfer/guess_budget.ts). */
  guesses?: GuessGate;
  /** --verify: given the short authentication words once the key is confirmed; throws to send nothing. */
  verify?: (sas: string) => Promise<void>;
}

export interface SendResult {
  wanted: string[];
  bytes: number;
  result: ResultRecord;
}

/** Serve one receiver over `channel`. Throws WrongPassphraseError on a failed confirmation. */
export async function sendSessions(channel: Channel, o: SendOptions): Promise<SendResult> {
  const stallMs = o.stallTimeoutMs ?? 60_000;
  const session = await handshakeAsSharer(channel, { room: o.room, passphrase: o.passphrase, timeoutMs: o.handshakeTimeoutMs, guesses: o.guesses });
  await o.verify?.(session.sas);
  const credit = new CreditWindow(INITIAL_CREDIT);
  const replies = new ReverseStream(channel, session, credit);
  let wanted: string[] = [];
  let bytes = 0;
  const digests = DigestCache.open();
  try {
    const stream = sessionStream({
      sessions: o.sessions,
      catalog: o.catalog?.(),
      choose: async () => {
        const want = await replies.next("want", o.pickTimeoutMs ?? 30 * 60_000);
        const offered = new Set(o.sessions.map((s) => s.entry.id));
        wanted = [...new Set(want.ids)];
        for (const id of wanted) {
          if (!offered.has(id)) throw new ProtocolError(`The receiver asked for session ${id.slice(0, 40)}, which was not offered.`);
        }
        // docs/PROTOCOL.md §8: of a session the receiver has, only what it lacks.
        return outgoingSessions(o.sessions, wanted, want.have ?? [], digests);
      },
      // A file sent whole: its digest is known now, and the next receiver who has it will ask.
      onFileSent: (out, sha256) => out.from === 0 && digests.remember(out.file.abs, out.file.size, sha256),
      onChosen: (sessions, total) => o.onWant?.(sessions.map((s) => s.id), total),
      onProgress: (progress) => {
        bytes = progress.bytes;
        o.onProgress?.(progress);
      },
    });
    for await (const { plain, final } of stream) {
      await credit.take(stallMs);
      await channel.send(await session.seal(plain, final));
    }
    digests.save();
    const result = await replies.next("result", stallMs);
    return { wanted, bytes, result };
  } finally {
    replies.stop();
  }
}
