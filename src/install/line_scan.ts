// Finding a transcript line's TOP-LEVEL fields on its bytes, without decoding
// the line or building its object (SESSIONS-FORMAT.md "Resume, and what an
// install must do", step 4: only top-level `cwd` moves, never a tool input's).
//
// Why: nearly every conversation line records `cwd` and most of a line is one
// long string (a tool result), so decoding and JSON.parse of every line held the
// installer to ~50 MB/s; this scanner reads the same lines at well over 1 GB/s.
//
// The scanner is also a complete JSON grammar check (structure at every depth,
// string escapes, numbers, literals), so that a line it accepts is one JSON.parse
// accepts: a torn last line or garbage is never edited. It gives up on what it
// need not handle fast (a raw control byte in a string, which JSON.parse
// refuses too, and deep nesting); the caller then falls back to the exact
// JSON.parse path (line_edit.ts). UTF-8 validity is the caller's check.

/** A top-level value whose key is one of those asked for: `line[start, end)`, and whether it is a string. */
export interface TopLevelValue {
  key: string;
  start: number;
  end: number;
  isString: boolean;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const SPACE = 0x20;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
/** Deeper lines are left to JSON.parse (Claude Code's lines nest a few levels). */
const MAX_DEPTH = 256;

const keyDecoder = new TextDecoder();

/** Bytes taken by an escape, by the character after the backslash (0: not an escape JSON allows). */
const ESCAPE_LENGTH = new Uint8Array(256);
for (const c of `"\\/bfnrt`) ESCAPE_LENGTH[c.charCodeAt(0)] = 2;
ESCAPE_LENGTH[0x75 /* u */] = 6;

/** Key names to look for, with their UTF-8 bytes. */
export interface KeySet {
  names: readonly string[];
  bytes: readonly Uint8Array[];
}

export function keySet(names: readonly string[]): KeySet {
  const encoder = new TextEncoder();
  return { names, bytes: names.map((name) => encoder.encode(name)) };
}

/**
 * The top-level values of `line` whose (decoded) key is in `keys`, in order;
 * undefined when the line is not one JSON object, or not one this scanner
 * vouches for (see above).
 */
export function scanTopLevel(line: Uint8Array, keys: KeySet): TopLevelValue[] | undefined {
  return new Scanner(line, keys).object();
}

class Scanner {
  private readonly n: number;
  private readonly words: Words;
  private readonly found: TopLevelValue[] = [];

  constructor(
    private readonly b: Uint8Array,
    private readonly keys: KeySet,
  ) {
    this.n = b.length;
    this.words = wordsOf(b);
  }

  object(): TopLevelValue[] | undefined {
    const b = this.b;
    let i = this.space(0);
    if (b[i] !== OPEN_OBJECT) return undefined;
    // Open containers: true for an object, false for an array.
    const objects: boolean[] = [true];
    let key: string | undefined;
    i++;
    let first = true;
    for (;;) {
      i = this.space(i);
      const inObject = objects[objects.length - 1]!;
      if (first && b[i] === (inObject ? CLOSE_OBJECT : CLOSE_ARRAY)) {
        i++;
        objects.pop();
      } else {
        key = undefined;
        if (inObject) {
          if (b[i] !== QUOTE) return undefined;
          const keyEnd = this.string(i);
          if (keyEnd < 0) return undefined;
          if (objects.length === 1) key = this.wanted(i, keyEnd);
          i = this.space(keyEnd);
          if (b[i] !== COLON) return undefined;
          i = this.space(i + 1);
        }
        const c = b[i];
        if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
          if (objects.length >= MAX_DEPTH) return undefined;
          // Only strings are ever edited: a wanted key holding a container is noted as such.
          if (key !== undefined) this.found.push({ key, start: i, end: i, isString: false });
          objects.push(c === OPEN_OBJECT);
          first = true;
          i++;
          continue;
        }
        const end = c === QUOTE ? this.string(i) : this.scalar(i);
        if (end < 0) return undefined;
        if (key !== undefined) this.found.push({ key, start: i, end, isString: c === QUOTE });
        i = end;
      }
      // After a value: close containers, or a comma and the next member.
      for (;;) {
        if (objects.length === 0) return this.space(i) === this.n ? this.found : undefined;
        i = this.space(i);
        const c = b[i];
        if (c === COMMA) break;
        if (c !== (objects[objects.length - 1] ? CLOSE_OBJECT : CLOSE_ARRAY)) return undefined;
        objects.pop();
        i++;
      }
      i++;
      first = false;
    }
  }

  /** Skips JSON whitespace: space, tab, CR (a CRLF line ends in one) and LF. */
  private space(i: number): number {
    const b = this.b;
    for (let c = b[i]; c === SPACE || c === 0x09 || c === 0x0d || c === 0x0a; c = b[++i]);
    return i;
  }

