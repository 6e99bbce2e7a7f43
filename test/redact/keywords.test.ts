// The prefilter must find every keyword occurrence a plain search finds, in any
// letter case, wherever chunk and lane boundaries fall: a keyword it misses is a
// secret sent as is.
import { expect, test } from "bun:test";
import fc from "fast-check";
import { KeywordFinder } from "../../src/redact/keywords.ts";

const KEYWORDS = ["akia", "ghp_", "github_pat_", "-----begin", "://", "xoxb", "sk_live", "key=", "eyj", "hf_"];

/** End offsets of every keyword, the slow obvious way. */
function naive(text: string, keywords: string[]): number[] {
  const lower = text.toLowerCase();
  const ends = new Set<number>();
  for (const k of keywords) for (let at = lower.indexOf(k); at >= 0; at = lower.indexOf(k, at + 1)) ends.add(at + k.length);
  return [...ends].sort((a, b) => a - b);
}

function scanned(finder: KeywordFinder, bytes: Uint8Array, chunk: number): number[] {
  const ends: number[] = [];
  const states: number[] = [];
  let state = finder.start;
  for (let at = 0; at < bytes.length; at += chunk) {
    const before = ends.length;
    state = finder.scan(bytes.subarray(at, at + chunk), state, ends, states);
    for (let i = before; i < ends.length; i++) ends[i]! += at;
  }
  return ends;
}

const finder = new KeywordFinder(KEYWORDS);
const piece = fc.oneof(
  fc.constantFrom(...KEYWORDS, ...KEYWORDS.map((k) => k.toUpperCase()), "AkIa", "GHP_", "-----BEGIN "),
  fc.string({ maxLength: 40 }),
  fc.constantFrom("a", "k", "-", "_", "\n", "\\", "é", "😀"),
);

test("finds every keyword a plain search finds, in any case, across chunk and lane boundaries", () => {
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 400 }), fc.integer({ min: 1, max: 5000 }), (pieces, chunk) => {
      const text = pieces.join("");
      const bytes = new TextEncoder().encode(text);
      const latin1 = Buffer.from(bytes).toString("latin1");
      expect(scanned(finder, bytes, chunk)).toEqual(naive(latin1, KEYWORDS));
    }),
    { numRuns: 300 },
  );
});

test("finds keywords in a large buffer split in two interleaved walks, including at the split", () => {
  const size = 3 * 1024 * 1024;
  const bytes = new Uint8Array(size).fill(0x78);
  const ends: number[] = [];
  // Keywords just before, across and just after the middle, where the second walk takes over.
  for (const at of [0, 17, size / 2 - 9, size / 2 - 2, size / 2 + 5, size / 4 - 2, size - 4]) {
    bytes.set(new TextEncoder().encode("AKIA"), at);
    ends.push(at + 4);
  }
  expect(scanned(finder, bytes, 1024 * 1024)).toEqual([...new Set(ends)].sort((a, b) => a - b));
  expect(scanned(finder, bytes, size)).toEqual([...new Set(ends)].sort((a, b) => a - b));
});

test("names the keywords that end at each hit, longest first", () => {
  const ends: number[] = [];
  const states: number[] = [];
  const f = new KeywordFinder(["key=", "y=", "api_key="]);
  f.scan(new TextEncoder().encode("x API_KEY=1"), f.start, ends, states);
  expect(ends).toEqual([10]);
  expect(f.keywordsAt(states[0]!).map((k) => f.keywords[k])).toEqual(["api_key=", "key=", "y="]);
});
