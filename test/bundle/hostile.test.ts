// Every bad bundle an importer can meet (PROTOCOL.md §7), one test per attack:
// each ends in one specific error and leaves the receiver's projects folder
// exactly as it was.
import { beforeAll, describe, expect, test } from "bun:test";
import { LEAD_BYTES, MAX_HEADER_BYTES, parseHeader } from "../../src/bundle/format.ts";
import { WRONG_PASSPHRASE } from "../../src/bundle/read.ts";
import { BundleFormatError, TamperedStreamError, TruncatedStreamError, WrongPassphraseError } from "../../src/errors.ts";
import { concat, expectRefused, flipped, handmadeHeader, saved, validBundle, type Layout } from "./_craft.ts";

let bytes: Uint8Array;
let at: Layout;
beforeAll(async () => {
  ({ bytes, layout: at } = await validBundle());
  expect(at.records.length).toBeGreaterThan(8);
}, 60_000);

const header = () => parseHeader(bytes.subarray(LEAD_BYTES, at.headerEnd), "valid.ccs");
const middle = () => at.records[Math.floor(at.records.length / 2)]!;
const last = () => at.records.at(-1)!;

describe("a damaged bundle", () => {
  test("opened with the wrong passphrase says exactly 'Wrong passphrase, or the file is damaged.'", async () => {
    const { error } = await expectRefused(saved(bytes), WrongPassphraseError, { passphrase: "acid-zebra-quiz-lamp-orbit-maple-tiger-flutes" });
    expect(error.message).toBe(WRONG_PASSPHRASE);
  });

  test("with a flipped byte in its CBOR header fails its first record: the header bytes are in the AAD", async () => {
    // A digit of the creation date: the header still parses, only the AAD differs.
    const created = Buffer.from(bytes.subarray(0, at.headerEnd)).indexOf(header().created);
    expect(created).toBeGreaterThan(0);
    await expectRefused(saved(flipped(bytes, created + 3, 0x01)), WrongPassphraseError);
  });

  test("with a flipped byte in its salt derives another key and fails its first record", async () => {
    const salt = Buffer.from(bytes.subarray(0, at.headerEnd)).indexOf(Buffer.from(header().salt));
    expect(salt).toBeGreaterThan(0);
    await expectRefused(saved(flipped(bytes, salt + 5)), WrongPassphraseError);
  });

  test("with a flipped byte in its HPKE enc fails its first record", async () => {
    await expectRefused(saved(flipped(bytes, at.headerEnd + 7)), WrongPassphraseError);
  });

  test("with a flipped byte in a middle record is refused as tampered", async () => {
    await expectRefused(saved(flipped(bytes, middle().at + 4 + 10)), TamperedStreamError);
  });

  test("with a flipped byte in its final record is refused as tampered", async () => {
    await expectRefused(saved(flipped(bytes, last().at + 4 + 1)), TamperedStreamError);
  });

  test("with a record's length prefix changed is refused as tampered", async () => {
    await expectRefused(saved(flipped(bytes, middle().at + 3, 0x02)), TamperedStreamError);
  });

  test("with any single byte flipped is always refused, and never installs anything", async () => {
    const positions = new Set<number>();
    for (let i = 0; i < at.encEnd; i += 3) positions.add(i);
    for (const r of at.records) for (const d of [0, 3, 4, 5, 20]) if (d < r.length + 4) positions.add(r.at + d);
    positions.add(bytes.length - 1);
    const kinds = new Set<string>();
    for (const p of positions) {
      const { error } = await expectRefused(saved(flipped(bytes, p)), Error);
      expect([BundleFormatError, WrongPassphraseError, TamperedStreamError, TruncatedStreamError].some((k) => error instanceof k)).toBe(true);
      kinds.add(error.name);
    }
    expect([...kinds].sort()).toEqual(["BundleFormatError", "TamperedStreamError", "TruncatedStreamError", "WrongPassphraseError"]);
  }, 60_000);

  test("with a record dropped is refused as tampered (HPKE sequence numbers)", async () => {
    const m = middle();
    await expectRefused(saved(concat(bytes.subarray(0, m.at), bytes.subarray(m.at + 4 + m.length))), TamperedStreamError);
  });

  test("with two records swapped is refused as tampered", async () => {
    const [a, b] = [at.records[3]!, at.records[4]!];
    const recA = bytes.subarray(a.at, a.at + 4 + a.length);
    const recB = bytes.subarray(b.at, b.at + 4 + b.length);
    await expectRefused(saved(concat(bytes.subarray(0, a.at), recB, recA, bytes.subarray(b.at + 4 + b.length))), TamperedStreamError);
  });

  test("with a record replayed is refused as tampered", async () => {
    const m = middle();
    const rec = bytes.subarray(m.at, m.at + 4 + m.length);
    await expectRefused(saved(concat(bytes.subarray(0, m.at + 4 + m.length), rec, bytes.subarray(m.at + 4 + m.length))), TamperedStreamError);
  });

  test("with bytes appended after its final record is refused as tampered", async () => {
    await expectRefused(saved(concat(bytes, new Uint8Array([0, 0, 0, 0]))), TamperedStreamError);
  });
});

