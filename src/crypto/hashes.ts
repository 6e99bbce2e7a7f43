// The hash functions ccshare's crypto needs. CPace's SHA-512 and HMAC-SHA-512
// come from node:crypto (Bun, Deno and Node all have it natively): @noble/hashes'
// JavaScript ones cost milliseconds on the handshake's critical path in a
// process that has not warmed up. Offline bundles' scrypt stays with
// @noble/hashes (audited, the family of @noble/curves), which reports progress
// through its ~1 s; this is its only importer (STYLE.md rule 2).
import { createHash, createHmac } from "node:crypto";
import { scryptAsync } from "@noble/hashes/scrypt.js";

export function sha512(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash("sha512").update(data).digest());
}

export function hmacSha512(key: Uint8Array, message: Uint8Array): Uint8Array {
  return new Uint8Array(createHmac("sha512", key).update(message).digest());
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
