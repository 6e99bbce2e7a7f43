// Sessions -> record stream (PROTOCOL.md §4), the sharer's side. Files are read
// as streams in chunks of at most 1 MiB; each chunk is compressed on its own
// (one zstd frame per `data` record), which measured faster in Bun than one
// streaming compressor flushed per record (~600 vs ~310 MB/s on 1 MiB of JSONL)
// and lets the receiver cap every record's output separately. Level 1: ~2x the
// speed of the default level 3 and a smaller output on transcripts (~8-10%).
import { createHash } from "node:crypto";
import { open, type FileHandle } from "node:fs/promises";
import { constants as zlibConstants, zstdCompressSync } from "node:zlib";
import type { CatalogEntry, SessionFile } from "../catalog/entry.ts";
import { CcshareError, fromFsError, SessionChangedError } from "../errors.ts";
import { DEFAULT_LIMITS } from "./limits.ts";
import { encodeMessage, type CatalogRecord, type CatalogSession, type Record } from "./records.ts";

/** Output step of the compressor: a 1 MiB chunk of JSONL compresses to ~100 KB, so usually one step. */
const COMPRESS_STEP = 128 * 1024;

export interface EncodeOptions {
  /** Uncompressed bytes per `data` record; at most 1 MiB (PROTOCOL.md §4). */
  chunkBytes?: number;
  /** zstd level. 1 keeps up with the network; JSONL still shrinks to ~8%. */
  level?: number;
}

/** One session's files, the session file first. */
export interface OutgoingSession {
  id: string;
  files: SessionFile[];
}

/** Every file of every session, then `done` (which the sealer marks final). */
export async function* transferRecords(sessions: Iterable<OutgoingSession>, o: EncodeOptions = {}): AsyncGenerator<Record> {
  for (const session of sessions) {
    for (const file of session.files) yield* fileRecords(file, session.id, o);
  }
  yield { k: "done" };
}

/**
 * One file as `file`, `data`*, `end`. Claude Code appends to live sessions while
 * we read, so the size is taken once (fstat on the open handle) and exactly that
 * many bytes are sent: the receiver gets a consistent snapshot, possibly ending
 * in a half-written line (SESSIONS-FORMAT.md tolerates torn last lines).
 */
export async function* fileRecords(file: SessionFile, sessionId: string, o: EncodeOptions = {}): AsyncGenerator<Record> {
  const chunkBytes = Math.max(1, Math.min(o.chunkBytes ?? DEFAULT_LIMITS.maxChunkBytes, DEFAULT_LIMITS.maxChunkBytes));
  const zstd = { params: { [zlibConstants.ZSTD_c_compressionLevel]: o.level ?? 1 }, chunkSize: COMPRESS_STEP };
  let handle: FileHandle;
  try {
    handle = await open(file.abs, "r");
  } catch (error) {
    throw fromFsError(error, `opening ${file.path}`);
  }
  try {
    const size = (await handle.stat()).size;
    yield { k: "file", session: sessionId, path: file.path, size };
    const hash = createHash("sha256");
    // One buffer per file, reused: the compressor copies out of it.
    const buffer = new Uint8Array(Math.min(chunkBytes, Math.max(size, 1)));
    let position = 0;
    while (position < size) {
      const want = Math.min(buffer.length, size - position);
      const got = await readFully(handle, buffer, want, position, file.path);
      if (got < want) {
        throw new SessionChangedError(`${file.path} shrank while it was being sent; nothing was installed on the other side. Try again.`);
      }
      const chunk = buffer.subarray(0, got);
      hash.update(chunk);
      const z = zstdCompressSync(chunk, zstd);
      // A plain Uint8Array view of the fresh Buffer: no copy.
      yield { k: "data", z: new Uint8Array(z.buffer, z.byteOffset, z.byteLength) };
      position += got;
    }
    yield { k: "end", sha256: new Uint8Array(hash.digest()) };
  } finally {
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