describe("a truncated bundle", () => {
  test("cut at a record boundary, without its final record, is refused as truncated", async () => {
    const { error } = await expectRefused(saved(bytes.subarray(0, last().at)), TruncatedStreamError);
    expect(error.message).toContain("ends before its final record");
  });

  test("cut in the middle of a record is refused as truncated", async () => {
    await expectRefused(saved(bytes.subarray(0, middle().at + 4 + 7)), TruncatedStreamError);
  });

  test("cut inside a record's length prefix is refused as truncated", async () => {
    await expectRefused(saved(bytes.subarray(0, middle().at + 2)), TruncatedStreamError);
  });

  test("cut inside its header is refused before the passphrase is asked", async () => {
    const { askedForPassphrase } = await expectRefused(saved(bytes.subarray(0, at.headerEnd - 5)), TruncatedStreamError);
    expect(askedForPassphrase).toBe(false);
  });

  test("cut inside its fixed lead (magic, version, length) is refused as truncated", async () => {
    await expectRefused(saved(bytes.subarray(0, 11)), TruncatedStreamError);
  });

  test("cut right after the header, with no records, is refused as truncated", async () => {
    await expectRefused(saved(bytes.subarray(0, at.encEnd)), TruncatedStreamError);
  });
});

describe("a hostile header", () => {
  const refusedEarly = async (file: Uint8Array, message: RegExp) => {
    const started = performance.now();
    const { error, askedForPassphrase } = await expectRefused(saved(file), BundleFormatError);
    expect(error.message).toMatch(message);
    // Refused on reading the header: before any passphrase, so before any scrypt.
    expect(askedForPassphrase).toBe(false);
    expect(performance.now() - started).toBeLessThan(2_000);
  };

  test("a creation date carrying terminal escapes is refused as damaged, before the passphrase", () =>
    refusedEarly(handmadeHeader({ created: "2026-07-19T12:00:00Z\x1b]52;c;Y3VybCBldmlsfHNo\x07" }), /no valid creation date/));
  test("a creation date that is not ISO-8601 is refused as damaged", () => refusedEarly(handmadeHeader({ created: "yesterday" }), /no valid creation date/));
  test("asking for scrypt N = 2^30 is refused before scrypt runs", () => refusedEarly(handmadeHeader({ N: 2 ** 30 }), /N = 1073741824, over the limit/));
  test("asking for scrypt r = 64 is refused before scrypt runs", () => refusedEarly(handmadeHeader({ r: 64 }), /r = 64, over the limit of 8/));
  test("asking for scrypt p = 1000 is refused before scrypt runs", () => refusedEarly(handmadeHeader({ p: 1000 }), /p = 1000, over the limit of 2/));
  test("asking for the scrypt work that cost an importer 24.5 s and 1.1 GB (issue 13) is refused before scrypt runs", () =>
    refusedEarly(handmadeHeader({ N: 2 ** 20, r: 8, p: 4 }), /N = 1048576, over the limit of 524288/));
  test("asking for twice the writer's scrypt memory within each cap is refused", () => refusedEarly(handmadeHeader({ N: 2 ** 19, r: 8 }), /512 MiB of memory, over the limit of 256 MiB/));
  test("with an N that is not a power of two is refused", () => refusedEarly(handmadeHeader({ N: 1000 }), /power of two/));
  test("with a short salt is refused", () => refusedEarly(handmadeHeader({ salt: new Uint8Array(4) }), /salt must be 16 bytes/));
  test("with an unknown key derivation is refused", () => refusedEarly(handmadeHeader({ kdf: "argon2id" }), /key derivation "argon2id"/));
  test("with an unknown HPKE suite is refused", () => refusedEarly(handmadeHeader({ suite: { kem: 0x10, kdf: 1, aead: 2 } }), /encryption suite/));
  test("declaring a billion sessions is refused", () => refusedEarly(handmadeHeader({ count: 1e9 }), /declares 1000000000 sessions/));

  test("from a future format version asks to update ccshare", () => refusedEarly(handmadeHeader({}, { version: 2 }), /version 2 bundle, made by a newer ccshare; update ccshare/));
  test("with format version 0 is refused as damaged", () => refusedEarly(handmadeHeader({}, { version: 0 }), /format version 0/));
  test("declaring a 4 GiB header is refused before anything is allocated", () => refusedEarly(handmadeHeader({}, { length: 0xffffffff }), /declares a header of 4294967295 bytes/));
  test("declaring a header just over the cap is refused", () => refusedEarly(handmadeHeader({}, { length: MAX_HEADER_BYTES + 1 }), /the limit is 4096/));
  test("whose CBOR is not a map is refused", () => refusedEarly(concat(handmadeHeader({}).subarray(0, 9), new Uint8Array([0, 0, 0, 2, 0x82, 0x01])), /unreadable bundle header/));
  test("with a wrong magic is not a bundle", () => refusedEarly(flipped(handmadeHeader({}), 2), /is not a ccshare bundle/));
  test("of an empty file is not a bundle", () => refusedEarly(new Uint8Array(0), /is not a ccshare bundle/));
  test("of a JSON file is not a bundle", () => refusedEarly(new TextEncoder().encode('{"sessions": []}\n'), /is not a ccshare bundle/));
});

test("a record length prefix of 2 GB is refused before anything is allocated", async () => {
  const first = at.records[0]!;
  const huge = bytes.slice();
  new DataView(huge.buffer).setUint32(first.at, 0x80000000);
  const rss = process.memoryUsage().rss;
  const { error } = await expectRefused(saved(huge), TamperedStreamError);
  expect(error.message).toMatch(/declares a record of 2147483648 bytes, over the 1114128-byte limit/);
  expect(process.memoryUsage().rss - rss).toBeLessThan(512 * 1024 * 1024);
});

test("a missing file says so in one sentence", async () => {
  await expectRefused("/nonexistent/sessions.ccs", Error).then(({ error }) => expect(error.message).toBe("There is no file /nonexistent/sessions.ccs; check the name."));
});

