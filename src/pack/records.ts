// The record stream's vocabulary (PROTOCOL.md §4): what each record holds, and
// the field-by-field checks of a peer's record. A record with a wrong field type
// is a protocol breach, not something to coerce; only known fields are copied,
// so nothing a peer adds travels further into ccshare. The bytes are cbor.ts's.
import { ProtocolError } from "../errors.ts";
import type { CatalogEntry } from "../catalog/entry.ts";
import { decodeMessage, encodeMessage, type Message } from "./cbor.ts";
import { bytes, count, flag, list, map, optional, SHA256_BYTES, sessionId, text, wrong } from "./fields.ts";
import { DEFAULT_LIMITS, type Limits } from "./limits.ts";

export type { Message } from "./cbor.ts";

/**
 * One session as the catalog shows it: CatalogEntry minus `folder`, plus the
 * number of files it travels as and `root`, the sharer's absolute project
 * folder (paths into it inside the transcript are moved to the receiver's).
 */
export type CatalogSession = Omit<CatalogEntry, "folder"> & { files: number; root?: string };

/** A file's length and SHA-256: a state one side knows of a file (docs/PROTOCOL.md §8). */
export interface FileState { size: number; sha256: Uint8Array }
/**
 * What an installed file came from (docs/PROTOCOL.md §8): the sender's file
 * as it was sent (`origin`), and the file as it was installed here, its cwd
 * moved (`installed`).
 */
export interface Lineage { origin: FileState; installed: FileState }
/**
 * One file of a session the receiver asks for and already has: its own bytes
 * now (`size`, `sha256`) and, if ccshare installed it, the sender's state it
 * came from (`origin`); `extended` when it has grown since that install.
 */
export interface HeldFile { path: string; size: number; sha256: Uint8Array; origin?: FileState; extended?: boolean }
export interface HeldSession { id: string; files: HeldFile[] }

/**
 * S -> R. A large catalog travels as several records (one record must fit in
 * maxRecordBytes); `total` is the number of sessions over all of them.
 */
export interface CatalogRecord { k: "catalog"; sessions: CatalogSession[]; total: number }
/** R -> S. The sessions the receiver asks for (empty means none), and what it already has of them. */
export interface WantRecord { k: "want"; ids: string[]; have?: HeldSession[] }
/**
 * S -> R. Starts a file; `path` is relative to the project folder, `size` is
 * the bytes that follow. `mtime`: the file's modification time at the sender
 * (ms). `update`: the session is sent as an update of the receiver's copy;
 * then `from` says the bytes continue the receiver's file, which the sender's
 * first `from` bytes match, and `whole` is the sender's whole file.
 * `lineage`: what the sender's own copy came from, if ccshare installed it.
 */
export interface FileRecord {
  k: "file";
  session: string;
  path: string;
  size: number;
  sha256?: Uint8Array;
  mtime?: number;
  update?: boolean;
  from?: number;
  whole?: FileState;
  lineage?: Lineage;
}
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

function catalogSession(v: unknown): CatalogSession {
  const m = map(v, "catalog", "session");
  const k = "catalog";
  const root = optional(m, "root", () => text(m, k, "root"));
  return {
    id: sessionId(m, k, "id"),
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
    ...(root === undefined ? {} : { root }),
    ...(m.redacted !== undefined ? { redacted: count(m, k, "redacted") } : {}),
  };
}

function fileState(v: unknown, kind: string, field: string): FileState {
  const m = map(v, kind, field);
  return { size: count(m, kind, "size"), sha256: bytes(m, kind, "sha256", SHA256_BYTES) };
}

function heldSession(v: unknown): HeldSession {
  const k = "want";
  const m = map(v, k, "have");
  return {
    id: sessionId(m, k, "id"),
    files: list(m, k, "files", MAX_FILES_HELD).map((f) => {
      const file = map(f, k, "file");
      const held: HeldFile = { path: text(file, k, "path"), size: count(file, k, "size"), sha256: bytes(file, k, "sha256", SHA256_BYTES) };
      const origin = optional(file, "origin", () => fileState(file.origin, k, "origin"));
      if (origin) held.origin = origin;
      if (optional(file, "extended", () => flag(file, k, "extended"))) held.extended = true;
      return held;
    }),
  };
}

function fileRecord(m: Message): FileRecord {
  const k = "file";
  const record: FileRecord = { k, session: text(m, k, "session"), path: text(m, k, "path"), size: count(m, k, "size") };
  if (m.sha256 !== undefined) record.sha256 = bytes(m, k, "sha256", SHA256_BYTES);
  const mtime = optional(m, "mtime", () => count(m, k, "mtime"));
  if (mtime !== undefined) record.mtime = mtime;
  if (optional(m, "update", () => flag(m, k, "update"))) record.update = true;
  const from = optional(m, "from", () => count(m, k, "from"));
  if (from !== undefined) record.from = from;
  const whole = optional(m, "whole", () => fileState(m.whole, k, "whole"));
  if (whole) record.whole = whole;
  const lineage = optional(m, "lineage", () => map(m.lineage, k, "lineage"));
  if (lineage) record.lineage = { origin: fileState(lineage.origin, k, "lineage origin"), installed: fileState(lineage.installed, k, "lineage installed") };
  return record;
}

/** Files of one session a receiver may say it has (a session has a transcript, subagents and tool results). */
const MAX_FILES_HELD = 10_000;

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
    case "want": {
      const record: WantRecord = {
        k,
        ids: list(message, k, "ids", maxCatalogEntries).map((id) => {
          if (typeof id !== "string") throw wrong(k, "ids", "a list of text");
          return id;
        }),
      };
      const have = optional(message, "have", () => list(message, k, "have", maxCatalogEntries).map(heldSession));
      if (have) record.have = have;
      return record;
    }
    case "file":
      return fileRecord(message);
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
