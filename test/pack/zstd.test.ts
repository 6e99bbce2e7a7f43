// The reused zstd contexts of src/pack/zstd.ts, both through node:zlib's engine
// handle (what Bun and Deno run) and through the portable one-shot fallback:
// same frames, same caps, same refusals.
import { describe, expect, test } from "bun:test";
import { constants, zstdCompressSync, zstdDecompressSync } from "node:zlib";
import { ChunkCompressor, ChunkDecompressor, compressBound, ZstdError, ZstdOverflowError } from "../../src/pack/zstd.ts";

const MiB = 1024 * 1024;
const text = (s: string) => new TextEncoder().encode(s);
const jsonl = (bytes: number) => text('{"type":"assistant","message":{"content":"the parser fails on empty input"}}\n'.repeat(Math.ceil(bytes / 77))).subarray(0, bytes);
const random = (bytes: number) => {
  const out = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i += 65536) crypto.getRandomValues(out.subarray(i, i + 65536));
  return out;
};
const frame = (bytes: Uint8Array) => new Uint8Array(zstdCompressSync(bytes));

for (const portable of [false, true]) {
  describe(portable ? "the portable fallback" : "the reused native context", () => {
    test("frames from one compressor, chunk after chunk, decompress with node:zlib", () => {
      const compressor = new ChunkCompressor(1, MiB, { portable });
      for (const chunk of [jsonl(MiB), random(MiB), text("x"), jsonl(300_000)]) {
        const z = compressor.compress(chunk).slice();
        expect(new Uint8Array(zstdDecompressSync(z))).toEqual(chunk);
      }
      compressor.close();
    });

    test("the level is kept from chunk to chunk (level 1 output, not the default level's)", () => {
      const chunk = jsonl(MiB);
      const level1 = zstdCompressSync(chunk, { params: { [constants.ZSTD_c_compressionLevel]: 1 } }).length;
      const compressor = new ChunkCompressor(1, MiB, { portable });
      expect([compressor.compress(chunk).length, compressor.compress(chunk).length]).toEqual([level1, level1]);
    });

    test("a chunk decompresses into the caller's buffer, up to exactly the cap", () => {
      const decompressor = new ChunkDecompressor({ portable });
      const chunk = jsonl(MiB);
      const into = new Uint8Array(MiB + 1);
      expect(decompressor.decompress(frame(chunk), MiB, into)).toBe(MiB);
      expect(into.subarray(0, MiB)).toEqual(chunk);
      expect(decompressor.decompress(frame(new Uint8Array(0)), MiB, into)).toBe(0);
    });

    test("one byte over the cap is an overflow, and a bomb stops there", () => {
      const decompressor = new ChunkDecompressor({ portable });
      const into = new Uint8Array(MiB + 1);
      expect(() => decompressor.decompress(frame(jsonl(1001)), 1000, into)).toThrow(ZstdOverflowError);
      const zeros = frame(new Uint8Array(MiB));
      const bomb = new Uint8Array(zeros.length * 64);
      for (let i = 0; i < 64; i++) bomb.set(zeros, i * zeros.length);
      expect(() => decompressor.decompress(bomb, MiB, into)).toThrow(ZstdOverflowError);
    });

    test("an output buffer smaller than cap + 1 is a caller error", () => {
      expect(() => new ChunkDecompressor({ portable }).decompress(frame(text("x")), 10, new Uint8Array(10))).toThrow(RangeError);
    });

    test("bytes that are not zstd are a ZstdError, and the next record still decompresses", () => {
      const decompressor = new ChunkDecompressor({ portable });
      const into = new Uint8Array(MiB + 1);
      expect(() => decompressor.decompress(text("not zstd at all"), MiB, into)).toThrow(ZstdError);
      expect(decompressor.decompress(frame(text("fine")), MiB, into)).toBe(4);
    });
  });
}

describe("the reused native context, where it differs from one-shot calls", () => {
  test("a record of several frames is read to its end (Deno's engine stops at each frame)", () => {
    const two = new Uint8Array([...frame(text("first ")), ...frame(text("second"))]);
    const into = new Uint8Array(100);
    const n = new ChunkDecompressor().decompress(two, 99, into);
    expect(new TextDecoder().decode(into.subarray(0, n))).toBe("first second");
  });

  test("garbage after the last frame is refused, not ignored", () => {
    const padded = new Uint8Array([...frame(text("frame")), 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(() => new ChunkDecompressor().decompress(padded, 99, new Uint8Array(100))).toThrow(ZstdError);
  });

  test("a frame cut short in one record does not run on into the next", () => {
    const decompressor = new ChunkDecompressor();
    const whole = frame(jsonl(10_000));
    const into = new Uint8Array(20_001);
    const cut = decompressor.decompress(whole.subarray(0, whole.length - 8), 20_000, into);
    expect(cut).toBeLessThan(10_000);
    expect(decompressor.decompress(whole, 20_000, into)).toBe(10_000);
    expect(into.subarray(0, 10_000)).toEqual(jsonl(10_000));
  });

  test("compressBound covers incompressible chunks", () => {
    const chunk = random(MiB);
    expect(new ChunkCompressor(1, MiB).compress(chunk).length).toBeLessThanOrEqual(compressBound(MiB));
  });
});
