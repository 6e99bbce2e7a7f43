// Streamed SHA-256 (src/pack/sha256.ts): the same digests as hashing the
// whole file at once, whatever the chunking.
import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { StreamHash } from "../../src/pack/sha256.ts";

const MiB = 1024 * 1024;
const reference = (...chunks: Uint8Array[]) => {
  const hash = createHash("sha256");
  for (const chunk of chunks) hash.update(chunk);
  return new Uint8Array(hash.digest());
};
const bytes = (length: number, seed: number) => Uint8Array.from({ length }, (_, i) => (i * 31 + seed * 7 + (i >>> 9)) & 255);

describe("StreamHash", () => {
  test("digests match hashing the whole file at once, whatever the chunk sizes", async () => {
    const chunks = [bytes(1, 1), bytes(MiB, 2), bytes(3 * MiB + 5, 3), bytes(777, 4)];
    const hash = new StreamHash();
    for (const chunk of chunks) hash.update(chunk);
    expect(await hash.digest()).toEqual(reference(...chunks));
  });

  test("an empty stream has the digest of no bytes", async () => {
    expect(await new StreamHash().digest()).toEqual(reference());
  });

  test("the caller may overwrite a chunk as soon as update() returns", async () => {
    const buffer = bytes(MiB, 5);
    const first = buffer.slice();
    const hash = new StreamHash();
    hash.update(buffer);
    buffer.fill(0);
    hash.update(buffer);
    expect(await hash.digest()).toEqual(reference(first, buffer));
  });
});
