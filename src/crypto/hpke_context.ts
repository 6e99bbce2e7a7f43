// The HPKE key schedule and encryption context (RFC 9180 §5.1-§5.3) for our
// one suite, DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 / AES-256-GCM, from the
// KEM's shared secret on. @hpke/core does the KEM (hpke.ts); its contexts copy
// every record and take a WebCrypto round trip per record (~45 µs against ~8
// here for a 4 KiB record, ~65 against ~20 for 100 KiB), and they do not
// expose key and base_nonce, so the schedule is done here: a context is just
// (key, base_nonce, seq, exporter_secret). Checked against RFC 9180 appendix
// A.1.1/A.1.2, the CFRG vector for this suite, and @hpke/core itself, both
// ways (test/crypto/hpke_context.test.ts).
import { createHmac } from "node:crypto";
import { GCM_NONCE_BYTES, GcmKey } from "./aes_gcm.ts";
import { concat } from "../bytes/concat.ts";

/** RFC 9180 §5: mode identifiers. */
export const MODE_BASE = 0x00;
export const MODE_PSK = 0x01;

/** RFC 9180 §7: KEM, KDF and AEAD identifiers of the suite. */
export const KEM_X25519_HKDF_SHA256 = 0x0020;
export const KDF_HKDF_SHA256 = 0x0001;
export const AEAD_AES_256_GCM = 0x0002;
/** Only for the RFC's own vectors, which use AES-128-GCM (appendix A.1). */
export const AEAD_AES_128_GCM = 0x0001;

const HASH_BYTES = 32; // Nh of HKDF-SHA256
const utf8 = new TextEncoder();
const HPKE_V1 = utf8.encode("HPKE-v1");

function i2osp(value: number, bytes: number): Uint8Array {
  const out = new Uint8Array(bytes);
  for (let i = bytes - 1, v = value; i >= 0; i--, v = Math.floor(v / 256)) out[i] = v % 256;
  return out;
}

/** RFC 5869 Extract; an empty salt is HashLen zeros, which HMAC pads to anyway. */
function extract(salt: Uint8Array, ikm: Uint8Array): Uint8Array {
  return new Uint8Array(createHmac("sha256", salt).update(ikm).digest());
}

/** RFC 5869 Expand. */
function expand(prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  if (length > 255 * HASH_BYTES) throw new RangeError(`HKDF-Expand cannot produce ${length} bytes`);
  const out = new Uint8Array(length);
  let block = new Uint8Array(0);
  for (let i = 1, at = 0; at < length; i++) {
    block = new Uint8Array(createHmac("sha256", prk).update(concat(block, info, Uint8Array.of(i))).digest());
    out.set(block.subarray(0, length - at), at);
    at += block.length;
  }
  return out;
}

/** RFC 9180 §4: LabeledExtract() and LabeledExpand(), bound to the suite. */
function labeledExtract(suiteId: Uint8Array, salt: Uint8Array, label: string, ikm: Uint8Array): Uint8Array {
  return extract(salt, concat(HPKE_V1, suiteId, utf8.encode(label), ikm));
}

function labeledExpand(suiteId: Uint8Array, prk: Uint8Array, label: string, info: Uint8Array, length: number): Uint8Array {
  return expand(prk, concat(i2osp(length, 2), HPKE_V1, suiteId, utf8.encode(label), info), length);
}

/** RFC 9180 §5.1: the schedule's outputs (intermediate values kept for the known-answer tests). */
export interface KeySchedule {
  /** "HPKE" || kem_id || kdf_id || aead_id. */
  suiteId: Uint8Array;
  keyScheduleContext: Uint8Array;
  secret: Uint8Array;
  key: Uint8Array;
  baseNonce: Uint8Array;
  exporterSecret: Uint8Array;
}

export interface KeyScheduleInput {
  mode: typeof MODE_BASE | typeof MODE_PSK;
  sharedSecret: Uint8Array;
  info: Uint8Array;
  /** Empty in mode_base. */
  psk?: Uint8Array;
  pskId?: Uint8Array;
  /** AEAD_AES_256_GCM unless a test says otherwise. */
  aead?: typeof AEAD_AES_256_GCM | typeof AEAD_AES_128_GCM;
}

