// Scanning one file of a session. Three steps, each on less data than the last:
//   1. the keyword automaton over every raw byte (keywords.ts);
//   2. at each keyword, the rule's expression over a small raw window: gitleaks'
//      expressions are written for raw files, JSON escapes included, so this
//      confirms a candidate without decoding anything;
//   3. only the JSON lines (or text windows) holding a confirmed candidate are
//      read again, decoded and redacted (segment.ts), which gives the findings.
// The file is read once up to the size it had when the scan began, so what is
// scanned is exactly what a redacted copy holds (Claude Code appends to live
// sessions as we read).
import { Buffer } from "node:buffer";
import { open, type FileHandle } from "node:fs/promises";
import type { SessionFile } from "../catalog/entry.ts";
import { fromFsError, NothingSelectedError } from "../errors.ts";
import { REACH_BACK, type RuleSet } from "./rule.ts";
import { redactSegment, type Found, type SegmentKind } from "./segment.ts";

const CHUNK = 1024 * 1024;
/** JSON lines longer than this are redacted as text windows: decoding one would cost several times its size in memory. */
export const MAX_JSON_LINE = 16 * 1024 * 1024;
const NEWLINE = 0x0a;

/** A byte range [start, end) to rewrite, and the rules confirmed in it. */
export interface Segment {
  start: number;
  end: number;
  kind: SegmentKind;
  rules: number[];
}

export interface FileScan {
  file: SessionFile;
  /** Bytes scanned: the file's size when the scan began. */
  size: number;
  segments: Segment[];
  found: Found[];
  /** Thinking blocks a redacted copy replaces whole. */
  thinkingBlocks: number;
}

/** How a file's bytes are read: JSON lines, one JSON document (subagent .meta.json), or text (tool-results/*.txt). */
function layout(path: string): "jsonl" | "json" | "text" {
  if (path.endsWith(".jsonl")) return "jsonl";
  if (path.endsWith(".json")) return "json";
  return "text";
}

/** `length` bytes at `position` in a fresh buffer (fewer at the end of the file). */
export function readAt(handle: FileHandle, position: number, length: number, path: string): Promise<Buffer> {
  return readInto(handle, Buffer.allocUnsafe(length), position, length, path);
}

/** Offset of the first NEWLINE at or after `from` (or `limit`), reading in blocks. */
async function lineEnd(handle: FileHandle, from: number, limit: number, path: string): Promise<number> {
  for (let at = from; at < limit; at += CHUNK) {
    const block = await readAt(handle, at, Math.min(CHUNK, limit - at), path);
    const i = block.indexOf(NEWLINE);
    if (i >= 0) return at + i;
  }
  return limit;
}

/** Offset just after the last NEWLINE before `to` (or `floor`). */
async function lineStart(handle: FileHandle, to: number, floor: number, path: string): Promise<number> {
  for (let end = to; end > floor; end -= CHUNK) {
    const from = Math.max(floor, end - CHUNK);
    const block = await readAt(handle, from, end - from, path);
    const i = block.lastIndexOf(NEWLINE);
    if (i >= 0) return from + i + 1;
  }
  return floor;
}

interface Candidate { at: number; rule: number }

/**
 * A raw JSON window with its common escapes undone, for the yes/no test only
 * (offsets are not kept): an escaped newline before `AWS_SECRET...` becomes a
 * word boundary again, and `-H \\"Authorization` gets back its quote, as the
 * decoded string will have them. (Native replaceAll: a replace callback cost
 * more than the tests themselves.)
 */
function loosenEscapes(window: string): string {
  if (window.indexOf("\\") < 0) return window;
  return window.replaceAll("\\n", "\n").replaceAll('\\"', '"').replaceAll("\\t", "\t").replaceAll("\\r", "\r");
}

/** Steps 1 and 2: keyword positions whose raw window the rule's expression matches. */
async function candidates(handle: FileHandle, size: number, set: RuleSet, json: boolean, path: string, signal?: AbortSignal): Promise<Candidate[]> {
  const { finder, rules, rulesOfKeyword } = set;
  const covered = new Float64Array(rules.length).fill(-1);
  const found: Candidate[] = [];
  const ends: number[] = [];
  const states: number[] = [];
  const chunk = Buffer.allocUnsafe(CHUNK);
  let state = finder.start;
  for (let position = 0; position < size; position += CHUNK) {
    if (signal?.aborted) throw new NothingSelectedError("Cancelled; nothing was shared.");
    const view = await readInto(handle, chunk, position, Math.min(CHUNK, size - position), path);
    ends.length = 0;
    states.length = 0;
    state = finder.scan(view, state, ends, states);
    for (let h = 0; h < ends.length; h++) {
      const end = position + ends[h]!;
      for (const keyword of finder.keywordsAt(states[h]!)) {
        const at = end - finder.keywords[keyword]!.length;
        for (const r of rulesOfKeyword[keyword]!) {
          // A window reaches 2 x reach past its keyword, so a later keyword within
          // reach has its whole match inside: after a window without a match, those
          // are skipped. After one with a match, each keyword is tested on its own,
          // as its line is what gets redacted.
          if (at <= covered[r]!) continue;
          const rule = rules[r]!;
          const from = Math.max(0, at - REACH_BACK);
          const to = Math.min(size, at + 2 * rule.reach);
          const inView = from >= position && to <= position + view.length;
          // A bounded view: indexOf on the chunk itself would search to its end.
          if (inView && rule.requires && view.subarray(from - position, to - position).indexOf(rule.requires) < 0) {
            covered[r] = at + rule.reach;
            continue;
          }
          const window = inView ? view.toString("latin1", from - position, to - position) : (await readAt(handle, from, to - from, path)).toString("latin1");
          if (rule.test.test(json ? loosenEscapes(window) : window)) found.push({ at, rule: r });
          else covered[r] = at + rule.reach;
        }
      }
    }
  }
  return found;
}

