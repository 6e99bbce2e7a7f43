// CPace over ristretto255 with SHA-512 (draft-irtf-cfrg-cpace-21, suite
// CPACE-RISTR255-SHA512), in the initiator-responder setting: the sharer is
// party A, the receiver party B (PROTOCOL.md §3). This file is the only
// importer of @noble/curves; the rest of ccshare sees byte strings.
// Reproduces test/vectors/cpace-draft21.json (test/crypto/cpace.test.ts).
import { ristretto255, ristretto255_hasher } from "@noble/curves/ed25519.js";
import { bytesToNumberLE, numberToBytesLE } from "@noble/curves/utils.js";
import { hmacSha512, sha512 } from "./hashes.ts";
import { ProtocolError } from "../errors.ts";
import { concat } from "../bytes/concat.ts";

const Point = ristretto255.Point;
const ORDER = Point.Fn.ORDER;
const utf8 = new TextEncoder();

/** G_Ristretto255.DSI (draft-21, "CPace group objects G_Ristretto255"). */
export const DSI = utf8.encode("CPaceRistretto255");
/** SHA-512's input block size, H.s_in_bytes (draft-21, "Hash function H"). */
export const S_IN_BYTES = 128;
/** G_Ristretto255.field_size_bytes: encoded elements and scalars. */
export const POINT_BYTES = 32;
/** G.I, the encoding of the identity element: 32 zero bytes (RFC 9496 §4.3.2). */
export const IDENTITY = new Uint8Array(POINT_BYTES);

/** draft-21 prepend_len (appendix A): LEB128 length of `data`, then `data`. */
export function prependLen(data: Uint8Array): Uint8Array {
  const len: number[] = [];
  let n = data.length;
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n > 0) byte |= 0x80;
    len.push(byte);
  } while (n > 0);
  return concat(Uint8Array.from(len), data);
}

/** draft-21 lv_cat (appendix A): each argument length-prefixed, concatenated. */
export function lvCat(...parts: Uint8Array[]): Uint8Array {
  return concat(...parts.map(prependLen));
}

/** draft-21 appendix A: true if `a` sorts after `b` (longer wins on a common prefix). */
export function lexicographicallyLarger(a: Uint8Array, b: Uint8Array): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i]! > b[i]!) return true;
    if (a[i]! < b[i]!) return false;
  }
  return a.length > b.length;
}

/** draft-21 o_cat (appendix A): "oc" then the two strings, larger first. */
export function oCat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const oc = utf8.encode("oc");
  return lexicographicallyLarger(a, b) ? concat(oc, a, b) : concat(oc, b, a);
}

/** draft-21 transcript_ir (initiator-responder): lv_cat(Ya,ADa) || lv_cat(Yb,ADb). */
export function transcriptIr(ya: Uint8Array, ada: Uint8Array, yb: Uint8Array, adb: Uint8Array): Uint8Array {
  return concat(lvCat(ya, ada), lvCat(yb, adb));
}

/** draft-21 transcript_oc (symmetric setting). Not used by ccshare; kept for the vectors. */
export function transcriptOc(ya: Uint8Array, ada: Uint8Array, yb: Uint8Array, adb: Uint8Array): Uint8Array {
  return oCat(lvCat(ya, ada), lvCat(yb, adb));
}

/**
 * draft-21 "Common function for computing generators": lv_cat(DSI, PRS,
 * zero padding, CI, sid), the padding filling
 * the first hash block so that PRS never shares a block with CI or sid.
 */
export function generatorString(dsi: Uint8Array, prs: Uint8Array, ci: Uint8Array, sid: Uint8Array, sInBytes = S_IN_BYTES): Uint8Array {
  const zpad = Math.max(0, sInBytes - 1 - prependLen(prs).length - prependLen(dsi).length);
  return lvCat(dsi, prs, new Uint8Array(zpad), ci, sid);
}

/** draft-21 G_Ristretto255.calculate_generator: one-way map of SHA-512(generator_string), encoded. */
export function calculateGenerator(prs: Uint8Array, ci: Uint8Array, sid: Uint8Array): Uint8Array {
  const hash = sha512(generatorString(DSI, prs, ci, sid));
  return ristretto255_hasher.deriveToCurve!(hash).toBytes();
}

function scalarOf(y: Uint8Array): bigint {
  if (y.length !== POINT_BYTES) throw new RangeError(`expected a ${POINT_BYTES}-byte scalar, got ${y.length} bytes`);
  const n = bytesToNumberLE(y) % ORDER;
  if (n === 0n) throw new RangeError("expected a non-zero scalar, got 0");
  return n;
}

