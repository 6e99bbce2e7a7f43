// The offline bundle file, `.ccs` (PROTOCOL.md §7). Byte layout, as written
// and read here:
//
//   offset   size  field
//   0        8     magic "CCSHARE\0"
//   8        1     format version, 1
//   9        4     u32be H: length of the CBOR header, 1..MAX_HEADER_BYTES
//   13       H     CBOR header {t:"bundle", kdf:"scrypt", N, r, p, salt (16 bytes),
//                  suite:{kem, kdf, aead} (RFC 9180 ids), created (ISO-8601), count}
//   13+H     32    HPKE enc
//   ...            records (§4: catalog..., file, data*, end, ..., done), each
//                  u32be L (<= MAX_SEALED_RECORD_BYTES) || L bytes of HPKE ciphertext
//
// "Header bytes" are bytes [0, 13+H): magic, version, length and CBOR. Every
// record's AAD is those bytes || u8(final), so a changed byte anywhere in them
// fails the first record; `enc` and the salt feed the key, so they do too.
// The length prefix exists so a reader knows where the header ends without
// trusting a CBOR decoder with an unbounded read (§7 leaves the framing open).
//
// Everything read here is hostile until the first record opens: caps are
// checked before any allocation or scrypt work.
import { checkScryptParams, type ScryptParams } from "../crypto/bundle_kdf.ts";
import { ENC_BYTES, SEAL_OVERHEAD } from "../crypto/hpke.ts";
import { BundleFormatError, CcshareError, TruncatedStreamError } from "../errors.ts";
import { DEFAULT_LIMITS } from "../pack/limits.ts";
import { decodeMessage, encodeMessage } from "../pack/cbor.ts";

export const MAGIC = new TextEncoder().encode("CCSHARE\0");
export const FORMAT_VERSION = 1;
/** magic | version | u32be header length. */
export const LEAD_BYTES = MAGIC.length + 1 + 4;
/** A real header is ~150 bytes; 4 KiB leaves room for fields a later version adds. */
export const MAX_HEADER_BYTES = 4096;
export { ENC_BYTES };
/** One record's plaintext cap (PROTOCOL.md §4) plus the AES-GCM tag. */
export const MAX_SEALED_RECORD_BYTES = DEFAULT_LIMITS.maxRecordBytes + SEAL_OVERHEAD;
/** RFC 9180 §7: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM (crypto/hpke.ts). */
export const SUITE = { kem: 0x0020, kdf: 0x0001, aead: 0x0002 } as const;

export interface BundleHeader extends ScryptParams {
  /** When the bundle was written (ISO-8601). */
  created: string;
  /** How many sessions its catalog lists. */
  count: number;
}

const NOT_A_BUNDLE = "is not a ccshare bundle (it does not start with the bundle signature)";

/** The header bytes a writer puts first: magic, version, length, CBOR. */
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

export function encodeHeader(h: BundleHeader): Uint8Array {
  const cbor = encodeMessage({
    t: "bundle",
    kdf: "scrypt",
    N: h.N,
    r: h.r,
    p: h.p,
    salt: h.salt,
    suite: { ...SUITE },
    created: h.created,
    count: h.count,
  });
  if (cbor.length > MAX_HEADER_BYTES) throw new RangeError(`bundle header of ${cbor.length} bytes is over the ${MAX_HEADER_BYTES}-byte cap`);
  const out = new Uint8Array(LEAD_BYTES + cbor.length);
  out.set(MAGIC);
  out[MAGIC.length] = FORMAT_VERSION;
  new DataView(out.buffer).setUint32(MAGIC.length + 1, cbor.length);
  out.set(cbor, LEAD_BYTES);
  return out;
}

/**
 * Checks the fixed lead (magic, version, header length) and returns the CBOR
 * header's length. `name` is how the file is named in messages.
 */
export function readLead(lead: Uint8Array, name: string): number {
  if (lead.length < MAGIC.length || !MAGIC.every((b, i) => lead[i] === b)) throw new BundleFormatError(`${name} ${NOT_A_BUNDLE}.`);
  if (lead.length < LEAD_BYTES) throw new TruncatedStreamError(`${name} ends inside its header (an incomplete copy or download?)`);
  const version = lead[MAGIC.length]!;
  if (version > FORMAT_VERSION) {
    throw new BundleFormatError(`${name} is a version ${version} bundle, made by a newer ccshare; update ccshare to open it.`);
  }
  if (version !== FORMAT_VERSION) throw new BundleFormatError(`${name} has bundle format version ${version}, which no ccshare writes; the file is damaged.`);
  const length = new DataView(lead.buffer, lead.byteOffset, lead.byteLength).getUint32(MAGIC.length + 1);
  if (length === 0 || length > MAX_HEADER_BYTES) {
    throw new BundleFormatError(`${name} declares a header of ${length} bytes (the limit is ${MAX_HEADER_BYTES}); the file is damaged or hostile, refusing to open it.`);
  }
  return length;
}

/** The CBOR header, every field checked; scrypt parameters are capped before anyone runs scrypt on them. */
export function parseHeader(cbor: Uint8Array, name: string): BundleHeader {
  let fields: { [key: string]: unknown };
  try {
    fields = decodeMessage(cbor, { maxRecordBytes: MAX_HEADER_BYTES, maxDepth: 4, maxItems: 256 });
  } catch (error) {
    throw new BundleFormatError(`${name} has an unreadable bundle header; the file is damaged.`, { cause: error });
  }
  if (fields.t !== "bundle") throw new BundleFormatError(`${name} has a header that is not a bundle header; the file is damaged.`);
  if (fields.kdf !== "scrypt") {
    throw new BundleFormatError(`${name} uses the key derivation ${JSON.stringify(String(fields.kdf)).slice(0, 40)}, which this ccshare does not know; update ccshare to open it.`);
  }
  const suite = fields.suite as { [key: string]: unknown } | undefined;
  if (!suite || suite.kem !== SUITE.kem || suite.kdf !== SUITE.kdf || suite.aead !== SUITE.aead) {
    throw new BundleFormatError(`${name} uses an encryption suite this ccshare does not know; update ccshare to open it.`);
  }
  const count = fields.count;
  if (typeof count !== "number" || !Number.isSafeInteger(count) || count < 0 || count > DEFAULT_LIMITS.maxCatalogEntries) {
    throw new BundleFormatError(`${name} declares ${String(count).slice(0, 20)} sessions, which is not a count ccshare accepts; the file is damaged.`);
  }
  // ISO-8601 and nothing else: `import --list` prints it (issue 13 finding 2).
  if (typeof fields.created !== "string" || !ISO_8601.test(fields.created)) throw new BundleFormatError(`${name} has no valid creation date in its header; the file is damaged.`);
  let params: ScryptParams;
  try {
    params = checkScryptParams({ N: fields.N, r: fields.r, p: fields.p, salt: fields.salt });
  } catch (error) {
    // checkScryptParams speaks of "this bundle"; say which file.
    throw error instanceof CcshareError ? new BundleFormatError(`${name}: ${error.message}`, { cause: error }) : error;
  }
  return { ...params, created: fields.created, count };
}