async function readInto(handle: FileHandle, buffer: Buffer, position: number, length: number, path: string): Promise<Buffer> {
  let got = 0;
  while (got < length) {
    let n: number;
    try {
      ({ bytesRead: n } = await handle.read(buffer, got, length - got, position + got));
    } catch (error) {
      throw fromFsError(error, `reading ${path}`);
    }
    if (n === 0) break;
    got += n;
  }
  return buffer.subarray(0, got);
}

/** The byte range each candidate is redacted in: its JSON line, the whole .json file, or a text window. */
async function segmentsOf(handle: FileHandle, size: number, list: Candidate[], set: RuleSet, kind: "jsonl" | "json" | "text", path: string): Promise<Segment[]> {
  const segments: Segment[] = [];
  for (const c of list) {
    const reach = set.rules[c.rule]!.reach;
    const window = { start: Math.max(0, c.at - REACH_BACK), end: Math.min(size, c.at + 2 * reach), kind: "text" as SegmentKind };
    let range = window;
    if (kind === "json" && size <= MAX_JSON_LINE) range = { start: 0, end: size, kind: "json" };
    else if (kind === "jsonl") {
      const last = segments[segments.length - 1];
      if (last && last.kind === "json" && c.at >= last.start && c.at < last.end) {
        if (!last.rules.includes(c.rule)) last.rules.push(c.rule);
        continue;
      }
      const floor = Math.max(0, c.at - MAX_JSON_LINE);
      const start = await lineStart(handle, c.at, floor, path);
      const end = await lineEnd(handle, c.at, Math.min(size, start + MAX_JSON_LINE + 1), path);
      // A line whose start or end lies beyond the cap is too long to decode: text windows.
      if ((start === 0 || start > floor) && end - start <= MAX_JSON_LINE) range = { start, end, kind: "json" };
    }
    segments.push({ ...range, rules: [c.rule] });
  }
  return merge(segments);
}

function merge(segments: Segment[]): Segment[] {
  segments.sort((a, b) => a.start - b.start);
  const out: Segment[] = [];
  for (const s of segments) {
    const last = out[out.length - 1];
    if (last && s.start < last.end) {
      last.end = Math.max(last.end, s.end);
      // A text window overlapping a JSON line: the union is only safe to redact as text.
      if (s.kind !== last.kind || (s.kind === "json" && (s.start !== last.start))) last.kind = "text";
      for (const r of s.rules) if (!last.rules.includes(r)) last.rules.push(r);
    } else out.push({ ...s, rules: [...s.rules] });
  }
  return out;
}

/** Reads a segment's bytes and redacts them: the one place both the scan and the copy get their result. */
export async function redactedSegment(handle: FileHandle, segment: Segment, set: RuleSet, path: string) {
  const bytes = await readAt(handle, segment.start, segment.end - segment.start, path);
  return redactSegment(bytes, segment.kind, set, segment.rules.map((r) => set.rules[r]!));
}

/** Scans one file; `found` lists every secret a redacted copy removes. */
export async function scanFile(file: SessionFile, set: RuleSet, signal?: AbortSignal): Promise<FileScan> {
  let handle: FileHandle;
  try {
    handle = await open(file.abs, "r");
  } catch (error) {
    throw fromFsError(error, `opening ${file.path}`);
  }
  try {
    const size = (await handle.stat()).size;
    const kind = layout(file.path);
    const list = await candidates(handle, size, set, kind !== "text", file.path, signal);
    const segments: Segment[] = [];
    const found: Found[] = [];
    let thinkingBlocks = 0;
    for (const segment of await segmentsOf(handle, size, list, set, kind, file.path)) {
      const result = await redactedSegment(handle, segment, set, file.path);
      if (result.found.length === 0) continue;
      segments.push(segment);
      found.push(...result.found);
      thinkingBlocks += result.thinkingBlocks;
    }
    return { file, size, segments, found, thinkingBlocks };
  } finally {
    await handle.close();
  }
}
