// `ccshare export`, the pipeline (DESIGN.md §2, offline):
//   catalog/scan -> pack/encode -> crypto/seal (HPKE, key from scrypt) -> bundle file
// The same records as a live transfer (PROTOCOL.md §4): the catalog, then
// every file of every session, then `done`. There is no `want`: a bundle
// carries everything it lists, and the importer picks (PROTOCOL.md §7).
import type { OfferedSession } from "../catalog/entry.ts";
import type { ScryptParams } from "../crypto/bundle_kdf.ts";
import { sessionStream } from "../pack/encode.ts";
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
  const total = o.sessions.reduce((sum, s) => sum + s.files.reduce((n, f) => n + f.size, 0), 0);
  const sealed = await sealBundle({
    out: o.out,
    force: o.force,
    passphrase: o.passphrase,
    scrypt: o.scrypt,
    count: o.sessions.length,
    records: sessionStream({ sessions: o.sessions, onProgress: o.onProgress }),
    created: o.created,
    onDeriving: o.onDeriving,
    signal: o.signal,
  });
  return {
    path: sealed.path,
    bytes: sealed.bytes,
    sessions: o.sessions.length,
    files: o.sessions.reduce((n, s) => n + s.files.length, 0),
    sessionBytes: total,
  };
}
