// Streamed SHA-256 on the helper thread (src/pack/sha256.ts): the same digests
// as node:crypto whatever the chunking, interleaving or abandoning of streams.
import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { OFF_THREAD_MIN_BYTES, StreamHash } from "../../src/pack/sha256.ts";

const MiB = 1024 * 1024;
const reference = (...chunks: Uint8Array[]) => {
  const hash = createHash("sha256");
  for (const chunk of chunks) hash.update(chunk);
  return new Uint8Array(hash.digest());
};
const bytes = (length: number, seed: number) => Uint8Array.from({ length }, (_, i) => (i * 31 + seed * 7 + (i >>> 9)) & 255);

describe("StreamHash", () => {
  test("a large file is hashed off this thread, a small one here", () => {
    const large = new StreamHash(8 * MiB);
    const small = new StreamHash(OFF_THREAD_MIN_BYTES - 1);
    expect([large.offThread, small.offThread]).toEqual([true, false]);
    large.dispose();
    small.dispose();
  });

  test("digests match node:crypto for chunks smaller than, equal to and larger than a slot", async () => {
    const chunks = [bytes(1, 1), bytes(MiB, 2), bytes(3 * MiB + 5, 3), bytes(777, 4)];
    const hash = new StreamHash(8 * MiB);
    for (const chunk of chunks) hash.update(chunk);
    expect(await hash.digest()).toEqual(reference(...chunks));
  });

  test("an empty stream has the digest of no bytes, on either thread", async () => {
    expect(await new StreamHash(8 * MiB).digest()).toEqual(reference());
    expect(await new StreamHash(0).digest()).toEqual(reference());
  });

  test("the caller may overwrite a chunk as soon as update() returns", async () => {
    const buffer = bytes(MiB, 5);
    const first = buffer.slice();
    const hash = new StreamHash(2 * MiB);
    hash.update(buffer);
    buffer.fill(0);
    hash.update(buffer);
    expect(await hash.digest()).toEqual(reference(first, new Uint8Array(MiB)));
  });

  test("many interleaved streams (more than the ring has slots) keep their own order", async () => {
    const streams = Array.from({ length: 12 }, (_, i) => ({ hash: new StreamHash(4 * MiB), chunks: [] as Uint8Array[], seed: i }));
    for (let round = 0; round < 4; round++) {
      for (const s of streams) {
        const chunk = bytes(MiB / 2 + round * 1000 + s.seed, s.seed * 10 + round);
        s.chunks.push(chunk);
        s.hash.update(chunk);
      }
    }
    const digests = await Promise.all(streams.reverse().map((s) => s.hash.digest()));
    expect(digests).toEqual(streams.map((s) => reference(...s.chunks)));
  });

  test("a stream abandoned half-way leaves later streams unaffected", async () => {
    const abandoned = new StreamHash(4 * MiB);
    abandoned.update(bytes(2 * MiB, 9));
    abandoned.dispose();
    abandoned.dispose();
    const next = new StreamHash(4 * MiB);
    next.update(bytes(MiB, 10));
    expect(await next.digest()).toEqual(reference(bytes(MiB, 10)));
  });

  test("forced local hashing gives the same digests", async () => {
    const hash = new StreamHash(8 * MiB, { local: true });
    expect(hash.offThread).toBe(false);
    hash.update(bytes(2 * MiB, 11));
    expect(await hash.digest()).toEqual(reference(bytes(2 * MiB, 11)));
  });
});
