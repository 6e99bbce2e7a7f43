// Targeted edits of one transcript line's TOP-LEVEL fields: `cwd`, `relocatedCwd`
// and, when a session gets a new id, `sessionId` (SESSIONS-FORMAT.md "Resume,
// and what an install must do", steps 3-4).
//
// Why not JSON.parse + JSON.stringify: re-serialising changes bytes the install
// must keep (number spellings such as 1.0 or 1e3, escapes such as "\/" or
// "\u00e9", whitespace), and a transcript is the user's record. Instead the exact
// character span of each top-level value is found and only those spans are
// replaced by the JSON encoding of the new value. Nested fields with the same
// names (a tool input's `cwd`, a subagent result's `sessionId`) are never
// touched because nested values are skipped whole. Lines that are not valid
// UTF-8 or not a JSON object (a torn last line, garbage) are copied unchanged.
//
// Two paths give the same edits: lineEditor() works on the bytes (line_scan.ts)
// and is what the installer runs; parseLine() + editLine() decode and JSON.parse
// the line, and are the fallback for lines the byte scanner leaves alone.
import { Buffer, isUtf8 } from "node:buffer";
import type { CwdRewrite } from "./cwd_rewrite.ts";
import { keySet, scanTopLevel, type TopLevelValue } from "./line_scan.ts";

export interface LineEdit {
  cwd: CwdRewrite;
  /** Set when the session is installed under a new id. */
  sessionId?: { from: string; to: string };
}

