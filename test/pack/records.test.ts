// The record vocabulary and its CBOR form (PROTOCOL.md §4): plain CBOR both
// ways, every field checked on the way in, hostile encodings refused before
// cbor-x sees them.
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { ProtocolError } from "../../src/errors.ts";
import { decodeMessage, encodeMessage } from "../../src/pack/cbor.ts";
import { decodeRecord, encodeRecord, type Record } from "../../src/pack/records.ts";
import { SESSION, sha256, text } from "./_streams.ts";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
const fromHex = (s: string) => new Uint8Array(Buffer.from(s.replace(/\s/g, ""), "hex"));

const session = {
  id: SESSION, title: "Fix parser", firstPrompt: "The parser test fails", project: "/home/alice/src/app", branch: "main",
  messages: 12, created: "2026-07-19T10:00:00.000Z", modified: "2026-07-19T11:00:00.000Z", bytes: 123456, files: 3, subagents: 2, version: "2.1.215",
};

const everyKind: Record[] = [
  { k: "catalog", sessions: [session], total: 1 },
  { k: "want", ids: [SESSION] },
  { k: "file", session: SESSION, path: `${SESSION}.jsonl`, size: 5 },
  { k: "file", session: SESSION, path: `${SESSION}.jsonl`, size: 5, sha256: sha256(text("hello")) },
  { k: "data", z: new Uint8Array([1, 2, 3]) },
  { k: "end", sha256: sha256(text("hello")) },
  { k: "done" },
  { k: "credit", n: 8 },
  { k: "result", installed: [{ id: SESSION, folder: "-home-bob-app" }, { id: SESSION, newId: "11111111-2222-4333-8444-555555555555", folder: "-x" }], skipped: [{ id: SESSION, reason: "already installed" }] },
];

describe("records round-trip", () => {
  for (const record of everyKind) {
    test(`a ${record.k} record decodes to what was encoded`, () => {
      expect(decodeRecord(encodeRecord(record))).toEqual(record);
    });
  }

  test("byte strings come back as plain Uint8Arrays, not Buffers", () => {
    const decoded = decodeRecord(encodeRecord({ k: "data", z: new Uint8Array([9]) })) as { z: Uint8Array };
    expect(decoded.z.constructor).toBe(Uint8Array);
    expect(encodeRecord({ k: "done" }).constructor).toBe(Uint8Array);
  });

  test("the encoding is plain CBOR: text keys, a bare byte string, no tags", () => {
    expect(hex(encodeRecord({ k: "done" }))).toBe("a1616b64646f6e65");
    // {"k":"data","z":h'010203'}: byte string major type 2, not cbor-x's typed-array tag 64.
    expect(hex(encodeRecord({ k: "data", z: new Uint8Array([1, 2, 3]) }))).toBe("a2616b6464617461617a43010203");
  });

  test("the per-chunk messages, built by hand, are byte for byte what cbor-x writes, at every length boundary", async () => {
    const { Encoder } = await import("cbor-x/encode");
    const cborX = new Encoder({ useRecords: false, mapsAsObjects: true, variableMapSize: true, tagUint8Array: false, pack: false, structuredClone: false } as never);
    for (const n of [0, 1, 23, 24, 255, 256, 65_535, 65_536, 1 << 20]) {
      const bytes = new Uint8Array(n).map((_, i) => (i * 31) & 0xff);
      for (const message of [{ k: "data", z: bytes }, { t: "rec", c: bytes }, { t: "rev", c: bytes }]) {
        expect([n, hex(encodeMessage(message))]).toEqual([n, hex(new Uint8Array(cborX.encode(message)))]);
      }
    }
    // Other shapes (extra keys, keys in another order) take the general path and still round-trip.
    for (const message of [{ z: new Uint8Array([1]), k: "data" }, { k: "data", z: new Uint8Array([1]), extra: 1 }, { t: "rec", c: "text" }]) {
      expect(decodeMessage(encodeMessage(message))).toEqual(message);
    }
  });

  test("optional fields left undefined are absent, not CBOR undefined", () => {
    expect(hex(encodeMessage({ k: "done", x: undefined }))).toBe("a1616b64646f6e65");
  });

  test("extra fields a newer peer adds are dropped, not passed on", () => {
    expect(decodeRecord(encodeMessage({ k: "credit", n: 1, extra: "x" }))).toEqual({ k: "credit", n: 1 });
  });

  test("a size another encoder wrote as a 64-bit integer decodes as a number", () => {
    // {"k":"credit","n": uint64 8}
    expect(decodeRecord(fromHex("a2 616b 66637265646974 616e 1b0000000000000008"))).toEqual({ k: "credit", n: 8 });
  });

  test("sizes over 4 GiB survive the round trip", () => {
    const record: Record = { k: "file", session: SESSION, path: `${SESSION}.jsonl`, size: 5 * 1024 ** 3 };
    expect(decodeRecord(encodeRecord(record))).toEqual(record);
  });

  test("a value that would need a CBOR tag is refused when encoding, not by the peer", () => {
    expect(() => encodeMessage({ t: "x", at: new Date(0) })).toThrow(TypeError);
    expect(() => encodeMessage({ t: "x", n: 2n ** 70n })).toThrow(TypeError);
  });

  test("handshake messages with a t field decode too", () => {
    const hello = { t: "hello", v: 1, role: "receive", nonce: new Uint8Array(16).fill(7) };
    expect(decodeMessage(encodeMessage(hello))).toEqual(hello);
  });

  test("decoding never loads the native cbor-extract addon, even with the switch unset", () => {
    const script = `
      const { decodeRecord, encodeRecord } = await import(${JSON.stringify(join(import.meta.dir, "../../src/pack/records.ts"))});
      const r = decodeRecord(encodeRecord({ k: "want", ids: ["é-${"x".repeat(100)}", "ok"] }));
      console.log(JSON.stringify({ ids: r.ids, native: Object.keys(require.cache).some((k) => k.includes("cbor-extract")) }));`;
    const env = { ...process.env };
    delete env.CBOR_NATIVE_ACCELERATION_DISABLED;
    const run = Bun.spawnSync([process.execPath, "-e", script], { env });
    expect(run.stderr.toString()).toBe("");
    expect(JSON.parse(run.stdout.toString())).toEqual({ ids: [`é-${"x".repeat(100)}`, "ok"], native: false });
  });
});

