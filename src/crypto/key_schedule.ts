// From CPace's ISK to what the transfer uses (PROTOCOL.md §3):
//   prk = HKDF-Extract(SHA-512, salt = sid, ikm = ISK)
//   psk = HKDF-Expand(SHA-512, prk, "ccshare/1 hpke psk", 32)   -> HPKE mode_psk
//   sas = HKDF-Expand(SHA-512, prk, "ccshare/1 sas", 5)          -> words
// CPace draft-21 recommends running ISK through a KDF before use; binding the
// HPKE context to ISK through the psk is what makes the passphrase matter.
// WebCrypto's HKDF is Extract then Expand in one call (RFC 5869), which is
// exactly this schedule.
import { bytesToWords } from "./passphrase.ts";

const PSK_LABEL = "ccshare/1 hpke psk";
const SAS_LABEL = "ccshare/1 sas";
/** HPKE psk length (RFC 9180 §5.1.2 wants at least 32 bytes of entropy). */
export const PSK_BYTES = 32;
/** PROTOCOL.md §3: 5 bytes of short authentication string. */
export const SAS_BYTES = 5;

export interface TransferSecrets {
  /** The HPKE mode_psk pre-shared key. */
  readonly psk: Uint8Array;
  /** A few words both sides can read aloud to rule out a man in the middle. */
  readonly sas: string;
}

async function hkdfSha512(ikm: Uint8Array, salt: Uint8Array, label: string, bytes: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", ikm as BufferSource, "HKDF", false, ["deriveBits"]);
  const info = new TextEncoder().encode(label);
  return new Uint8Array(await crypto.subtle.deriveBits({ name: "HKDF", hash: "SHA-512", salt: salt as BufferSource, info }, key, bytes * 8));
}

/** PROTOCOL.md §3: the psk and the SAS, both from (ISK, sid). */
export async function deriveTransferSecrets(isk: Uint8Array, sid: Uint8Array): Promise<TransferSecrets> {
  const [psk, sas] = await Promise.all([hkdfSha512(isk, sid, PSK_LABEL, PSK_BYTES), hkdfSha512(isk, sid, SAS_LABEL, SAS_BYTES)]);
  return { psk, sas: bytesToWords(sas).join(" ") };
}
