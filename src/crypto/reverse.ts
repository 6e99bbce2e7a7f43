// The receiver -> sharer direction (PROTOCOL.md §4): HPKE contexts only seal
// one way, so R -> S messages use AES-256-GCM under
// key = ctx.Export("ccshare/1 reverse", 32) with a 96-bit big-endian counter
// nonce starting at 0. The counter orders the messages exactly as HPKE's
// sequence number does the other way: a dropped, replayed or reordered
// message fails to open. One credit comes back per record (§5), so this runs
// as often as the forward direction: AES-GCM through node:crypto (aes_gcm.ts).
import { TamperedStreamError } from "../errors.ts";
import { GCM_NONCE_BYTES as NONCE_BYTES, GCM_TAG_BYTES, GcmKey } from "./aes_gcm.ts";

/** AES-256-GCM's tag, appended to every ciphertext. */
export const REVERSE_TAG_BYTES = GCM_TAG_BYTES;
const NO_AAD = new Uint8Array(0);

function counterNonce(counter: number): Uint8Array {
  if (!Number.isSafeInteger(counter)) throw new RangeError(`reverse message counter overflowed at ${counter}`);
  const nonce = new Uint8Array(NONCE_BYTES);
  const view = new DataView(nonce.buffer);
  view.setUint32(4, Math.floor(counter / 2 ** 32));
  view.setUint32(8, counter >>> 0);
  return nonce;
}

function importKey(key: Uint8Array): GcmKey {
  if (key.length !== 32) throw new RangeError(`expected a 32-byte reverse key, got ${key.length} bytes`);
  return new GcmKey(key);
}

/** The receiver's side: seals R -> S messages in order. */
export class ReverseSealer {
  private counter = 0;
  private constructor(private readonly key: GcmKey) {}

  static async create(key: Uint8Array): Promise<ReverseSealer> {
    return new ReverseSealer(importKey(key));
  }

  async seal(plain: Uint8Array): Promise<Uint8Array> {
    return this.key.seal(counterNonce(this.counter++), NO_AAD, plain);
  }
}

/** The sharer's side: opens R -> S messages, refusing any out of order. */
export class ReverseOpener {
  private counter = 0;
  private failed = false;
  private queue: Promise<unknown> = Promise.resolve();
  private constructor(private readonly key: GcmKey) {}

  static async create(key: Uint8Array): Promise<ReverseOpener> {
    return new ReverseOpener(importKey(key));
  }

  /** Open the next message; any failure is final (the stream is no longer trusted). */
  open(sealed: Uint8Array): Promise<Uint8Array> {
    const result = this.queue.then(() => this.openNext(sealed));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async openNext(sealed: Uint8Array): Promise<Uint8Array> {
    if (this.failed) throw new TamperedStreamError();
    const plain = this.key.open(counterNonce(this.counter), NO_AAD, sealed);
    if (!plain) {
      this.failed = true;
      throw new TamperedStreamError();
    }
    this.counter++;
    return plain;
  }
}