  /**
   * The key of the string at `[start, end)` if it is one of `keys` (escaped
   * spellings decoded), else undefined. Compared in place: a subarray per key
   * would cost more than the rest of the scan.
   */
  private wanted(start: number, end: number): string | undefined {
    const b = this.b;
    const from = start + 1;
    const length = end - 1 - from;
    for (let k = from; k < end - 1; k++) {
      if (b[k] === BACKSLASH) {
        const key = JSON.parse(keyDecoder.decode(b.subarray(start, end))) as string;
        return this.keys.names.includes(key) ? key : undefined;
      }
    }
    const { names, bytes } = this.keys;
    for (let n = 0; n < names.length; n++) {
      const name = bytes[n]!;
      if (name.length !== length) continue;
      let k = 0;
      while (k < length && b[from + k] === name[k]) k++;
      if (k === length) return names[n];
    }
    return undefined;
  }

  private string(i: number): number {
    return endOfString(this.b, this.words, i);
  }

  /** Index just past the number or literal at `i`, or -1. */
  private scalar(i: number): number {
    const b = this.b;
    const c = b[i];
    if (c === 0x74 /* t */) return literal(b, i, TRUE);
    if (c === 0x66 /* f */) return literal(b, i, FALSE);
    if (c === 0x6e /* n */) return literal(b, i, NULL);
    // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
    let j = i;
    if (b[j] === 0x2d /* - */) j++;
    if (b[j] === 0x30 /* 0 */) j++;
    else if (isDigit(b[j])) while (isDigit(b[j])) j++;
    else return -1;
    if (b[j] === 0x2e /* . */) {
      if (!isDigit(b[++j])) return -1;
      while (isDigit(b[j])) j++;
    }
    if (b[j] === 0x65 || b[j] === 0x45 /* e E */) {
      j++;
      if (b[j] === 0x2b || b[j] === 0x2d /* + - */) j++;
      if (!isDigit(b[j])) return -1;
      while (isDigit(b[j])) j++;
    }
    return j;
  }
}

/** The line as aligned 32-bit words: `view[k]` holds bytes `[first + 4k, first + 4k + 4)`, up to `end`. */
interface Words {
  view: Int32Array;
  first: number;
  end: number;
}

const NO_WORDS: Words = { view: new Int32Array(0), first: 0, end: 0 };

function wordsOf(b: Uint8Array): Words {
  const first = (4 - (b.byteOffset & 3)) & 3;
  const count = (b.length - first) >> 2;
  if (count <= 0) return NO_WORDS;
  return { view: new Int32Array(b.buffer, b.byteOffset + first, count), first, end: first + count * 4 };
}

/**
 * Index just past the string opening at `i`, checking its escapes; -1 if it is
 * unterminated, malformed, or holds a control byte (JSON.parse refuses those
 * raw; the exact path decides). Tool output has a backslash every dozen bytes or
 * so, too many for an indexOf per escape: instead four bytes at a time are
 * skipped while none of them is a quote, a backslash or a control byte.
 */
function endOfString(b: Uint8Array, words: Words, i: number): number {
  const n = b.length;
  const { view, first, end } = words;
  let j = i + 1;
  for (;;) {
    if (j >= first && ((j - first) & 3) === 0) {
      while (j < end) {
        const x = view[(j - first) >> 2]!;
        const quote = x ^ 0x22222222;
        const backslash = x ^ 0x5c5c5c5c;
        // A byte's top bit is set iff that byte is 0 ((v - 0x01..) & ~v) or below 0x20 ((x - 0x20..) & ~x): Anderson's bit hacks.
        if ((((quote - 0x01010101) & ~quote) | ((backslash - 0x01010101) & ~backslash) | ((x - 0x20202020) & ~x)) & 0x80808080) break;
        j += 4;
      }
    }
    if (j >= n) return -1;
    const c = b[j]!;
    if (c === QUOTE) return j + 1;
    if (c === BACKSLASH) {
      // JSON's escapes: \" \\ \/ \b \f \n \r \t and \uXXXX.
      const step = ESCAPE_LENGTH[b[j + 1] ?? 0]!;
      if (step === 0 || (step === 6 && !(isHex(b[j + 2]) && isHex(b[j + 3]) && isHex(b[j + 4]) && isHex(b[j + 5])))) return -1;
      j += step;
    } else if (c < SPACE) return -1;
    else j++;
  }
}

const TRUE = new TextEncoder().encode("true");
const FALSE = new TextEncoder().encode("false");
const NULL = new TextEncoder().encode("null");

function literal(b: Uint8Array, i: number, word: Uint8Array): number {
  for (let k = 0; k < word.length; k++) if (b[i + k] !== word[k]) return -1;
  return i + word.length;
}

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 0x30 && c <= 0x39;
}

function isHex(c: number | undefined): boolean {
  return c !== undefined && ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66));
}
