// From CPace's ISK to what the transfer uses (PROTOCOL.md §3):
//   prk = HKDF-Extract(SHA-512, salt = sid, ikm = ISK)
//   psk = HKDF-Expand(SHA-512, prk, "ccshare/1 hpke psk", 32)   -> HPKE mode_psk
//   sas = HKDF-Expand(SHA-512, prk, "ccshare/1 sas", 5)          -> words
// CPace draft-21 recommends running ISK through a KDF before use; binding the
// HPKE context to ISK through the psk is what makes the passphrase matter.
// node:crypto's hkdfSync is Extract then Expand in one call (RFC 5869), which
// is exactly this schedule, and, unlike WebCrypto's HKDF (two key imports and
// two thread-pool round trips), costs nothing on the handshake's critical
// path in a process that has not warmed up: 5-7 ms per side measured there.
import { hkdfSync } from "node:crypto";
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

function hkdfSha512(ikm: Uint8Array, salt: Uint8Array, label: string, bytes: number): Uint8Array {
  return new Uint8Array(hkdfSync("sha512", ikm, salt, label, bytes));
}

/** PROTOCOL.md §3: the psk and the SAS, both from (ISK, sid). */
export function deriveTransferSecrets(isk: Uint8Array, sid: Uint8Array): TransferSecrets {
  return { psk: hkdfSha512(isk, sid, PSK_LABEL, PSK_BYTES), sas: bytesToWords(hkdfSha512(isk, sid, SAS_LABEL, SAS_BYTES)).join(" ") };
}