describe("hostile CBOR is refused before cbor-x decodes it", () => {
  // `why` pins the check that must catch it, so a test cannot pass because cbor-x happened to choke.
  const refused = (name: string, bytes: Uint8Array, why: RegExp, limits?: Parameters<typeof decodeMessage>[1]) =>
    test(`${name} is refused`, () => {
      expect(() => decodeMessage(bytes, limits)).toThrow(ProtocolError);
      expect(() => decodeMessage(bytes, limits)).toThrow(why);
    });

  const deep = new Uint8Array(3 + 10_000);
  deep.set([0xa1, 0x61, 0x6b]);
  deep.fill(0x81, 3);
  refused("a value nested 10,000 deep", deep, /nesting deeper than 16/);
  refused("a value nested 10,000 deep in maps", (() => {
    const b = new Uint8Array(3 + 10_000 * 3);
    b.set([0xa1, 0x61, 0x6b]);
    for (let i = 0; i < 10_000; i++) b.set([0xa1, 0x61, 0x61], 3 + i * 3);
    return b;
  })(), /nesting deeper than 16/);
  refused("a byte string claiming 2 GB", fromHex("a1 616b 5a80000000"), /a string of 2147483648 bytes with only 0 left/);
  refused("a text string claiming 2^64 bytes", fromHex("a1 616b 7bffffffffffffffff"), /a string of \d+ bytes/);
  refused("an array claiming a billion items", fromHex("a1 616b 9a3b9aca00 00"), /a container of 1000000000 items/);
  refused("a map claiming more entries than bytes left", fromHex("a1 616b b90100 6161 00"), /a container of 512 items/);
  refused("more items than the cap", encodeMessage({ k: "x", a: new Array(100).fill(0) }), /more than 50 items/, { maxItems: 50 });
  refused("a message over the size cap", encodeMessage({ k: "data", z: new Uint8Array(2000) }), /over the 1000-byte limit/, { maxRecordBytes: 1000 });
  refused("a tag (cbor-x's record extension)", fromHex("a1 616b d9dfff 00"), /a tag/);
  refused("a typed-array tag", fromHex("a1 616b d840 43010203"), /a tag/);
  refused("an indefinite-length map", fromHex("bf 616b 6464 6f6e 65ff"), /indefinite-length/);
  refused("an indefinite-length string", fromHex("a1 616b 7f6164ff"), /indefinite-length/);
  refused("a stray break byte", fromHex("a1 616b ff"), /unexpected break/);
  refused("a reserved header value", fromHex("a1 616b 1c"), /reserved header/);
  refused("an unassigned simple value", fromHex("a1 616b e0"), /unassigned simple/);
  refused("a map key that is not text", fromHex("a1 01 64646f6e65"), /key that is not text/);
  refused("bytes after the message", fromHex("a1616b64646f6e65 00"), /1 bytes after the message/);
  refused("a message cut short", fromHex("a2616b64646f6e65"), /ends inside an item/);
  refused("an empty message", new Uint8Array(0), /empty message/);
  refused("a message that is an array", fromHex("81 00"), /not a map/);
  refused("a message that is a string", fromHex("64646f6e65"), /not a map/);
  refused("a map with neither t nor k", encodeMessage({ x: 1 }), /without a type/);
  refused("a map whose k is not text", encodeMessage({ k: 1 }), /without a type/);

  test("invalid UTF-8 in a string is decoded or refused, never a crash", () => {
    let outcome: unknown;
    try {
      outcome = decodeMessage(fromHex("a1 616b 61ff"));
    } catch (error) {
      outcome = error;
    }
    expect(outcome instanceof ProtocolError || typeof (outcome as { k?: unknown }).k === "string").toBe(true);
  });
});

