// HPKE (RFC 9180) with DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM,
// sealing record streams: live transfers in mode_psk keyed by CPace
// (PROTOCOL.md §3-4), offline bundles in mode_base keyed by scrypt (§7).
// The only importer of @hpke/core (STYLE.md rule 2); its X25519 runs on
// WebCrypto, which Bun and Deno both provide.
import { Aes256Gcm, CipherSuite, DhkemX25519HkdfSha256, HkdfSha256, type RecipientContext, type SenderContext } from "@hpke/core";
import { BundleFormatError, ProtocolError, TamperedStreamError } from "../errors.ts";

const utf8 = new TextEncoder();
/** PROTOCOL.md §3: HPKE info of a live transfer. */
export const TRANSFER_INFO = utf8.encode("ccshare/1 transfer");
/** PROTOCOL.md §3: psk_id; RFC 9180 §5.1 requires it non-empty in mode_psk. */
export const PSK_ID = utf8.encode("ccshare/1 cpace-ristretto255-sha512");
/** PROTOCOL.md §7: HPKE info of an offline bundle. */
export const BUNDLE_INFO = utf8.encode("ccshare/1 bundle");
/** PROTOCOL.md §4: exporter label of the R -> S key. */
const REVERSE_LABEL = utf8.encode("ccshare/1 reverse");
/** Sizes of DHKEM(X25519) public keys / enc and of the AES-GCM tag. */
export const PUBLIC_KEY_BYTES = 32;
export const ENC_BYTES = 32;
export const SEAL_OVERHEAD = 16;

const suite = new CipherSuite({ kem: new DhkemX25519HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes256Gcm() });

/** A recipient's X25519 key pair, with the public key already serialised. */
export interface RecipientKeyPair {
  readonly publicKey: Uint8Array;
  readonly keys: CryptoKeyPair;
}

async function withPublicBytes(keys: CryptoKeyPair): Promise<RecipientKeyPair> {
  return { publicKey: new Uint8Array(await suite.kem.serializePublicKey(keys.publicKey)), keys };
}

/** A fresh key pair for one live transfer (PROTOCOL.md §3: the receiver's ADb). */
export async function generateRecipientKeyPair(): Promise<RecipientKeyPair> {
  return withPublicBytes(await suite.kem.generateKeyPair());
}

/** PROTOCOL.md §7: the bundle key pair, RFC 9180 DeriveKeyPair(ikm) with ikm from scrypt. */
export async function deriveBundleKeyPair(ikm: Uint8Array): Promise<RecipientKeyPair> {
  if (ikm.length < 32) throw new RangeError(`expected at least 32 bytes of ikm, got ${ikm.length}`);
  return withPublicBytes(await suite.kem.deriveKeyPair(ikm));
}

/** AAD of one record: the stream's prefix (empty live, header bytes in a bundle) || u8(final). */
function recordAad(prefix: Uint8Array, final: boolean): Uint8Array {
  const aad = new Uint8Array(prefix.length + 1);
  aad.set(prefix);
  aad[prefix.length] = final ? 1 : 0;
  return aad;
}

/** The sealing end of a record stream (PROTOCOL.md §4). */
export class RecordSealer {
  private ended = false;
  constructor(
    private readonly ctx: SenderContext,
    private readonly aadPrefix: Uint8Array,
    /** HPKE `enc`, which the receiver needs to set up its context. */
    readonly enc: Uint8Array,
  ) {}

  /** Seal the next record; HPKE's sequence number orders the stream. */
  async seal(plain: Uint8Array, final: boolean): Promise<Uint8Array> {
    // A record after the final one would make truncation undetectable.
    if (this.ended) throw new ProtocolError("Tried to seal a record after the final one; this is a bug in ccshare.");
    if (final) this.ended = true;
    return new Uint8Array(await this.ctx.seal(plain as BufferSource, recordAad(this.aadPrefix, final) as BufferSource));
  }

  /** RFC 9180 §5.3 secret export (for the reverse key). */
  async export(label: Uint8Array, bytes: number): Promise<Uint8Array> {
    return new Uint8Array(await this.ctx.export(label as BufferSource, bytes));
  }
}

/** The opening end of a record stream (PROTOCOL.md §4). */
export class RecordOpener {
  private failed = false;
  private ended = false;
  private queue: Promise<unknown> = Promise.resolve();
  constructor(
    private readonly ctx: RecipientContext,
    private readonly aadPrefix: Uint8Array,
  ) {}

