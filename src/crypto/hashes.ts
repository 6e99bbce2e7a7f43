// The hash functions ccshare's crypto needs, from @noble/hashes (audited, the
// same family as @noble/curves). The only importer of @noble/hashes (STYLE.md
// rule 2): CPace uses SHA-512 and HMAC-SHA-512, offline bundles use scrypt.
import { hmac } from "@noble/hashes/hmac.js";
import { scryptAsync } from "@noble/hashes/scrypt.js";
import { sha512 as nobleSha512 } from "@noble/hashes/sha2.js";

export function sha512(data: Uint8Array): Uint8Array {
  return nobleSha512(data);
}

export function hmacSha512(key: Uint8Array, message: Uint8Array): Uint8Array {
  return hmac(nobleSha512, key, message);
}

export interface ScryptOptions {
  N: number;
  r: number;
  p: number;
  dkLen: number;
  /** The most memory scrypt may take; set to exactly what checked parameters need. */
  maxmem: number;
  onProgress?: (fraction: number) => void;
}

export function scrypt(password: Uint8Array, salt: Uint8Array, o: ScryptOptions): Promise<Uint8Array> {
  return scryptAsync(password, salt, o);
}
