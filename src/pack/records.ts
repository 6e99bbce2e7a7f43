// The record stream's vocabulary (PROTOCOL.md §4): what each record holds, and
// the field-by-field checks of a peer's record. A record with a wrong field type
// is a protocol breach, not something to coerce; only known fields are copied,
// so nothing a peer adds travels further into ccshare. The bytes are cbor.ts's.
import { ProtocolError } from "../errors.ts";
import type { CatalogEntry } from "../catalog/entry.ts";
import { decodeMessage, encodeMessage, type Message } from "./cbor.ts";
import { DEFAULT_LIMITS, type Limits } from "./limits.ts";

export type { Message } from "./cbor.ts";

/** One session as the catalog shows it: CatalogEntry minus `folder`, plus the number of files it travels as. */
export type CatalogSession = Omit<CatalogEntry, "folder"> & { files: number };

/**
 * S -> R. A large catalog travels as several records (one record must fit in
 * maxRecordBytes); `total` is the number of sessions over all of them.
 */
export interface CatalogRecord { k: "catalog"; sessions: CatalogSession[]; total: number }
/** R -> S. The sessions the receiver asks for; empty means none. */
export interface WantRecord { k: "want"; ids: string[] }
/** S -> R. Starts a file; `path` is relative to the project folder. */
export interface FileRecord { k: "file"; session: string; path: string; size: number; sha256?: Uint8Array }
/** S -> R. At most maxChunkBytes of the file, zstd-compressed. */
export interface DataRecord { k: "data"; z: Uint8Array }
/** S -> R. Ends the current file with the SHA-256 of its uncompressed bytes. */
export interface EndRecord { k: "end"; sha256: Uint8Array }
/** S -> R. The last record, sealed with final = 1. */
export interface DoneRecord { k: "done" }
/** R -> S. Flow control (PROTOCOL.md §5): `n` more records may be in flight. */
export interface CreditRecord { k: "credit"; n: number }
export interface InstalledSession { id: string; newId?: string; folder: string }
export interface SkippedSession { id: string; reason: string }
/** R -> S. What the receiver did with the sessions. */
export interface ResultRecord { k: "result"; installed: InstalledSession[]; skipped: SkippedSession[] }

export type Record =
  | CatalogRecord
  | WantRecord
  | FileRecord
  | DataRecord
  | EndRecord
  | DoneRecord
  | CreditRecord
  | ResultRecord;

export type RecordKind = Record["k"];

export function encodeRecord(record: Record): Uint8Array {
  return encodeMessage(record as unknown as Message);
}

/** A record plaintext, every field checked; unknown kinds and wrong field types are ProtocolErrors. */
export function decodeRecord(bytes: Uint8Array, limits?: Partial<Limits>): Record {
  return checkRecord(decodeMessage(bytes, limits), limits?.maxCatalogEntries ?? DEFAULT_LIMITS.maxCatalogEntries);
}

function wrong(kind: string, field: string, expected: string): ProtocolError {
  return new ProtocolError(`The peer sent a "${kind}" record whose ${field} is not ${expected}; the transfer was stopped.`);
}

function text(m: Message, kind: string, field: string): string {
  const v = m[field];
  if (typeof v !== "string") throw wrong(kind, field, "text");
  return v;
}

/** A non-negative whole number that a double holds exactly. */
function count(m: Message, kind: string, field: string): number {
  const v = m[field];
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) throw wrong(kind, field, "a non-negative integer");
  return v;
}

function bytes(m: Message, kind: string, field: string, length?: number): Uint8Array {
  const v = m[field];
  if (!(v instanceof Uint8Array) || (length !== undefined && v.length !== length)) {
    throw wrong(kind, field, length === undefined ? "a byte string" : `${length} bytes`);
  }
  return v;
}

function list(m: Message, kind: string, field: string, max: number): unknown[] {
  const v = m[field];
  if (!Array.isArray(v)) throw wrong(kind, field, "a list");
  if (v.length > max) throw wrong(kind, field, `a list of at most ${max}`);
  return v;
}

function map(v: unknown, kind: string, field: string): Message {
  if (v === null || typeof v !== "object" || Array.isArray(v) || v instanceof Uint8Array) throw wrong(kind, field, "a map");
  return v as Message;
}

function catalogSession(v: unknown): CatalogSession {
  const m = map(v, "catalog", "session");
  const k = "catalog";
  return {
    id: text(m, k, "id"),
    title: text(m, k, "title"),
    firstPrompt: text(m, k, "firstPrompt"),
    project: text(m, k, "project"),
    branch: text(m, k, "branch"),
    messages: count(m, k, "messages"),
    created: text(m, k, "created"),
    modified: text(m, k, "modified"),
    bytes: count(m, k, "bytes"),
    files: count(m, k, "files"),
    subagents: count(m, k, "subagents"),
    version: text(m, k, "version"),
    ...(m.redacted !== undefined ? { redacted: count(m, k, "redacted") } : {}),
  };
}

function installed(v: unknown): InstalledSession {
  const m = map(v, "result", "installed entry");
  const out: InstalledSession = { id: text(m, "result", "id"), folder: text(m, "result", "folder") };
  if (m.newId !== undefined) out.newId = text(m, "result", "newId");
  return out;
}

function skipped(v: unknown): SkippedSession {
  const m = map(v, "result", "skipped entry");
  return { id: text(m, "result", "id"), reason: text(m, "result", "reason") };
}

const SHA256_BYTES = 32;

/** `message` as a typed Record, or a ProtocolError naming what is wrong. */
export function checkRecord(message: Message, maxCatalogEntries: number): Record {
  const k = message.k;
  switch (k) {
    case "catalog":
      return {
        k,
        sessions: list(message, k, "sessions", maxCatalogEntries).map(catalogSession),
        total: count(message, k, "total"),
      };
    case "want":
      return {
        k,
        ids: list(message, k, "ids", maxCatalogEntries).map((id) => {
          if (typeof id !== "string") throw wrong(k, "ids", "a list of text");
          return id;
        }),
      };
    case "file": {
      const record: FileRecord = { k, session: text(message, k, "session"), path: text(message, k, "path"), size: count(message, k, "size") };
      if (message.sha256 !== undefined) record.sha256 = bytes(message, k, "sha256", SHA256_BYTES);
      return record;
    }
    case "data":
      return { k, z: bytes(message, k, "z") };
    case "end":
      return { k, sha256: bytes(message, k, "sha256", SHA256_BYTES) };
    case "done":
      return { k };
    case "credit":
      return { k, n: count(message, k, "n") };
    case "result":
      return {
        k,
        installed: list(message, k, "installed", maxCatalogEntries).map(installed),
        skipped: list(message, k, "skipped", maxCatalogEntries).map(skipped),
      };
    default:
      throw new ProtocolError(
        typeof k === "string"
          ? // The kind is the peer's text: printable ASCII only, so it cannot drive the terminal.
            `The peer sent an unknown record kind "${k.slice(0, 40).replace(/[^\x20-\x7e]/g, "?")}"; the transfer was stopped.`
          : "The peer sent a record without a kind; the transfer was stopped.",
      );
  }
}
