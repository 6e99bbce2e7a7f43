// The offline bundle's key (PROTOCOL.md §7): ikm = scrypt(NFC(passphrase),
// salt, N, r, p, 32), then HPKE DeriveKeyPair(ikm) (crypto/hpke.ts). A bundle
// has no PAKE to stop offline guessing, so scrypt's cost is the only brake:
// generated bundle passphrases carry 88 bits (DESIGN.md §5).
//
// @noble/hashes' scrypt (crypto/hashes.ts), not node:crypto: measured at N=2^18, r=8, p=1 on
// this machine class it takes 0.75-1.7 s against node:crypto's 1.3-1.7 s in
// Bun and about the same in Deno, so there is no speed reason to leave the
// web-standard path; it also yields to the event loop and reports progress.
import { scrypt } from "./hashes.ts";
import { BundleFormatError } from "../errors.ts";
import { normalizePassphrase } from "./passphrase.ts";

export interface ScryptParams {
  readonly N: number;
  readonly r: number;
  readonly p: number;
  readonly salt: Uint8Array;
}

/** DESIGN.md §5: what writers use. */
export const DEFAULT_SCRYPT = { N: 2 ** 18, r: 8, p: 1 } as const;
export const SALT_BYTES = 16;
export const IKM_BYTES = 32;
/**
 * What a reader accepts. PROTOCOL.md §7 allowed N <= 2^20, r <= 16, p <= 4:
 * within those a hostile header made an importer spend 24.5 s and 1.1 GB
 * before "wrong passphrase" (issue 13). Now no more memory than what ccshare
 * writes needs (128*N*r <= 256 MiB) and, with p <= 2, at most twice its work:
 * the writer's defaults stay readable, with room to double their cost
 * (docs/protocol-amendments.md §7).
 */
export const SCRYPT_LIMITS = { maxN: 2 ** 19, maxR: 8, maxP: 2, maxMemoryBytes: 2 ** 28 } as const;

/** Parameters for a new bundle: the defaults and a fresh random salt. */
export function newScryptParams(): ScryptParams {
  return { ...DEFAULT_SCRYPT, salt: crypto.getRandomValues(new Uint8Array(SALT_BYTES)) };
}

const isPowerOfTwo = (n: number) => Number.isSafeInteger(n) && n > 1 && (n & (n - 1)) === 0;

/**
 * Validate parameters read from a bundle header, before spending any memory
 * on them: a hostile file must not make the reader allocate gigabytes.
 */
export function checkScryptParams(params: { N: unknown; r: unknown; p: unknown; salt: unknown }): ScryptParams {
  const { N, r, p, salt } = params;
  const damaged = "the file is damaged or was not made by ccshare";
  if (typeof N !== "number" || !isPowerOfTwo(N)) throw new BundleFormatError(`This bundle's scrypt N must be a power of two above 1, got ${String(N)}; ${damaged}.`);
  if (N > SCRYPT_LIMITS.maxN) throw new BundleFormatError(`This bundle asks for scrypt N = ${N}, over the limit of ${SCRYPT_LIMITS.maxN}; refusing to open it.`);
  if (typeof r !== "number" || !Number.isSafeInteger(r) || r < 1) throw new BundleFormatError(`This bundle's scrypt r must be a positive integer, got ${String(r)}; ${damaged}.`);
  if (r > SCRYPT_LIMITS.maxR) throw new BundleFormatError(`This bundle asks for scrypt r = ${r}, over the limit of ${SCRYPT_LIMITS.maxR}; refusing to open it.`);
  if (typeof p !== "number" || !Number.isSafeInteger(p) || p < 1) throw new BundleFormatError(`This bundle's scrypt p must be a positive integer, got ${String(p)}; ${damaged}.`);
  if (p > SCRYPT_LIMITS.maxP) throw new BundleFormatError(`This bundle asks for scrypt p = ${p}, over the limit of ${SCRYPT_LIMITS.maxP}; refusing to open it.`);
  const memory = 128 * N * r;
  if (memory > SCRYPT_LIMITS.maxMemoryBytes) {
    throw new BundleFormatError(`This bundle's scrypt parameters need ${memory / 2 ** 20} MiB of memory, over the limit of ${SCRYPT_LIMITS.maxMemoryBytes / 2 ** 20} MiB; refusing to open it.`);
  }
  if (!(salt instanceof Uint8Array) || salt.length !== SALT_BYTES) {
    const got = salt instanceof Uint8Array ? `${salt.length} bytes` : typeof salt;
    throw new BundleFormatError(`This bundle's salt must be ${SALT_BYTES} bytes, got ${got}; ${damaged}.`);
  }
  return { N, r, p, salt };
}

/** PROTOCOL.md §7: ikm = scrypt(NFC(passphrase), salt, N, r, p, 32). */
export async function deriveBundleIkm(passphrase: string, params: ScryptParams, onProgress?: (fraction: number) => void): Promise<Uint8Array> {
  const { N, r, p, salt } = checkScryptParams(params);
  const password = new TextEncoder().encode(normalizePassphrase(passphrase));
  // noble's own memory guard, set to exactly what the checked parameters need.
  return scrypt(password, salt, { N, r, p, dkLen: IKM_BYTES, maxmem: 128 * r * (N + p + 1), onProgress });
}
