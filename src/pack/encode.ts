// Sessions -> record stream (PROTOCOL.md §4), the sharer's side. Files are read
// in chunks of at most 1 MiB; each chunk is compressed on its own (one zstd
// frame per `data` record), which lets the receiver cap every record's output
// separately, by a context reused from chunk to chunk and file to file
// (zstd.ts: a fresh context per chunk cost more than compressing). Reading one
// chunk ahead measured no faster, warm or cold cache (the kernel reads ahead).
// Level 1: see EncodeOptions.level.
import { open, type FileHandle } from "node:fs/promises";
import type { CatalogEntry, OfferedSession, SessionFile } from "../catalog/entry.ts";
import { CcshareError, fromFsError, SessionChangedError } from "../errors.ts";
import { DEFAULT_LIMITS, SEND_CHUNK_BYTES } from "./limits.ts";
import { encodeMessage } from "./cbor.ts";
import { encodeRecord, type CatalogRecord, type CatalogSession, type Record } from "./records.ts";
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
  /** Which offered sessions to send, asked once the catalog is out: a receiver's `want`; a bundle carries all. */
  choose?: () => Promise<readonly string[]>;
  /** The sessions chosen and their size in bytes, before their first file. */
  onChosen?: (ids: readonly string[], total: number) => void;
  /** Session bytes read so far (uncompressed), of the chosen total. */
  onProgress?: (progress: { bytes: number; total: number }) => void;
  encode?: EncodeOptions;
}

/**
 * Everything a sharer sends, in order (PROTOCOL.md §4): the catalog, then
 * every file of each chosen session, then `done`. Live shares and bundles
 * both write exactly this stream; only the sealing and the transport differ.
 */
export async function* sessionStream(o: SessionStreamOptions): AsyncGenerator<OutgoingRecord> {
  for (const plain of o.catalog ?? encodeCatalog(o.sessions)) yield { plain, final: false };
  const offered = new Map(o.sessions.map((s) => [s.entry.id, s]));
  const chosen = (o.choose ? await o.choose() : [...offered.keys()]).map((id) => offered.get(id)!);
  const total = chosen.reduce((sum, s) => sum + s.files.reduce((n, f) => n + f.size, 0), 0);
  o.onChosen?.(chosen.map((s) => s.entry.id), total);
  const chunkBytes = chunkSize(o.encode);
  let bytes = 0;
  for (const { entry, files } of chosen) {
    for (const file of files) {
      let sent = 0;
      for await (const record of fileRecords(file, entry.id, o.encode)) {
        yield { plain: encodeRecord(record), final: false };
        // Each data record carries up to one full chunk of the file (PROTOCOL.md §4).
        if (record.k === "data") {
          const step = Math.min(chunkBytes, file.size - sent);
          sent += step;
          bytes += step;
          o.onProgress?.({ bytes, total });
        }
      }
    }
  }
  yield { plain: encodeRecord({ k: "done" }), final: true };
}

/** The catalog of `sessions` as encoded records (PROTOCOL.md §4), the first thing every receiver gets. */
export function encodeCatalog(sessions: readonly OfferedSession[]): Uint8Array[] {
  const fileCounts = new Map(sessions.map((s) => [s.entry.id, s.files.length]));
  return catalogRecords(sessions.map((s) => s.entry), fileCounts).map(encodeRecord);
}

function chunkSize(o: EncodeOptions = {}): number {
  return Math.max(1, Math.min(o.chunkBytes ?? SEND_CHUNK_BYTES, DEFAULT_LIMITS.maxChunkBytes));
}

/**
 * One file as `file`, `data`*, `end`. Claude Code appends to live sessions while
 * we read, so the size is taken once (fstat on the open handle, capped at
 * `file.size`) and exactly that many bytes are sent: the receiver gets a consistent snapshot, possibly ending
 * in a half-written line (SESSIONS-FORMAT.md tolerates torn last lines).
 */
export async function* fileRecords(file: SessionFile, sessionId: string, o: EncodeOptions = {}): AsyncGenerator<Record> {
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
    const size = Math.min((await handle.stat()).size, file.size);
    yield { k: "file", session: sessionId, path: file.path, size };
    hash = new StreamHash();
    if (size > 0) workspace = takeWorkspace(level);
    let position = 0;
    while (position < size) {
      const want = Math.min(chunkBytes, size - position);
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

/** Titles and prompts are cut to this many characters so that one entry always fits a record. */
const MAX_TEXT = 1_000;
const MAX_SESSIONS_PER_RECORD = 2_000;
/** Room left in a record for its own keys and headers. */
const RECORD_OVERHEAD = 64;

/** At most MAX_TEXT UTF-16 units, never splitting a surrogate pair. */
function cut(text: string): string {
  if (text.length <= MAX_TEXT) return text;
  const end = /[\uD800-\uDBFF]/.test(text[MAX_TEXT - 1]!) ? MAX_TEXT - 1 : MAX_TEXT;
  return text.slice(0, end);
}

/** What the receiver's picker shows for one session. */
export function catalogSession(entry: CatalogEntry, files: number): CatalogSession {
  return {
    id: entry.id,
    title: cut(entry.title),
    firstPrompt: cut(entry.firstPrompt),
    project: entry.project,
    branch: cut(entry.branch),
    messages: entry.messages,
    created: entry.created,
    modified: entry.modified,
    bytes: entry.bytes,
    files,
    subagents: entry.subagents,
    version: cut(entry.version),
    ...(entry.redacted ? { redacted: entry.redacted } : {}),
  };
}

/**
 * The catalog as one record; see catalogRecords for catalogs too large for one.
 * `files` gives each session's file count (sessions not in it count 0).
 */
export function catalogRecord(entries: readonly CatalogEntry[], files: ReadonlyMap<string, number>): CatalogRecord {
  const sessions = entries.map((e) => catalogSession(e, files.get(e.id) ?? 0));
  return { k: "catalog", sessions, total: sessions.length };
}

/**
 * The catalog split into records that each fit in maxRecordBytes (heavy users
 * list thousands of sessions: several MB). Every record carries the same
 * `total`, so the receiver knows when it has them all. Always at least one record.
 */
export function catalogRecords(
  entries: readonly CatalogEntry[],
  files: ReadonlyMap<string, number>,
  maxRecordBytes = DEFAULT_LIMITS.maxRecordBytes,
): CatalogRecord[] {
  const total = entries.length;
  const records: CatalogRecord[] = [];
  let sessions: CatalogSession[] = [];
  let bytes = RECORD_OVERHEAD;
  for (const entry of entries) {
    const session = catalogSession(entry, files.get(entry.id) ?? 0);
    const size = encodeMessage(session as unknown as { [key: string]: unknown }).length;
    if (sessions.length > 0 && (bytes + size > maxRecordBytes || sessions.length >= MAX_SESSIONS_PER_RECORD)) {
      records.push({ k: "catalog", sessions, total });
      sessions = [];
      bytes = RECORD_OVERHEAD;
    }
    if (bytes + size > maxRecordBytes) throw new CcshareError(`Session ${entry.id} has a project path too long to share.`);
    sessions.push(session);
    bytes += size;
  }
  records.push({ k: "catalog", sessions, total });
  return records;
}
