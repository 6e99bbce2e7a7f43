import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import {
  deriveBundleKeyPair,
  generateRecipientKeyPair,
  reverseKey,
  setupBundleReceiver,
  setupBundleSender,
  setupTransferReceiver,
  setupTransferSender,
  type RecordOpener,
  type RecordSealer,
} from "../../src/crypto/hpke.ts";
import { BundleFormatError, ProtocolError, TamperedStreamError } from "../../src/errors.ts";

const hex = (h: string) => Uint8Array.from(h.match(/../g) ?? [], (b) => parseInt(b, 16));
const toHex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
const text = (s: string) => new TextEncoder().encode(s);
const psk = new Uint8Array(32).fill(7);

async function transferPair(receiverPsk = psk): Promise<{ sealer: RecordSealer; opener: RecordOpener }> {
  const keys = await generateRecipientKeyPair();
  const sealer = await setupTransferSender(keys.publicKey, psk);
  const opener = await setupTransferReceiver(keys, sealer.enc, receiverPsk);
  return { sealer, opener };
}

async function sealAll(sealer: RecordSealer, count: number): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; i++) out.push(await sealer.seal(text(`record ${i}`), i === count - 1));
  return out;
}

describe("HPKE suite", () => {
  test("DeriveKeyPair reproduces RFC 9180 A.1 (DHKEM(X25519, HKDF-SHA256))", async () => {
    const keys = await deriveBundleKeyPair(hex("6db9df30aa07dd42ee5e8181afdb977e538f5e1fec8a06223f33f7013e525037"));
    expect(toHex(keys.publicKey)).toBe("3948cfe0ad1ddb695d780e59077195da6c56506b027329794ab02bca80815c4d");
  });

  test("fresh recipient key pairs are 32-byte keys that differ", async () => {
    const [a, b] = await Promise.all([generateRecipientKeyPair(), generateRecipientKeyPair()]);
    expect(a.publicKey.length).toBe(32);
    expect(toHex(a.publicKey)).not.toBe(toHex(b.publicKey));
  });
});

describe("live record stream (mode_psk)", () => {
  test("records open in order with their final flags", async () => {
    const { sealer, opener } = await transferPair();
    const sealed = await sealAll(sealer, 3);
    expect(sealed[0]!.length).toBe("record 0".length + 16);
    for (let i = 0; i < 3; i++) {
      const { plain, final } = await opener.open(sealed[i]!);
      expect(new TextDecoder().decode(plain)).toBe(`record ${i}`);
      expect(final).toBe(i === 2);
    }
  });

  test("both ends export the same reverse key", async () => {
    const { sealer, opener } = await transferPair();
    expect(toHex(await reverseKey(sealer))).toBe(toHex(await reverseKey(opener)));
  });

  test("a receiver holding a different psk cannot open the first record", async () => {
    const { sealer, opener } = await transferPair(new Uint8Array(32).fill(8));
    await expect(opener.open(await sealer.seal(text("x"), false))).rejects.toThrow(TamperedStreamError);
  });

  test("any single flipped bit in a sealed record is refused", async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: (10 + 16) * 8 - 1 }), async (bit) => {
        const { sealer, opener } = await transferPair();
        const sealed = await sealer.seal(text("ten bytes!"), false);
        sealed[bit >> 3]! ^= 1 << (bit & 7);
        await expect(opener.open(sealed)).rejects.toThrow(TamperedStreamError);
      }),
      { numRuns: 50 },
    );
  });

  test("reordered records are refused", async () => {
    const { sealer, opener } = await transferPair();
    const [a, b] = await sealAll(sealer, 3);
    await expect(opener.open(b!)).rejects.toThrow(TamperedStreamError);
    // and the stream stays refused, even for the record that was next
    await expect(opener.open(a!)).rejects.toThrow(TamperedStreamError);
  });

  test("a dropped record is refused at the next one", async () => {
    const { sealer, opener } = await transferPair();
    const [a, , c] = await sealAll(sealer, 3);
    await opener.open(a!);
    await expect(opener.open(c!)).rejects.toThrow(TamperedStreamError);
  });

  test("a duplicated record is refused", async () => {
    const { sealer, opener } = await transferPair();
    const [a] = await sealAll(sealer, 3);
    await opener.open(a!);
    await expect(opener.open(a!)).rejects.toThrow(TamperedStreamError);
  });

  test("a replayed final record after the end is refused", async () => {
    const { sealer, opener } = await transferPair();
    const [a] = await sealAll(sealer, 1);
    expect((await opener.open(a!)).final).toBe(true);
    await expect(opener.open(a!)).rejects.toThrow(TamperedStreamError);
  });

  test("a stream cut before its final record shows final = false on its last record", async () => {
    const { sealer, opener } = await transferPair();
    const sealed = await sealAll(sealer, 3);
    const finals = [];
    for (const record of sealed.slice(0, 2)) finals.push((await opener.open(record)).final);
    expect(finals).toEqual([false, false]);
  });

  test("the final flag cannot be flipped: the record opens only as what it was sealed", async () => {
    const { sealer, opener } = await transferPair();
    const sealed = await sealer.seal(text("last"), true);
    // Replacing it with a non-final record needs a forgery; the original still opens as final.
    expect((await opener.open(sealed)).final).toBe(true);
  });

  test("the sealer refuses to seal past the final record", async () => {
    const { sealer } = await transferPair();
    await sealer.seal(text("last"), true);
    await expect(sealer.seal(text("more"), false)).rejects.toThrow(ProtocolError);
  });

  test("concurrent seals and opens keep the stream's order", async () => {
    const { sealer, opener } = await transferPair();
    const sealed = await Promise.all(Array.from({ length: 20 }, (_, i) => sealer.seal(text(`record ${i}`), i === 19)));
    const opened = await Promise.all(sealed.map((s) => opener.open(s)));
    expect(opened.map((o) => new TextDecoder().decode(o.plain))).toEqual(sealed.map((_, i) => `record ${i}`));
  });

  test("a low-order receiver public key is refused", async () => {
    await expect(setupTransferSender(new Uint8Array(32), psk)).rejects.toThrow(ProtocolError);
    await expect(setupTransferSender(new Uint8Array(31).fill(9), psk)).rejects.toThrow(/31 bytes \(expected 32\)/);
  });

  test("an enc of the wrong size is refused", async () => {
    const keys = await generateRecipientKeyPair();
    await expect(setupTransferReceiver(keys, new Uint8Array(33), psk)).rejects.toThrow(ProtocolError);
  });
});