/** RFC 9180 §5.1 KeySchedule<ROLE>(), with VerifyPSKInputs() and §5.1.2's minimum psk size. */
export function keySchedule(input: KeyScheduleInput): KeySchedule {
  const psk = input.psk ?? new Uint8Array(0);
  const pskId = input.pskId ?? new Uint8Array(0);
  const aead = input.aead ?? AEAD_AES_256_GCM;
  if (psk.length > 0 !== pskId.length > 0) throw new RangeError("HPKE: psk and psk_id must be given together");
  if (input.mode === MODE_PSK && psk.length < 32) throw new RangeError(`HPKE: mode_psk needs a psk of at least 32 bytes, got ${psk.length}`);
  if (input.mode === MODE_BASE && psk.length > 0) throw new RangeError("HPKE: mode_base takes no psk");
  const suiteId = concat(utf8.encode("HPKE"), i2osp(KEM_X25519_HKDF_SHA256, 2), i2osp(KDF_HKDF_SHA256, 2), i2osp(aead, 2));
  const empty = new Uint8Array(0);
  const pskIdHash = labeledExtract(suiteId, empty, "psk_id_hash", pskId);
  const infoHash = labeledExtract(suiteId, empty, "info_hash", input.info);
  const keyScheduleContext = concat(Uint8Array.of(input.mode), pskIdHash, infoHash);
  const secret = labeledExtract(suiteId, input.sharedSecret, "secret", psk);
  return {
    suiteId,
    keyScheduleContext,
    secret,
    key: labeledExpand(suiteId, secret, "key", keyScheduleContext, aead === AEAD_AES_256_GCM ? 32 : 16),
    baseNonce: labeledExpand(suiteId, secret, "base_nonce", keyScheduleContext, GCM_NONCE_BYTES),
    exporterSecret: labeledExpand(suiteId, secret, "exp", keyScheduleContext, HASH_BYTES),
  };
}

/**
 * RFC 9180 §5.2-§5.3: one direction's AEAD context. seal() and open() use
 * nonce = base_nonce XOR I2OSP(seq, Nn); open() moves seq on only when a
 * record authenticates, so a failed try costs nothing (hpke.ts relies on it).
 */
export class HpkeContext {
  private seq = 0;
  private readonly key: GcmKey;
  private readonly nonce = new Uint8Array(GCM_NONCE_BYTES);
  private readonly baseNonce: Uint8Array;
  private readonly exporterSecret: Uint8Array;
  private readonly suiteId: Uint8Array;

  constructor(schedule: KeySchedule) {
    this.key = new GcmKey(schedule.key);
    this.baseNonce = schedule.baseNonce.slice();
    this.exporterSecret = schedule.exporterSecret.slice();
    this.suiteId = schedule.suiteId;
  }

  seal(aad: Uint8Array, plain: Uint8Array): Uint8Array {
    const nonce = this.nextNonce();
    // Moved on before sealing: no nonce is used twice, even by a seal that failed halfway.
    this.seq++;
    return this.key.seal(nonce, aad, plain);
  }

  /** The plaintext, or undefined (and seq unchanged) if the record does not authenticate. */
  open(aad: Uint8Array, sealed: Uint8Array): Uint8Array | undefined {
    const plain = this.key.open(this.nextNonce(), aad, sealed);
    if (plain) this.seq++;
    return plain;
  }

  /** RFC 9180 §5.3 Export(exporter_context, L). */
  export(context: Uint8Array, length: number): Uint8Array {
    return labeledExpand(this.suiteId, this.exporterSecret, "sec", context, length);
  }

  /** RFC 9180 §5.2 ComputeNonce(seq); seq stays below 2^53, far under the 2^96 - 1 limit. */
  private nextNonce(): Uint8Array {
    if (this.seq >= Number.MAX_SAFE_INTEGER) throw new RangeError("HPKE: message limit reached");
    this.nonce.set(this.baseNonce);
    for (let i = GCM_NONCE_BYTES - 1, s = this.seq; s > 0; i--, s = Math.floor(s / 256)) this.nonce[i]! ^= s % 256;
    return this.nonce;
  }
}
