// The slow, obviously right line editor the installer's byte-level one
// (src/install/line_edit.ts) is compared against: decode the line, JSON.parse
// it, find the top-level spans of the edited keys in the text, replace them.
// Test-only (STYLE.md rule 10): the installer has one path, this checks it.
import type { LineEdit } from "../../src/install/line_edit.ts";

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

const encoder = new TextEncoder();

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

/** A whole file edited line by line with editLine(), terminators and a last line without one kept. */
export function referenceEdit(input: Uint8Array, edit: LineEdit): Uint8Array {
  const out: Uint8Array[] = [];
  let start = 0;
  while (start <= input.length) {
    const newline = input.indexOf(0x0a, start);
    const end = newline < 0 ? input.length : newline;
    const bytes = input.subarray(start, end);
    const line = parseLine(bytes);
    const edited = line && movePaths(editLine(line, edit) ?? line.text, line, edit);
    out.push(edited === undefined || edited === line?.text ? bytes : encoder.encode(edited));
    if (newline < 0) break;
    out.push(NEWLINE);
    start = end + 1;
  }
  const total = out.reduce((n, b) => n + b.length, 0);
  const whole = new Uint8Array(total);
  let at = 0;
  for (const b of out) (whole.set(b, at), (at += b.length));
  return whole;
}

const NEWLINE = new Uint8Array([0x0a]);

/** Every path move of `edit` in the line's text, unless a content block of the line is thinking (its text is signed). */
function movePaths(text: string, line: ParsedLine, edit: LineEdit): string {
  const content = (line.value.message as { content?: unknown } | undefined)?.content;
  const thinking = Array.isArray(content) && content.some((b) => (b as { type?: unknown })?.type === "thinking" || (b as { type?: unknown })?.type === "redacted_thinking");
  if (thinking) return text;
  let out = text;
  for (const move of edit.paths ?? []) out = out.replaceAll(move.from, move.to);
  return out;
}
