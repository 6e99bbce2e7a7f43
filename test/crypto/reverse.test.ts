import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { ReverseOpener, ReverseSealer } from "../../src/crypto/reverse.ts";
import { TamperedStreamError } from "../../src/errors.ts";

const key = new Uint8Array(32).fill(5);
const text = (s: string) => new TextEncoder().encode(s);
const pair = async () => [await ReverseSealer.create(key), await ReverseOpener.create(key)] as const;

describe("reverse channel (AES-256-GCM, counter nonces)", () => {
  test("messages open in order", async () => {
    const [sealer, opener] = await pair();
    const sealed = [await sealer.seal(text("one")), await sealer.seal(text("two"))];
    expect(new TextDecoder().decode(await opener.open(sealed[0]!))).toBe("one");
    expect(new TextDecoder().decode(await opener.open(sealed[1]!))).toBe("two");
  });

  test("the first nonce is 96 zero bits, then counts up big-endian", async () => {
    const [sealer] = await pair();
    const raw = await crypto.subtle.importKey("raw", key, "AES-GCM", false, ["decrypt"]);
    const first = await sealer.seal(text("a"));
    const second = await sealer.seal(text("b"));
    const iv = (n: number) => Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, n);
    expect(new Uint8Array(await crypto.subtle.decrypt({ name: "AES-GCM", iv: iv(0) }, raw, first as BufferSource))).toEqual(text("a"));
    expect(new Uint8Array(await crypto.subtle.decrypt({ name: "AES-GCM", iv: iv(1) }, raw, second as BufferSource))).toEqual(text("b"));
  });

  test("any single flipped bit is refused", async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: (5 + 16) * 8 - 1 }), async (bit) => {
        const [sealer, opener] = await pair();
        const sealed = await sealer.seal(text("hello"));
        sealed[bit >> 3]! ^= 1 << (bit & 7);
        await expect(opener.open(sealed)).rejects.toThrow(TamperedStreamError);
      }),
      { numRuns: 50 },
    );
  });

  test("a reordered message is refused, and the channel stays refused", async () => {
    const [sealer, opener] = await pair();
    const a = await sealer.seal(text("a"));
    const b = await sealer.seal(text("b"));
    await expect(opener.open(b)).rejects.toThrow(TamperedStreamError);
    await expect(opener.open(a)).rejects.toThrow(TamperedStreamError);
  });

  test("a dropped message is refused at the next one", async () => {
    const [sealer, opener] = await pair();
    await sealer.seal(text("a"));
    await expect(opener.open(await sealer.seal(text("b")))).rejects.toThrow(TamperedStreamError);
  });

  test("a replayed message is refused", async () => {
    const [sealer, opener] = await pair();
    const a = await sealer.seal(text("a"));
    await opener.open(a);
    await expect(opener.open(a)).rejects.toThrow(TamperedStreamError);
  });

  test("a key of the wrong size is refused", async () => {
    await expect(ReverseSealer.create(new Uint8Array(16))).rejects.toThrow(/32-byte/);
  });
});