export interface ParsedLine {
  /** The line without its terminator. */
  text: string;
  value: Record<string, unknown>;
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** A line (without "\n") as text and its JSON object, or undefined when it is not a valid JSON object line. */
export function parseLine(bytes: Uint8Array): ParsedLine | undefined {
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  return { text, value: value as Record<string, unknown> };
}

/** The new value for one top-level field, or undefined to keep it. */
function replacement(key: string, value: unknown, edit: LineEdit): string | undefined {
  if (typeof value !== "string") return undefined;
  if (key === "cwd" || key === "relocatedCwd") {
    const moved = edit.cwd(value);
    return moved !== undefined && moved !== value ? moved : undefined;
  }
  if (key === "sessionId" && edit.sessionId && value === edit.sessionId.from) return edit.sessionId.to;
  return undefined;
}

const EDITED_KEYS = new Set(["cwd", "relocatedCwd", "sessionId"]);

/** Replace `line[start, end)` with `bytes`. */
export interface Splice {
  start: number;
  end: number;
  bytes: Uint8Array;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** `\u00` + 4-7 is how every escaped ASCII letter starts, so an escaped spelling of a key contains it. */
const ESCAPED_LETTER = Buffer.from("\\u00");

/**
 * The edits one line needs, as splices of its bytes, or undefined to keep it as
 * it is. Gives exactly editLine()'s result on every line.
 */
export function lineEditor(edit: LineEdit): (line: Uint8Array) => Splice[] | undefined {
  const names = edit.sessionId ? ["cwd", "relocatedCwd", "sessionId"] : ["cwd", "relocatedCwd"];
  const keys = keySet(names);
  const needles = names.map((name) => Buffer.from(`"${name}"`));
  const mayHoldKey = (line: Buffer): boolean => {
    for (const needle of needles) if (line.indexOf(needle) >= 0) return true;
    for (let at = line.indexOf(ESCAPED_LETTER); at >= 0; at = line.indexOf(ESCAPED_LETTER, at + 1)) {
      const digit = line[at + 4]!;
      if (digit >= 0x34 && digit <= 0x37) return true;
    }
    return false;
  };
  // The encoded new value per key for the raw value last seen: a session records the same few cwds on line after line.
  const last = new Map<string, { raw: Uint8Array; bytes: Uint8Array | undefined }>();
  const newValue = (line: Uint8Array, value: TopLevelValue): Uint8Array | undefined => {
    const seen = last.get(value.key);
    if (seen && sameBytes(seen.raw, line, value.start, value.end)) return seen.bytes;
    const raw = line.slice(value.start, value.end);
    const next = replacement(value.key, JSON.parse(decoder.decode(raw)), edit);
    const bytes = next === undefined ? undefined : encoder.encode(JSON.stringify(next));
    last.set(value.key, { raw, bytes });
    return bytes;
  };
  return (line) => {
    // A line where no spelling of the keys occurs (a snapshot, a title) needs neither a scan nor an edit.
    if (!mayHoldKey(Buffer.from(line.buffer, line.byteOffset, line.length))) return undefined;
    const values = scanTopLevel(line, keys);
    if (values === undefined) return exactSplices(line, edit);
    if (values.length === 0 || !isUtf8(line)) return undefined;
    const splices: Splice[] = [];
    // As in editLine(): JSON.parse keeps the last of duplicate keys, so that one decides whether the line is edited.
    const decisive = new Map<string, boolean>();
    for (const value of values) {
      const bytes = value.isString ? newValue(line, value) : undefined;
      if (bytes) splices.push({ start: value.start, end: value.end, bytes });
      decisive.set(value.key, bytes !== undefined);
    }
    return [...decisive.values()].includes(true) ? splices : undefined;
  };
}

function sameBytes(a: Uint8Array, line: Uint8Array, start: number, end: number): boolean {
  if (a.length !== end - start) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== line[start + k]) return false;
  return true;
}

/** The JSON.parse path, for lines the byte scanner does not vouch for: one splice of the whole line. */
function exactSplices(bytes: Uint8Array, edit: LineEdit): Splice[] | undefined {
  const line = parseLine(bytes);
  const edited = line && editLine(line, edit);
  return edited === undefined ? undefined : [{ start: 0, end: bytes.length, bytes: encoder.encode(edited) }];
}

/** The edited line text, or undefined when nothing changes. */
export function editLine(line: ParsedLine, edit: LineEdit): string | undefined {
  // The parsed object holds the last of any duplicate keys (what Claude Code
  // reads); if that needs no edit, the line is left byte-for-byte alone.
  const needed = [...EDITED_KEYS].some((key) => replacement(key, line.value[key], edit) !== undefined);
  if (!needed) return undefined;
  const spans = topLevelValueSpans(line.text, EDITED_KEYS);
  if (!spans) return undefined;
  let out = "";
  let at = 0;
  for (const span of spans) {
    let current: unknown;
    try {
      current = JSON.parse(line.text.slice(span.start, span.end));
    } catch {
      continue;
    }
    const next = replacement(span.key, current, edit);
    if (next === undefined) continue;
    out += line.text.slice(at, span.start) + JSON.stringify(next);
    at = span.end;
  }
  return at === 0 ? undefined : out + line.text.slice(at);
}

export interface ValueSpan {
  key: string;
  /** [start, end) of the raw JSON value in the line. */
  start: number;
  end: number;
}

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

/**
 * Spans of the top-level values whose (decoded) key is in `keys`, in order.
 * Expects text that JSON.parse accepted as an object; returns undefined if the
 * scan meets anything else, so a caller falls back to leaving the line alone.
 */
export function topLevelValueSpans(text: string, keys: ReadonlySet<string>): ValueSpan[] | undefined {
  const spans: ValueSpan[] = [];
  let i = skipWhitespace(text, 0);
  if (text.charCodeAt(i) !== 0x7b /* { */) return undefined;
  i = skipWhitespace(text, i + 1);
  if (text.charCodeAt(i) === 0x7d /* } */) return spans;
  for (;;) {
    if (text.charCodeAt(i) !== 0x22 /* " */) return undefined;
    const keyEnd = endOfString(text, i);
    if (keyEnd < 0) return undefined;
    const rawKey = text.slice(i, keyEnd);
    const key = rawKey.includes("\\") ? (JSON.parse(rawKey) as string) : rawKey.slice(1, -1);
    i = skipWhitespace(text, keyEnd);
    if (text.charCodeAt(i) !== 0x3a /* : */) return undefined;
    const start = skipWhitespace(text, i + 1);
    const end = endOfValue(text, start);
    if (end < 0) return undefined;
    if (keys.has(key)) spans.push({ key, start, end });
    i = skipWhitespace(text, end);
    const c = text.charCodeAt(i);
    if (c === 0x7d /* } */) return spans;
    if (c !== 0x2c /* , */) return undefined;
    i = skipWhitespace(text, i + 1);
  }
}

function skipWhitespace(text: string, i: number): number {
  while (i < text.length && WHITESPACE.has(text.charCodeAt(i))) i++;
  return i;
}

/**
 * Index just past the closing quote of the string starting at `i`, or -1.
 * Jumps quote to quote with indexOf (most of a line is string content): a quote
 * closes the string when an even number of backslashes precedes it.
 */
function endOfString(text: string, i: number): number {
  for (let from = i + 1; ; ) {
    const quote = text.indexOf('"', from);
    if (quote < 0) return -1;
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === 0x5c /* \ */) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    from = quote + 1;
  }
}

/** Index just past the value starting at `i` (string, object, array, number, literal), or -1. */
function endOfValue(text: string, i: number): number {
  const first = text.charCodeAt(i);
  if (first === 0x22) return endOfString(text, i);
  if (first === 0x7b || first === 0x5b /* [ */) {
    let depth = 0;
    for (let j = i; j < text.length; j++) {
      const c = text.charCodeAt(j);
      if (c === 0x22) {
        j = endOfString(text, j) - 1;
        if (j < 0) return -1;
      } else if (c === 0x7b || c === 0x5b) depth++;
      else if (c === 0x7d || c === 0x5d) {
        if (--depth === 0) return j + 1;
      }
    }
    return -1;
  }
  let j = i;
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if (c === 0x2c || c === 0x7d || c === 0x5d || WHITESPACE.has(c)) break;
    j++;
  }
  return j > i ? j : -1;
}