describe("a record with a wrong field type is a protocol error", () => {
  const cases: [string, { [key: string]: unknown }][] = [
    ["a catalog whose sessions is not a list", { k: "catalog", sessions: {}, total: 1 }],
    ["a catalog entry without a title", { k: "catalog", sessions: [{ ...session, title: undefined }], total: 1 }],
    ["a catalog entry whose messages is a string", { k: "catalog", sessions: [{ ...session, messages: "12" }], total: 1 }],
    ["a catalog entry that is a list", { k: "catalog", sessions: [[]], total: 1 }],
    ["a want whose ids holds a number", { k: "want", ids: [1] }],
    ["a file whose path is bytes", { k: "file", session: SESSION, path: new Uint8Array(1), size: 1 }],
    ["a file whose size is fractional", { k: "file", session: SESSION, path: "x", size: 1.5 }],
    ["a file whose size is past 2^53", { k: "file", session: SESSION, path: "x", size: 2 ** 60 }],
    ["a file whose sha256 is 31 bytes", { k: "file", session: SESSION, path: "x", size: 1, sha256: new Uint8Array(31) }],
    ["a data record whose z is text", { k: "data", z: "abc" }],
    ["an end without a digest", { k: "end" }],
    ["a credit whose n is negative", { k: "credit", n: -1 }],
    ["a result whose installed entry lacks a folder", { k: "result", installed: [{ id: SESSION }], skipped: [] }],
    ["a result whose newId is a number", { k: "result", installed: [{ id: SESSION, folder: "f", newId: 3 }], skipped: [] }],
    ["a result whose skipped is missing", { k: "result", installed: [] }],
  ];
  for (const [name, message] of cases) {
    test(`${name} is refused`, () => {
      expect(() => decodeRecord(encodeMessage(message))).toThrow(ProtocolError);
    });
  }

  test("an unknown record kind is refused by name", () => {
    expect(() => decodeRecord(encodeMessage({ k: "exec" }))).toThrow(/unknown record kind "exec"/);
  });

  test("an unknown kind cannot put escape sequences in the error", () => {
    expect(() => decodeRecord(encodeMessage({ k: "\u001b]0;pwned\u0007" }))).toThrow(/unknown record kind "\?\]0;pwned\?"/);
  });

  test("a catalog over the entry cap is refused", () => {
    const big = { k: "catalog", sessions: new Array(11).fill(session), total: 11 };
    expect(() => decodeRecord(encodeMessage(big), { maxCatalogEntries: 10 })).toThrow(ProtocolError);
  });
});
