// The catalog a sharer sends first (PROTOCOL.md §4): what the receiver's
// picker shows of each offered session, split into records that each fit the
// record cap.
import { dirname } from "node:path";
import type { CatalogEntry, OfferedSession } from "../catalog/entry.ts";
import { CcshareError } from "../errors.ts";
import { encodeMessage } from "./cbor.ts";
import { DEFAULT_LIMITS } from "./limits.ts";
import { encodeRecord, type CatalogRecord, type CatalogSession } from "./records.ts";

/**
 * The catalog of `sessions` as encoded records (PROTOCOL.md §4), the first
 * thing every receiver gets. Each entry's bytes and file count are those of the
 * files as offered, exactly what will be sent: the receiver holds the sharer
 * to them (issue 13 finding 8). `root` lets it move paths into the sharer's
 * project folder to its own (docs/PROTOCOL.md §8).
 */
function rootOf(session: OfferedSession | undefined): string | undefined {
  return session && (session.root ?? dirname(session.files[0]!.abs));
}

export function encodeCatalog(sessions: readonly OfferedSession[]): Uint8Array[] {
  const offered = new Map(sessions.map((s) => [s.entry.id, s]));
  const entries = sessions.map((s) => ({ ...s.entry, bytes: s.files.reduce((n, f) => n + f.size, 0) }));
  return catalogRecords(entries, new Map(sessions.map((s) => [s.entry.id, s.files.length])), DEFAULT_LIMITS.maxRecordBytes, (id) => rootOf(offered.get(id))).map(encodeRecord);
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
export function catalogSession(entry: CatalogEntry, files: number, root?: string): CatalogSession {
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
    ...(root === undefined ? {} : { root }),
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
  rootOf: (id: string) => string | undefined = () => undefined,
): CatalogRecord[] {
  const total = entries.length;
  const records: CatalogRecord[] = [];
  let sessions: CatalogSession[] = [];
  let bytes = RECORD_OVERHEAD;
  for (const entry of entries) {
    const session = catalogSession(entry, files.get(entry.id) ?? 0, rootOf(entry.id));
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
