// Reads a session file line by line over bytes, in chunks: a session is never
// held in one string (SESSIONS-FORMAT.md: files of 10-400 MB, one of 1.9 GB).
// Lines may exceed 64 KB, lack a final newline, or be torn by a crash.
import { Buffer } from "node:buffer";
import { closeSync, openSync, readSync } from "node:fs";

const CHUNK = 1 << 20;
/** Lines up to this size are handed over whole; longer ones only by their first and last bytes. */
export const MAX_LINE = 16 << 20;
/** How much of a cut line is kept: its head (where a line's type and header live) and tail. */
export const CUT_HEAD = 64 << 10;
export const CUT_TAIL = 8 << 10;

export interface Line {
  /** The bytes are `buf[start, end)`, valid only during the callback. */
  buf: Buffer;
  start: number;
  end: number;
  /** Longer than MAX_LINE: `buf` holds only its first CUT_HEAD and last CUT_TAIL bytes. */
  cut: boolean;
  /** The file's last line had no newline: it may be torn (SESSIONS-FORMAT.md "Quirks"). */
  unterminated: boolean;
  /** Where the line starts in the file (a byte offset): a place to read on from later. */
  offset: number;
}

/** Return false to stop reading. */
export type OnLine = (line: Line) => boolean | void;

// One buffer for every file: reading is synchronous, and a reader that is
// suspended (a generator waiting for its consumer) takes a buffer of its own.
let pool: Buffer | undefined;

/** Calls `onLine` for each non-empty line of the file (a trailing "\r" removed). Throws fs errors. */
export function forEachLine(path: string, onLine: OnLine): void {
  for (const line of linesOf(path)) if (onLine(line) === false) break;
}

/**
 * The file's non-empty lines, read in chunks; the Line object is reused between
 * lines. `from` is a byte offset to start at: one a Line gave, so a line start.
 * Throws fs errors.
 */
export function* linesOf(path: string, o: { from?: number } = {}): Generator<Line> {
  const fd = openSync(path, "r");
  let buf = pool ?? Buffer.allocUnsafe(CHUNK);
  pool = undefined;
  try {
    yield* readLines(fd, buf, (bigger) => (buf = bigger), o.from ?? 0);
  } finally {
    closeSync(fd);
    if (buf.length <= 4 * CHUNK) pool = buf;
  }
}

function* readLines(fd: number, buf: Buffer, grown: (bigger: Buffer) => void, from: number): Generator<Line> {
  const line: Line = { buf, start: 0, end: 0, cut: false, unterminated: false, offset: 0 };
  let have = 0;
  // File offsets: of the next byte to read, of buf[0], and of the cut line being skipped.
  let position = from;
  let base = from;
  let cutOffset = 0;
  let cutHead: Buffer | undefined;
  let cutTail = Buffer.alloc(0);
  const at = (b: Buffer, start: number, end: number, cut: boolean, unterminated: boolean, offset: number): boolean => {
    if (end > start && b[end - 1] === 13) end--;
    if (end <= start) return false;
    line.buf = b;
    line.start = start;
    line.end = end;
    line.cut = cut;
    line.unterminated = unterminated;
    line.offset = offset;
    return true;
  };
  for (;;) {
    if (have === buf.length) {
      if (buf.length < MAX_LINE) {
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, have);
        buf = bigger;
        grown(buf);
      } else {
        // A line longer than MAX_LINE: keep its head, then only its latest tail.
        if (!cutHead) cutOffset = base;
        cutHead ??= Buffer.from(buf.subarray(0, CUT_HEAD));
        cutTail = Buffer.from(buf.subarray(have - CUT_TAIL, have));
        base += have;
        have = 0;
      }
    }
    const n = readSync(fd, buf, have, buf.length - have, position);
    if (n === 0) break;
    position += n;
    let start = 0;
    let from = have;
    have += n;
    if (cutHead) {
      const nl = buf.indexOf(10, from);
      if (nl === -1 || nl >= have) {
        cutTail = Buffer.from(Buffer.concat([cutTail, buf.subarray(0, have)]).subarray(-CUT_TAIL));
        base += have;
        have = 0;
        continue;
      }
      const kept = Buffer.concat([cutHead, Buffer.concat([cutTail, buf.subarray(0, nl)]).subarray(-CUT_TAIL)]);
      cutHead = undefined;
      if (at(kept, 0, kept.length, true, false, cutOffset)) yield line;
      start = from = nl + 1;
    }
    for (;;) {
      const nl = buf.indexOf(10, from);
      if (nl === -1 || nl >= have) break;
      if (at(buf, start, nl, false, false, base + start)) yield line;
      start = from = nl + 1;
    }
    if (start > 0) {
      buf.copy(buf, 0, start, have);
      have -= start;
      base += start;
    }
  }
  if (cutHead) {
    const kept = Buffer.concat([cutHead, Buffer.concat([cutTail, buf.subarray(0, have)]).subarray(-CUT_TAIL)]);
    if (at(kept, 0, kept.length, true, true, cutOffset)) yield line;
  } else if (have > 0 && at(buf, 0, have, false, true, base)) yield line;
}
