// Sessions -> record stream (PROTOCOL.md §4), the sharer's side. Files are read
// in chunks of at most 1 MiB; each chunk is compressed on its own (one zstd
// frame per `data` record), which lets the receiver cap every record's output
// separately, by a context reused from chunk to chunk and file to file
// (zstd.ts: a fresh context per chunk cost more than compressing). Reading one
// chunk ahead measured no faster, warm or cold cache (the kernel reads ahead).
// Level 1: see EncodeOptions.level.
import { open, type FileHandle } from "node:fs/promises";
import type { OfferedSession } from "../catalog/entry.ts";
import { fromFsError, SessionChangedError } from "../errors.ts";
import type { OutgoingFile, OutgoingSession } from "../sync/outgoing.ts";
import { encodeCatalog } from "./catalog_records.ts";
import { DEFAULT_LIMITS, SEND_CHUNK_BYTES } from "./limits.ts";
import { encodeRecord, type FileRecord, type Record } from "./records.ts";
import { StreamHash } from "./sha256.ts";
import { ChunkCompressor } from "./zstd.ts";

/**
 * What reading a file takes: a compressor (~1 MB of native context plus its
 * output buffer) and a read buffer. Handed back by finished files and reused,
 * since fresh memory is what costs most here (zstd.ts); a file holds one for
 * as long as it is read, so concurrent transfers never share one.
 */
interface Workspace {
  compressor: ChunkCompressor;
  buffer: Uint8Array;
}
const idle = new Map<number, Workspace[]>();
const MAX_IDLE = 2;

function takeWorkspace(level: number): Workspace {
  const max = DEFAULT_LIMITS.maxChunkBytes;
  return idle.get(level)?.pop() ?? { compressor: new ChunkCompressor(level, max), buffer: new Uint8Array(max) };
}

function giveBack(level: number, workspace: Workspace): void {
  const list = idle.get(level) ?? [];
  idle.set(level, list);
  if (list.length < MAX_IDLE) list.push(workspace);
  else workspace.compressor.close();
}

export interface EncodeOptions {
  /** Uncompressed bytes per `data` record; at most 1 MiB (PROTOCOL.md §4). */
  chunkBytes?: number;
  /**
   * zstd level; 1 by default. Measured on 1 MiB chunks of bench/pack.bench.ts's
   * transcripts (reused context): level 3 9.4% of the input at 580 MB/s, 1 9.7%
   * at 650, -3 11.5% at 700, -5 11.9% at 750, -7 12.5% at 780. The fast levels
   * gain under 20% of speed for 20-30% more bytes, which a relay link feels
   * more than a LAN gains.
   */
  level?: number;
}

/** One outgoing record's plaintext, and whether it is the last one (sealed with final = 1). */
export interface OutgoingRecord {
  plain: Uint8Array;
  final: boolean;
}

export interface SessionStreamOptions {
  sessions: readonly OfferedSession[];
  /** The catalog, already encoded (encodeCatalog): a share encodes it once for every receiver. */
  catalog?: readonly Uint8Array[];
  /**
   * What to send, asked once the catalog is out: for a receiver, what its
   * `want` asks for and lacks (sync/outgoing.ts); a bundle carries every file whole.
   */
  choose?: () => Promise<readonly OutgoingSession[]>;
  /** The sessions chosen and the bytes that will be sent of them, before the first file. */
  onChosen?: (sessions: readonly OutgoingSession[], total: number) => void;
  /** Session bytes read so far (uncompressed), of the chosen total. */
  onProgress?: (progress: { bytes: number; total: number }) => void;
  /** A file went out whole, with this SHA-256 (the sharer remembers it: sync/digests.ts). */
  onFileSent?: (file: OutgoingFile, sha256: Uint8Array) => void;
  encode?: EncodeOptions;
}

/** Every offered session, every file whole: what a bundle carries. */
export function wholeSessions(sessions: readonly OfferedSession[]): OutgoingSession[] {
  return sessions.map((s) => ({ id: s.entry.id, files: s.files.map((file) => ({ file, from: 0 })), outcome: { kind: "new" } }));
}

/**
 * Everything a sharer sends, in order (PROTOCOL.md §4): the catalog, then the
 * chosen files of each chosen session, then `done`. Live shares and bundles
 * both write exactly this stream; only the sealing and the transport differ.
 */
