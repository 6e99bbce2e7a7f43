import { describe, expect, test } from "bun:test";
import { scryptSync } from "node:crypto";
import { DEFAULT_SCRYPT, checkScryptParams, deriveBundleIkm, newScryptParams } from "../../src/crypto/bundle_kdf.ts";
import { BundleFormatError } from "../../src/errors.ts";

const salt = Uint8Array.from({ length: 16 }, (_, i) => i);

describe("bundle key derivation (PROTOCOL.md §7)", () => {
  test("ikm is scrypt(NFC(passphrase), salt, N, r, p, 32), checked against node:crypto", async () => {
    // Small N keeps the test fast; p = 2 and r = 4 catch swapped parameters.
    const params = { N: 1024, r: 4, p: 2, salt };
    const ikm = await deriveBundleIkm("orbit-maple", params);
    expect(ikm).toEqual(new Uint8Array(scryptSync("orbit-maple", salt, 32, { N: 1024, r: 4, p: 2 })));
  });

  test("the passphrase is NFC-normalised first", async () => {
    const params = { N: 16, r: 1, p: 1, salt };
    expect(await deriveBundleIkm("cafe\u0301", params)).toEqual(await deriveBundleIkm("caf\u00e9", params));
  });

  test("new parameters are the defaults with a fresh 16-byte salt", () => {
    const [a, b] = [newScryptParams(), newScryptParams()];
    expect({ N: a.N, r: a.r, p: a.p }).toEqual(DEFAULT_SCRYPT);
    expect(DEFAULT_SCRYPT).toEqual({ N: 2 ** 18, r: 8, p: 1 });
    expect(a.salt.length).toBe(16);
    expect(a.salt).not.toEqual(b.salt);
  });

  test("the writer's defaults pass the reader's checks", () => {
    expect(() => checkScryptParams(newScryptParams())).not.toThrow();
  });

  test("a hostile bundle asking for N above 2^19 is refused before any work", () => {
    expect(() => checkScryptParams({ N: 2 ** 20, r: 8, p: 1, salt })).toThrow(/N = 1048576, over the limit of 524288/);
  });

  test("a hostile bundle asking for r above 8 is refused", () => {
    expect(() => checkScryptParams({ N: 1024, r: 9, p: 1, salt })).toThrow(/r = 9, over the limit of 8/);
  });

  test("a hostile bundle asking for p above 2 is refused", () => {
    expect(() => checkScryptParams({ N: 1024, r: 8, p: 3, salt })).toThrow(/p = 3, over the limit of 2/);
  });

  test("a hostile bundle asking for more memory than the writer's within each cap is refused", () => {
    expect(() => checkScryptParams({ N: 2 ** 19, r: 8, p: 1, salt })).toThrow(/512 MiB of memory, over the limit of 256 MiB/);
    expect(() => checkScryptParams({ N: 2 ** 19, r: 4, p: 1, salt })).not.toThrow();
  });

  test("the costliest parameters accepted are twice the writer's work", () => {
    expect(() => checkScryptParams({ N: 2 ** 18, r: 8, p: 2, salt })).not.toThrow();
    expect(() => checkScryptParams({ N: 2 ** 19, r: 4, p: 2, salt })).not.toThrow();
  });

  test("malformed parameters are format errors", () => {
    for (const bad of [
      { N: 1000, r: 8, p: 1, salt },
      { N: 1, r: 8, p: 1, salt },
      { N: "1024", r: 8, p: 1, salt },
      { N: 1024, r: 0, p: 1, salt },
      { N: 1024, r: 8, p: 1.5, salt },
      { N: 1024, r: 8, p: 1, salt: salt.subarray(1) },
      { N: 1024, r: 8, p: 1, salt: "salt" },
    ]) {
      expect(() => checkScryptParams(bad)).toThrow(BundleFormatError);
    }
  });

  test("deriving refuses hostile parameters too", async () => {
    await expect(deriveBundleIkm("x", { N: 2 ** 22, r: 8, p: 1, salt })).rejects.toThrow(BundleFormatError);
  });
});
