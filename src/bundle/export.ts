// `ccshare export`, the pipeline (DESIGN.md §2, offline):
//   catalog/scan -> pack/encode -> crypto/seal (HPKE, key from scrypt) -> bundle file
// The same records as a live transfer (PROTOCOL.md §4): the catalog, then
// every file of every session, then `done`. There is no `want`: a bundle
// carries everything it lists, and the importer picks (PROTOCOL.md §7).
import type { ScryptParams } from "../crypto/bundle_kdf.ts";
import { catalogRecords, fileRecords } from "../pack/encode.ts";
import { SEND_CHUNK_BYTES } from "../pack/limits.ts";
import type { Record } from "../pack/records.ts";
import type { OfferedSession } from "../transfer/send.ts";
import { sealBundle } from "./write.ts";

export interface ExportProgress {
  /** Session bytes sealed so far (uncompressed). */
  bytes: number;
  total: number;
}

export interface ExportOptions {
  sessions: OfferedSession[];
  passphrase: string;
  out: string;
  force?: boolean;
  scrypt?: ScryptParams;
  created?: Date;
  onDeriving?: () => void;
  onProgress?: (progress: ExportProgress) => void;
  signal?: AbortSignal;
}

export interface ExportResult {
  path: string;
  /** Size of the bundle file. */
  bytes: number;
  sessions: number;
  files: number;
  /** Uncompressed size of the sessions it carries. */
  sessionBytes: number;
}

export async function exportBundle(o: ExportOptions): Promise<ExportResult> {
  const entries = o.sessions.map((s) => s.entry);
  const fileCounts = new Map(o.sessions.map((s) => [s.entry.id, s.files.length]));
  const total = o.sessions.reduce((sum, s) => sum + s.files.reduce((n, f) => n + f.size, 0), 0);
  let bytes = 0;

  async function* records(): AsyncGenerator<Record> {
    yield* catalogRecords(entries, fileCounts);
    for (const { entry, files } of o.sessions) {
      for (const file of files) {
        let sent = 0;
        for await (const record of fileRecords(file, entry.id)) {
          yield record;
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
    yield { k: "done" };
  }

  const sealed = await sealBundle({
    out: o.out,
    force: o.force,
    passphrase: o.passphrase,
    scrypt: o.scrypt,
    count: entries.length,
    records: records(),
    created: o.created,
    onDeriving: o.onDeriving,
    signal: o.signal,
  });
  return {
    path: sealed.path,
    bytes: sealed.bytes,
    sessions: entries.length,
    files: o.sessions.reduce((n, s) => n + s.files.length, 0),
    sessionBytes: total,
  };
}