/** draft-21 G_Ristretto255.sample_scalar (uniform variant): in [1, order), little-endian. */
export function sampleScalar(): Uint8Array {
  // 64 random bytes reduced mod the ~2^252 order: bias below 2^-250.
  for (;;) {
    const n = bytesToNumberLE(crypto.getRandomValues(new Uint8Array(64))) % ORDER;
    if (n !== 0n) return numberToBytesLE(n, POINT_BYTES);
  }
}

/** draft-21 G_Ristretto255.scalar_mult: y * g, for our own (trusted) generator. */
export function scalarMult(y: Uint8Array, g: Uint8Array): Uint8Array {
  return Point.fromBytes(g).multiply(scalarOf(y)).toBytes();
}

/**
 * draft-21 G_Ristretto255.scalar_mult_vfy: y * X, or G.I when X does not decode
 * or the product is the identity. Callers must abort on G.I (see sharedSecret).
 */
export function scalarMultVfy(y: Uint8Array, x: Uint8Array): Uint8Array {
  let point;
  try {
    point = Point.fromBytes(x);
  } catch {
    return IDENTITY.slice();
  }
  // The identity decodes fine but noble refuses to multiply scalars onto it.
  if (point.is0()) return IDENTITY.slice();
  const k = point.multiply(scalarOf(y));
  return k.is0() ? IDENTITY.slice() : k.toBytes();
}

function isIdentity(k: Uint8Array): boolean {
  return k.every((b) => b === 0);
}

/** One party's first move: a fresh secret scalar and its public share Y = y*g. */
export interface CpaceShare {
  readonly y: Uint8Array;
  readonly Y: Uint8Array;
}

/** draft-21 "CPace protocol instructions": derive g from PRS, CI, sid; sample y; Y = y*g. */
export function startCpace(prs: Uint8Array, ci: Uint8Array, sid: Uint8Array): CpaceShare {
  const y = sampleScalar();
  return { y, Y: scalarMult(y, calculateGenerator(prs, ci, sid)) };
}

/**
 * K = scalar_mult_vfy(y, peer Y). CPace draft-21 protocol instructions: abort
 * if K = G.I, which is also what an invalid encoding yields. A peer sending
 * such a point is attacking (an honest peer never can): ProtocolError.
 */
export function sharedSecret(y: Uint8Array, peerY: Uint8Array): Uint8Array {
  if (peerY.length !== POINT_BYTES) {
    throw new ProtocolError(`The other side sent a CPace point of ${peerY.length} bytes (expected ${POINT_BYTES}); aborting.`);
  }
  const k = scalarMultVfy(y, peerY);
  if (isIdentity(k)) {
    throw new ProtocolError("The other side sent an invalid CPace point (the identity or a non-canonical encoding); aborting.");
  }
  return k;
}

/** draft-21 (initiator-responder): ISK = H(lv_cat(DSI||"_ISK", sid, K) || transcript_ir). */
export function iskIr(sid: Uint8Array, k: Uint8Array, ya: Uint8Array, ada: Uint8Array, yb: Uint8Array, adb: Uint8Array): Uint8Array {
  return sha512(concat(lvCat(concat(DSI, utf8.encode("_ISK")), sid, k), transcriptIr(ya, ada, yb, adb)));
}

/** draft-21 (symmetric setting). Not used by ccshare; kept for the vectors. */
export function iskSymmetric(sid: Uint8Array, k: Uint8Array, ya: Uint8Array, ada: Uint8Array, yb: Uint8Array, adb: Uint8Array): Uint8Array {
  return sha512(concat(lvCat(concat(DSI, utf8.encode("_ISK")), sid, k), transcriptOc(ya, ada, yb, adb)));
}

/** draft-21 sid_output: H("CPaceSidOutput" || transcript), a public session id. */
export function sidOutput(transcript: Uint8Array): Uint8Array {
  return sha512(concat(utf8.encode("CPaceSidOutput"), transcript));
}

/**
 * Explicit key confirmation (PROTOCOL.md §3, after draft-21's appendix):
 * mac_key = SHA-512("CPaceMac" || sid || ISK); tag = HMAC-SHA-512(mac_key, lv_cat(Y, AD)).
 */
export function confirmationTag(sid: Uint8Array, isk: Uint8Array, y: Uint8Array, ad: Uint8Array): Uint8Array {
  const macKey = sha512(concat(utf8.encode("CPaceMac"), sid, isk));
  return hmacSha512(macKey, lvCat(y, ad));
}

/** Compare two byte strings in time independent of where they differ. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
