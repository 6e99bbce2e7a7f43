import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import {
  BUNDLE_WORDS,
  LIVE_WORDS,
  ROOM_ALPHABET,
  bytesToWords,
  checkWords,
  combineCode,
  generatePassphrase,
  generateRoom,
  normalizePassphrase,
  normalizeRoom,
  parseCode,
  passphraseBits,
} from "../../src/crypto/passphrase.ts";
import { UnknownWordError, UsageError } from "../../src/errors.ts";

const roomArb = fc.string({ unit: fc.constantFrom(...ROOM_ALPHABET), minLength: 6, maxLength: 6 });

describe("room codes", () => {
  test("a generated room is 6 Crockford base32 characters", () => {
    for (let i = 0; i < 200; i++) expect(generateRoom()).toMatch(/^[0-9ABCDEFGHJKMNPQRSTVWXYZ]{6}$/);
  });

  test("generated rooms use the whole alphabet and do not repeat", () => {
    const rooms = Array.from({ length: 500 }, generateRoom);
    expect(new Set(rooms).size).toBe(rooms.length);
    expect(new Set(rooms.join("")).size).toBe(32);
  });

  test("lower case and Crockford's aliases O, I and L are accepted on input", () => {
    expect(normalizeRoom("k7p2qx")).toBe("K7P2QX");
    expect(normalizeRoom(" OIL0i1 ")).toBe("011011");
  });

  test("a room with U, punctuation or the wrong length is a usage error", () => {
    expect(() => normalizeRoom("K7P2QU")).toThrow(UsageError);
    expect(() => normalizeRoom("K7P2Q!")).toThrow(UsageError);
    expect(() => normalizeRoom("K7P2Q")).toThrow(/6 characters, but the one given has 5/);
    expect(() => normalizeRoom("K7P2QXY")).toThrow(UsageError);
  });
});

describe("passphrases", () => {
  test("a live passphrase is 4 BIP-39 words and carries 44 bits", () => {
    const p = generatePassphrase();
    expect(p.split("-")).toHaveLength(LIVE_WORDS);
    expect(passphraseBits(p)).toBe(44);
  });

  test("a bundle passphrase is 8 BIP-39 words and carries 88 bits", () => {
    const p = generatePassphrase(BUNDLE_WORDS);
    expect(p.split("-")).toHaveLength(8);
    expect(passphraseBits(p)).toBe(88);
    expect(passphraseBits(p.split("-"))).toBe(88);
  });

  test("generated passphrases do not repeat", () => {
    const all = Array.from({ length: 200 }, () => generatePassphrase());
    expect(new Set(all).size).toBe(200);
  });

  test("a human passphrase is estimated from its characters", () => {
    expect(passphraseBits("hunter2")).toBe(Math.floor(7 * Math.log2(36)));
    expect(passphraseBits("")).toBe(0);
    expect(passphraseBits("Correct Horse!")).toBeGreaterThan(passphraseBits("correcthorse"));
  });

  test("passphrases are NFC-normalised and trimmed; a chosen one keeps its case and spaces", () => {
    const decomposed = "cafe\u0301";
    expect(normalizePassphrase(decomposed)).toBe("caf\u00e9");
    expect(normalizePassphrase(" My secret Phrase\n")).toBe("My secret Phrase");
  });

  test("list words are the same words however they are separated or capitalised (a bundle's passphrase typed with spaces)", () => {
    expect(normalizePassphrase(" Orbit maple\n")).toBe("orbit-maple");
    expect(normalizePassphrase("orbit  maple - tiger Cabin")).toBe("orbit-maple-tiger-cabin");
    expect(normalizePassphrase("orbit-maple-tiger-flute")).toBe("orbit-maple-tiger-flute"); // "flute" is no list word: kept as typed
    const p = generatePassphrase(8);
    expect(normalizePassphrase(p.replace(/-/g, " ").toUpperCase())).toBe(p);
  });

  test("a near miss among list words is named, with the word it nearly is, before any attempt", () => {
    expect(() => checkWords("cabim-orbit-maple-tiger", 4)).toThrow("'cabim' is not in ccshare's word list; did you mean 'cabin'?");
    expect(() => checkWords("orbit maple tigr cabin", 4)).toThrow("did you mean 'tiger'?");
    expect(() => checkWords("abandon ability able about above absent absorb abstrac", 8)).toThrow("did you mean 'abstract'?");
    expect(() => checkWords("orbit-maple-tiger-cabin", 4)).not.toThrow();
    // Chosen passphrases pass: not as many words as generated, two odd words, or nothing near.
    for (const chosen of ["keep open words", "cabim-orbit", "my-secret-phrase-here", "orbit-maple-tiger-xqzzyv", "hunter2", "cabim-orbit-maple-tiger-cabin"]) expect(() => checkWords(chosen, 4)).not.toThrow();
    let error: unknown;
    try {
      checkWords("cabim-orbit-maple-tiger", 4);
    } catch (e) {
      error = e;
    }
    expect((error as UnknownWordError).code).toBe("unknown-word");
    expect(error).toBeInstanceOf(UsageError);
  });

  test("an empty passphrase is a usage error", () => {
    expect(() => normalizePassphrase("   ")).toThrow(UsageError);
  });

  test("bytes become 11-bit words, the last one zero-padded", () => {
    expect(bytesToWords(new Uint8Array(5))).toEqual(["abandon", "abandon", "abandon", "abandon"]);
    // 40 one-bits -> 2047, 2047, 2047, then 7 ones + 4 zero bits = 0x7f0 = 2032 ("wrap")
    expect(bytesToWords(new Uint8Array(5).fill(0xff))).toEqual(["zoo", "zoo", "zoo", "wrap"]);
  });
});

describe("combined codes", () => {
  test("a combined code is split at the first dash", () => {
    expect(parseCode("K7P2QX-orbit-maple-tiger-flute")).toEqual({ room: "K7P2QX", passphrase: "orbit-maple-tiger-flute" });
    expect(parseCode("  k7p2qx-my secret-phrase ")).toEqual({ room: "K7P2QX", passphrase: "my secret-phrase" });
  });

  test("any room and generated passphrase survive combine then parse", () => {
    fc.assert(
      fc.property(roomArb, fc.integer({ min: 1, max: 8 }), (room, words) => {
        const passphrase = generatePassphrase(words);
        expect(parseCode(combineCode(room, passphrase))).toEqual({ room, passphrase });
      }),
    );
  });

  test("a room alone is a code without a passphrase (it then comes from --passphrase or the environment)", () => {
    expect(parseCode(" k7p2qx ")).toEqual({ room: "K7P2QX" });
  });

  test("a code without a dash is a usage error that does not echo the code", () => {
    let error: unknown;
    try {
      parseCode("orbitmaple");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).not.toContain("orbitmaple");
  });

  test("a code with no passphrase after the dash is a usage error", () => {
    expect(() => parseCode("K7P2QX-")).toThrow(UsageError);
    expect(() => parseCode("K7P2QX-  ")).toThrow(/no passphrase/);
  });

  test("a code whose room part is malformed is a usage error", () => {
    expect(() => parseCode("orbit-maple-tiger-flute")).toThrow(UsageError);
  });
});
