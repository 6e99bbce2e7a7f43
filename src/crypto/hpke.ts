// HPKE (RFC 9180) with DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM,
// sealing record streams: live transfers in mode_psk keyed by CPace
// (PROTOCOL.md §3-4), offline bundles in mode_base keyed by scrypt (§7).
// The only importer of @hpke/core (STYLE.md rule 2), which does the KEM
// (key pairs, Encap, Decap; its X25519 runs on WebCrypto, which Bun and Deno
// both provide). The key schedule and the record contexts are hpke_context.ts:
// @hpke/core's contexts copied every record and took a WebCrypto round trip
// (~45 µs) per record, several times what sealing a compressed chunk costs.
import { CipherSuite, DhkemX25519HkdfSha256, HkdfSha256, Aes256Gcm } from "@hpke/core";
import { BundleFormatError, ProtocolError, TamperedStreamError } from "../errors.ts";
import { HpkeContext, keySchedule, MODE_BASE, MODE_PSK } from "./hpke_context.ts";

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

// Only the KEM of this suite is used; the AEAD and KDF named here must match hpke_context.ts.
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
    private readonly ctx: HpkeContext,
    private readonly aadPrefix: Uint8Array,
    /** HPKE `enc`, which the receiver needs to set up its context. */
    readonly enc: Uint8Array,
  ) {}

  /** Seal the next record; HPKE's sequence number orders the stream. */
  async seal(plain: Uint8Array, final: boolean): Promise<Uint8Array> {
    // A record after the final one would make truncation undetectable.
    if (this.ended) throw new ProtocolError("Tried to seal a record after the final one; this is a bug in ccshare.");
    if (final) this.ended = true;
    return this.ctx.seal(recordAad(this.aadPrefix, final), plain);
  }

  /** RFC 9180 §5.3 secret export (for the reverse key). */
  async export(label: Uint8Array, bytes: number): Promise<Uint8Array> {
    return this.ctx.export(label, bytes);
  }
}

/** The opening end of a record stream (PROTOCOL.md §4). */
export class RecordOpener {
  private failed = false;
  private ended = false;
  private queue: Promise<unknown> = Promise.resolve();
  constructor(
    private readonly ctx: HpkeContext,
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
    // The final flag travels only in the AAD. The sequence number advances
    // only after a successful open, so a failed first try costs nothing.
    for (const final of [false, true]) {
      const plain = this.ctx.open(recordAad(this.aadPrefix, final), sealed);
      if (!plain) continue;
      if (final) this.ended = true;
      return { plain, final };
    }
    this.failed = true;
    throw new TamperedStreamError();
  }

  /** RFC 9180 §5.3 secret export (for the reverse key). */
  async export(label: Uint8Array, bytes: number): Promise<Uint8Array> {
    return this.ctx.export(label, bytes);
  }
}

/** PROTOCOL.md §4: the R -> S key, from either end of the same HPKE context. */
export function reverseKey(end: RecordSealer | RecordOpener): Promise<Uint8Array> {
  return end.export(REVERSE_LABEL, 32);
}

/** RFC 9180 §5.1.1-§5.1.2 SetupBaseS/SetupPSKS: Encap(pkR), then the key schedule. */
async function setupSender(recipientPublicKey: Uint8Array, info: Uint8Array, psk?: Uint8Array): Promise<{ ctx: HpkeContext; enc: Uint8Array }> {
  const pk = await suite.kem.deserializePublicKey(recipientPublicKey as BufferSource);
  const { sharedSecret, enc } = await suite.kem.encap({ recipientPublicKey: pk });
  const mode = psk ? MODE_PSK : MODE_BASE;
  const schedule = keySchedule({ mode, sharedSecret: new Uint8Array(sharedSecret), info, psk, pskId: psk ? PSK_ID : undefined });
  return { ctx: new HpkeContext(schedule), enc: new Uint8Array(enc) };
}

/** RFC 9180 §5.1.1-§5.1.2 SetupBaseR/SetupPSKR: Decap(enc, skR), then the key schedule. */
async function setupRecipient(keyPair: RecipientKeyPair, enc: Uint8Array, info: Uint8Array, psk?: Uint8Array): Promise<HpkeContext> {
  const sharedSecret = await suite.kem.decap({ recipientKey: keyPair.keys, enc: enc as BufferSource });
  const mode = psk ? MODE_PSK : MODE_BASE;
  return new HpkeContext(keySchedule({ mode, sharedSecret: new Uint8Array(sharedSecret), info, psk, pskId: psk ? PSK_ID : undefined }));
}

/** PROTOCOL.md §3, the sharer: SetupPSKS(pkR, info, psk, psk_id). */
export async function setupTransferSender(recipientPublicKey: Uint8Array, psk: Uint8Array): Promise<RecordSealer> {
  if (recipientPublicKey.length !== PUBLIC_KEY_BYTES) {
    throw new ProtocolError(`The receiver's public key has ${recipientPublicKey.length} bytes (expected ${PUBLIC_KEY_BYTES}); aborting.`);
  }
  let sender: { ctx: HpkeContext; enc: Uint8Array };
  try {
    sender = await setupSender(recipientPublicKey, TRANSFER_INFO, psk);
  } catch (error) {
    // e.g. a low-order X25519 point: the shared secret would be all zeros.
    throw new ProtocolError("The receiver sent an unusable public key; aborting.", { cause: error });
  }
  return new RecordSealer(sender.ctx, new Uint8Array(), sender.enc);
}

/** PROTOCOL.md §3, the receiver: SetupPSKR(enc, skR, info, psk, psk_id). */
export async function setupTransferReceiver(keyPair: RecipientKeyPair, enc: Uint8Array, psk: Uint8Array): Promise<RecordOpener> {
  if (enc.length !== ENC_BYTES) throw new ProtocolError(`The sharer's HPKE enc has ${enc.length} bytes (expected ${ENC_BYTES}); aborting.`);
  try {
    return new RecordOpener(await setupRecipient(keyPair, enc, TRANSFER_INFO, psk), new Uint8Array());
  } catch (error) {
    throw new ProtocolError("The sharer sent an unusable HPKE enc; aborting.", { cause: error });
  }
}

/** PROTOCOL.md §7, the writer: SetupBaseS(pk, "ccshare/1 bundle"); records' AAD starts with the header. */
export async function setupBundleSender(publicKey: Uint8Array, header: Uint8Array): Promise<RecordSealer> {
  const { ctx, enc } = await setupSender(publicKey, BUNDLE_INFO);
  return new RecordSealer(ctx, header.slice(), enc);
}

/** PROTOCOL.md §7, the reader: SetupBaseR(enc, sk, "ccshare/1 bundle"). */
export async function setupBundleReceiver(keyPair: RecipientKeyPair, enc: Uint8Array, header: Uint8Array): Promise<RecordOpener> {
  if (enc.length !== ENC_BYTES) throw new BundleFormatError(`This bundle's key field has ${enc.length} bytes (expected ${ENC_BYTES}); the file is damaged or not a ccshare bundle.`);
  try {
    return new RecordOpener(await setupRecipient(keyPair, enc, BUNDLE_INFO), header.slice());
  } catch (error) {
    throw new BundleFormatError("This bundle's key field is unusable; the file is damaged or not a ccshare bundle.", { cause: error });
  }
}
