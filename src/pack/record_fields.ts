// Field-by-field checks of a peer's record (PROTOCOL.md §4): a record with a
// wrong field type is a protocol breach, not something to coerce. Only known
// fields are copied, so nothing a peer adds travels further into ccshare.
import { ProtocolError } from "../errors.ts";
import type { CatalogSession, FileRecord, InstalledSession, Message, Record, SkippedSession } from "./records.ts";

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
