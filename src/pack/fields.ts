// Typed readers of a peer's message fields (PROTOCOL.md §4): a field of the
// wrong type is a protocol breach, not something to coerce. Each names the
// record kind and field in its error, so the user reads what was wrong.
import { isSessionId } from "../catalog/paths.ts";
import { ProtocolError } from "../errors.ts";
import type { Message } from "./cbor.ts";

export const SHA256_BYTES = 32;

export function wrong(kind: string, field: string, expected: string): ProtocolError {
  return new ProtocolError(`The peer sent a "${kind}" record whose ${field} is not ${expected}; the transfer was stopped.`);
}

export function text(m: Message, kind: string, field: string): string {
  const v = m[field];
  if (typeof v !== "string") throw wrong(kind, field, "text");
  return v;
}

/** A non-negative whole number that a double holds exactly. */
export function count(m: Message, kind: string, field: string): number {
  const v = m[field];
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) throw wrong(kind, field, "a non-negative integer");
  return v;
}

export function bytes(m: Message, kind: string, field: string, length?: number): Uint8Array {
  const v = m[field];
  if (!(v instanceof Uint8Array) || (length !== undefined && v.length !== length)) {
    throw wrong(kind, field, length === undefined ? "a byte string" : `${length} bytes`);
  }
  return v;
}

export function list(m: Message, kind: string, field: string, max: number): unknown[] {
  const v = m[field];
  if (!Array.isArray(v)) throw wrong(kind, field, "a list");
  if (v.length > max) throw wrong(kind, field, `a list of at most ${max}`);
  return v;
}

export function map(v: unknown, kind: string, field: string): Message {
  if (v === null || typeof v !== "object" || Array.isArray(v) || v instanceof Uint8Array) throw wrong(kind, field, "a map");
  return v as Message;
}

/** A session id as a peer must send it: a lowercase UUID (it names files and is printed). */
export function sessionId(m: Message, kind: string, field: string): string {
  const v = text(m, kind, field);
  if (!isSessionId(v)) throw wrong(kind, field, "a session id (a lowercase UUID)");
  return v;
}

/** An optional field: absent (undefined) or read by `read`. */
export function optional<T>(m: Message, field: string, read: () => T): T | undefined {
  return m[field] === undefined ? undefined : read();
}

export function flag(m: Message, kind: string, field: string): boolean {
  const v = m[field];
  if (typeof v !== "boolean") throw wrong(kind, field, "true or false");
  return v;
}
