// The receiver -> sharer direction (PROTOCOL.md §4): HPKE contexts only seal
// one way, so R -> S messages use AES-256-GCM under
// key = ctx.Export("ccshare/1 reverse", 32) with a 96-bit big-endian counter
// nonce starting at 0. The counter orders the messages exactly as HPKE's
// sequence number does the other way: a dropped, replayed or reordered
// message fails to open.
import { TamperedStreamError } from "../errors.ts";

const NONCE_BYTES = 12;
/** AES-256-GCM's tag, appended to every ciphertext. */
export const REVERSE_TAG_BYTES = 16;

function counterNonce(counter: number): Uint8Array {
  if (!Number.isSafeInteger(counter)) throw new RangeError(`reverse message counter overflowed at ${counter}`);
  const nonce = new Uint8Array(NONCE_BYTES);
  const view = new DataView(nonce.buffer);
  view.setUint32(4, Math.floor(counter / 2 ** 32));
  view.setUint32(8, counter >>> 0);
  return nonce;
}

async function importKey(key: Uint8Array, usage: "encrypt" | "decrypt"): Promise<CryptoKey> {
  if (key.length !== 32) throw new RangeError(`expected a 32-byte reverse key, got ${key.length} bytes`);
  return crypto.subtle.importKey("raw", key as BufferSource, "AES-GCM", false, [usage]);
}

/** The receiver's side: seals R -> S messages in order. */
export class ReverseSealer {
  private counter = 0;
  private constructor(private readonly key: CryptoKey) {}

  static async create(key: Uint8Array): Promise<ReverseSealer> {
    return new ReverseSealer(await importKey(key, "encrypt"));
  }

  async seal(plain: Uint8Array): Promise<Uint8Array> {
    // Taken before the await, so concurrent calls still get distinct nonces in call order.
    const iv = counterNonce(this.counter++);
    return new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv: iv as BufferSource }, this.key, plain as BufferSource));
  }
}

/** The sharer's side: opens R -> S messages, refusing any out of order. */
export class ReverseOpener {
  private counter = 0;
  private failed = false;
  private queue: Promise<unknown> = Promise.resolve();
  private constructor(private readonly key: CryptoKey) {}

  static async create(key: Uint8Array): Promise<ReverseOpener> {
    return new ReverseOpener(await importKey(key, "decrypt"));
  }

  /** Open the next message; any failure is final (the stream is no longer trusted). */
  open(sealed: Uint8Array): Promise<Uint8Array> {
    const result = this.queue.then(() => this.openNext(sealed));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async openNext(sealed: Uint8Array): Promise<Uint8Array> {
    if (this.failed) throw new TamperedStreamError();
    try {
      const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: counterNonce(this.counter) as BufferSource }, this.key, sealed as BufferSource);
      this.counter++;
      return new Uint8Array(plain);
    } catch {
      this.failed = true;
      throw new TamperedStreamError();
    }
  }
}