export async function* sessionStream(o: SessionStreamOptions): AsyncGenerator<OutgoingRecord> {
  for (const plain of o.catalog ?? encodeCatalog(o.sessions)) yield { plain, final: false };
  const chosen = o.choose ? await o.choose() : wholeSessions(o.sessions);
  const total = chosen.reduce((sum, s) => sum + s.files.reduce((n, f) => n + f.file.size - f.from, 0), 0);
  o.onChosen?.(chosen, total);
  const chunkBytes = chunkSize(o.encode);
  let bytes = 0;
  for (const session of chosen) {
    for (const out of session.files) {
      let sent = 0;
      for await (const record of fileRecords(out, session.id, o.encode)) {
        yield { plain: encodeRecord(record), final: false };
        if (record.k === "end") o.onFileSent?.(out, record.sha256);
        // Each data record carries up to one full chunk of the file (PROTOCOL.md §4).
        if (record.k === "data") {
          const step = Math.min(chunkBytes, out.file.size - out.from - sent);
          sent += step;
          bytes += step;
          o.onProgress?.({ bytes, total });
        }
      }
    }
  }
  yield { plain: encodeRecord({ k: "done" }), final: true };
}

function chunkSize(o: EncodeOptions = {}): number {
  return Math.max(1, Math.min(o.chunkBytes ?? SEND_CHUNK_BYTES, DEFAULT_LIMITS.maxChunkBytes));
}

/**
 * One file as `file`, `data`*, `end`: its bytes from `out.from` to the size it
 * was offered at. Claude Code appends to live sessions while we read, so
 * exactly the offered bytes are sent: the receiver gets a consistent
 * snapshot, possibly ending in a half-written line (SESSIONS-FORMAT.md
 * tolerates torn last lines), and the catalog's sizes hold (issue 13 finding 8).
 */
export async function* fileRecords(out: OutgoingFile, sessionId: string, o: EncodeOptions = {}): AsyncGenerator<Record> {
  const file = out.file;
  const chunkBytes = chunkSize(o);
  const level = o.level ?? 1;
  let handle: FileHandle;
  try {
    handle = await open(file.abs, "r");
  } catch (error) {
    throw fromFsError(error, `opening ${file.path}`);
  }
  let workspace: Workspace | undefined;
  let hash: StreamHash | undefined;
  try {
    // Never past the size the offer recorded: the redact step scanned exactly
    // that many bytes, and a line appended since was never scanned (issue 17).
    const end = Math.min((await handle.stat()).size, file.size);
    if (end < out.from) throw new SessionChangedError(`${file.path} shrank while it was being sent; nothing was installed on the other side. Try again.`);
    const size = end - out.from;
    yield fileRecord(out, sessionId, size);
    hash = new StreamHash();
    if (size > 0) workspace = takeWorkspace(level);
    let position = out.from;
    while (position < end) {
      const want = Math.min(chunkBytes, end - position);
      const got = await readFully(handle, workspace!.buffer, want, position, file.path);
      if (got < want) {
        throw new SessionChangedError(`${file.path} shrank while it was being sent; nothing was installed on the other side. Try again.`);
      }
      const chunk = workspace!.buffer.subarray(0, got);
      hash.update(chunk);
      // Copied out of the compressor's buffer (~10% of the chunk): the record
      // is the caller's to keep, and the compressor goes on to the next chunk.
      yield { k: "data", z: workspace!.compressor.compress(chunk).slice() };
      position += got;
    }
    yield { k: "end", sha256: await hash.digest() };
  } finally {
    hash?.dispose();
    if (workspace) giveBack(level, workspace);
    await handle.close();
  }
}

function fileRecord(out: OutgoingFile, session: string, size: number): FileRecord {
  const record: FileRecord = { k: "file", session, path: out.file.path, size };
  if (out.file.mtimeMs !== undefined) record.mtime = Math.max(0, Math.round(out.file.mtimeMs));
  if (out.update) record.update = true;
  if (out.from > 0) record.from = out.from;
  if (out.whole) record.whole = out.whole;
  if (out.lineage) record.lineage = { origin: out.lineage.origin, installed: out.lineage.installed };
  return record;
}

async function readFully(handle: FileHandle, buffer: Uint8Array, want: number, position: number, path: string): Promise<number> {
  let got = 0;
  while (got < want) {
    let n: number;
    try {
      ({ bytesRead: n } = await handle.read(buffer, got, want - got, position + got));
    } catch (error) {
      throw fromFsError(error, `reading ${path}`);
    }
    if (n === 0) break;
    got += n;
  }
  return got;
}