  /**
   * Open the next record and tell whether it was the final one. Records
   * reordered, dropped, duplicated or altered fail here: TamperedStreamError,
   * and every later call fails too (nothing after a bad record is trusted).
   */
  open(sealed: Uint8Array): Promise<{ plain: Uint8Array; final: boolean }> {
    // Serialised: opening tries two AADs, which must not interleave with another record's.
    const result = this.queue.then(() => this.openNext(sealed));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async openNext(sealed: Uint8Array): Promise<{ plain: Uint8Array; final: boolean }> {
    // An honest sealer never seals past the final record, so anything after
    // it was injected or replayed.
    if (this.failed || this.ended) {
      this.failed = true;
      throw new TamperedStreamError();
    }
    // The final flag travels only in the AAD. @hpke/core advances its sequence
    // number only after a successful open, so a failed first try costs nothing.
    for (const final of [false, true]) {
      try {
        const plain = new Uint8Array(await this.ctx.open(sealed as BufferSource, recordAad(this.aadPrefix, final) as BufferSource));
        if (final) this.ended = true;
        return { plain, final };
      } catch {
        // try the other flag, then give up
      }
    }
    this.failed = true;
    throw new TamperedStreamError();
  }

  /** RFC 9180 §5.3 secret export (for the reverse key). */
  async export(label: Uint8Array, bytes: number): Promise<Uint8Array> {
    return new Uint8Array(await this.ctx.export(label as BufferSource, bytes));
  }
}

/** PROTOCOL.md §4: the R -> S key, from either end of the same HPKE context. */
export function reverseKey(end: RecordSealer | RecordOpener): Promise<Uint8Array> {
  return end.export(REVERSE_LABEL, 32);
}

/** PROTOCOL.md §3, the sharer: SetupPSKS(pkR, info, psk, psk_id). */
export async function setupTransferSender(recipientPublicKey: Uint8Array, psk: Uint8Array): Promise<RecordSealer> {
  if (recipientPublicKey.length !== PUBLIC_KEY_BYTES) {
    throw new ProtocolError(`The receiver's public key has ${recipientPublicKey.length} bytes (expected ${PUBLIC_KEY_BYTES}); aborting.`);
  }
  let ctx: SenderContext;
  try {
    const pk = await suite.kem.deserializePublicKey(recipientPublicKey as BufferSource);
    ctx = await suite.createSenderContext({ recipientPublicKey: pk, info: TRANSFER_INFO, psk: { id: PSK_ID, key: psk } });
  } catch (error) {
    // e.g. a low-order X25519 point: the shared secret would be all zeros.
    throw new ProtocolError("The receiver sent an unusable public key; aborting.", { cause: error });
  }
  return new RecordSealer(ctx, new Uint8Array(), new Uint8Array(ctx.enc));
}

/** PROTOCOL.md §3, the receiver: SetupPSKR(enc, skR, info, psk, psk_id). */
export async function setupTransferReceiver(keyPair: RecipientKeyPair, enc: Uint8Array, psk: Uint8Array): Promise<RecordOpener> {
  if (enc.length !== ENC_BYTES) throw new ProtocolError(`The sharer's HPKE enc has ${enc.length} bytes (expected ${ENC_BYTES}); aborting.`);
  try {
    const ctx = await suite.createRecipientContext({ recipientKey: keyPair.keys, enc: enc as BufferSource, info: TRANSFER_INFO, psk: { id: PSK_ID, key: psk } });
    return new RecordOpener(ctx, new Uint8Array());
  } catch (error) {
    throw new ProtocolError("The sharer sent an unusable HPKE enc; aborting.", { cause: error });
  }
}

/** PROTOCOL.md §7, the writer: SetupBaseS(pk, "ccshare/1 bundle"); records' AAD starts with the header. */
export async function setupBundleSender(publicKey: Uint8Array, header: Uint8Array): Promise<RecordSealer> {
  const pk = await suite.kem.deserializePublicKey(publicKey as BufferSource);
  const ctx = await suite.createSenderContext({ recipientPublicKey: pk, info: BUNDLE_INFO });
  return new RecordSealer(ctx, header.slice(), new Uint8Array(ctx.enc));
}

/** PROTOCOL.md §7, the reader: SetupBaseR(enc, sk, "ccshare/1 bundle"). */
export async function setupBundleReceiver(keyPair: RecipientKeyPair, enc: Uint8Array, header: Uint8Array): Promise<RecordOpener> {
  if (enc.length !== ENC_BYTES) throw new BundleFormatError(`This bundle's key field has ${enc.length} bytes (expected ${ENC_BYTES}); the file is damaged or not a ccshare bundle.`);
  try {
    const ctx = await suite.createRecipientContext({ recipientKey: keyPair.keys, enc: enc as BufferSource, info: BUNDLE_INFO });
    return new RecordOpener(ctx, header.slice());
  } catch (error) {
    throw new BundleFormatError("This bundle's key field is unusable; the file is damaged or not a ccshare bundle.", { cause: error });
  }
}
