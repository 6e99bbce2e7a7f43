// Targeted edits of one transcript line's TOP-LEVEL fields: `cwd`, `relocatedCwd`
// and, when a session gets a new id, `sessionId` (SESSIONS-FORMAT.md "Resume,
// and what an install must do", steps 3-4).
//
// Why not JSON.parse + JSON.stringify: re-serialising changes bytes the install
// must keep (number spellings such as 1.0 or 1e3, escapes such as "\/" or
// "\u00e9", whitespace), and a transcript is the user's record. Instead the exact
// byte span of each top-level value is found (line_scan.ts) and only those spans
// are replaced by the JSON encoding of the new value. Nested fields with the same
// names (a tool input's `cwd`, a subagent result's `sessionId`) are never
// touched because nested values are skipped whole. Lines that are not valid
// UTF-8, not one JSON object (a torn last line, garbage), or nested deeper than
// the scanner follows are kept byte for byte. test/support/reference_editor.ts
// is the slow JSON.parse editor the tests hold this one to.
import { Buffer, isUtf8 } from "node:buffer";
import type { CwdRewrite } from "./cwd_rewrite.ts";
import { keySet, scanTopLevel, type TopLevelValue } from "./line_scan.ts";

export interface LineEdit {
  cwd: CwdRewrite;
  /** Set when the session is installed under a new id. */
  sessionId?: { from: string; to: string };
  /**
   * Paths into the sharer's project folder anywhere in a line (the saved tool
   * output "Full output saved to: ...", `toolUseResult.persistedOutputPath`, a
   * compaction summary's "read the full transcript at: ..."), moved to where
   * those files are now, most specific first (SESSIONS-FORMAT.md "More facts").
   */
  paths?: PathMove[];
}

/** One folder prefix moved: both as they are spelled inside a JSON string. */
export interface PathMove {
  from: string;
  to: string;
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
 * it is.
 */
export function lineEditor(edit: LineEdit): (line: Uint8Array) => Splice[] | undefined {
  const moves = (edit.paths ?? []).filter((m) => m.from !== m.to).map((m) => ({ from: Buffer.from(m.from), to: encoder.encode(m.to) }));
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
    const buffer = Buffer.from(line.buffer, line.byteOffset, line.length);
    const moved = pathSplices(buffer, moves);
    // A line where no spelling of the keys occurs (a snapshot, a title) needs neither a scan nor an edit.
    if (!mayHoldKey(buffer) && moved.length === 0) return undefined;
    // The scan is also the check that the line is one whole JSON object: a torn line is never edited.
    const values = scanTopLevel(line, keys);
    if (values === undefined || !isUtf8(line)) return undefined;
    const splices: Splice[] = [];
    // JSON.parse (what Claude Code reads with) keeps the last of duplicate keys, so that one decides whether the line is edited.
    const decisive = new Map<string, boolean>();
    for (const value of values) {
      const bytes = value.isString ? newValue(line, value) : undefined;
      if (bytes) splices.push({ start: value.start, end: value.end, bytes });
      decisive.set(value.key, bytes !== undefined);
    }
    const top = [...decisive.values()].includes(true) ? splices : [];
    const all = [...top, ...moved.filter((m) => !top.some((t) => m.start < t.end && t.start < m.end))].sort((a, b) => a.start - b.start);
    return all.length > 0 ? all : undefined;
  };
}

// A thinking block's text is signed: the API refuses one that was changed
// (SESSIONS-FORMAT.md "More facts"). Claude Code writes one content block per
// line, so a line holding one is left as it is; its key can only appear
// unescaped as JSON structure, never inside a string.
const THINKING = [Buffer.from('"type":"thinking"'), Buffer.from('"type":"redacted_thinking"')];

/** Every occurrence of each move's folder in the line, earlier moves winning where they overlap. */
function pathSplices(line: Buffer, moves: { from: Buffer; to: Uint8Array }[]): Splice[] {
  if (moves.length === 0 || THINKING.some((t) => line.indexOf(t) >= 0)) return [];
  const found: Splice[] = [];
  for (const move of moves) {
    for (let at = line.indexOf(move.from); at >= 0; at = line.indexOf(move.from, at + move.from.length)) {
      const end = at + move.from.length;
      if (!found.some((f) => at < f.end && f.start < end)) found.push({ start: at, end, bytes: move.to });
    }
  }
  return found;
}

function sameBytes(a: Uint8Array, line: Uint8Array, start: number, end: number): boolean {
  if (a.length !== end - start) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== line[start + k]) return false;
  return true;
}