describe("bundle record stream (mode_base)", () => {
  const header = text("CCSHARE\0 header bytes");

  test("records open with the same header and key", async () => {
    const keys = await deriveBundleKeyPair(new Uint8Array(32).fill(3));
    const sealer = await setupBundleSender(keys.publicKey, header);
    const sealed = await sealAll(sealer, 2);
    const opener = await setupBundleReceiver(await deriveBundleKeyPair(new Uint8Array(32).fill(3)), sealer.enc, header);
    expect((await opener.open(sealed[0]!)).final).toBe(false);
    expect((await opener.open(sealed[1]!)).final).toBe(true);
  });

  test("an altered header makes every record fail", async () => {
    const keys = await deriveBundleKeyPair(new Uint8Array(32).fill(3));
    const sealer = await setupBundleSender(keys.publicKey, header);
    const [first] = await sealAll(sealer, 2);
    const altered = header.slice();
    altered[altered.length - 1]! ^= 1;
    const opener = await setupBundleReceiver(keys, sealer.enc, altered);
    await expect(opener.open(first!)).rejects.toThrow(TamperedStreamError);
  });

  test("a key derived from other ikm cannot open the bundle", async () => {
    const keys = await deriveBundleKeyPair(new Uint8Array(32).fill(3));
    const sealer = await setupBundleSender(keys.publicKey, header);
    const [first] = await sealAll(sealer, 1);
    const opener = await setupBundleReceiver(await deriveBundleKeyPair(new Uint8Array(32).fill(4)), sealer.enc, header);
    await expect(opener.open(first!)).rejects.toThrow(TamperedStreamError);
  });

  test("a bundle whose enc is the wrong size is a format error", async () => {
    const keys = await deriveBundleKeyPair(new Uint8Array(32).fill(3));
    await expect(setupBundleReceiver(keys, new Uint8Array(5), header)).rejects.toThrow(BundleFormatError);
  });

  test("ikm shorter than 32 bytes is refused", async () => {
    await expect(deriveBundleKeyPair(new Uint8Array(16))).rejects.toThrow(RangeError);
  });
});
