// Byte editors that compose (pack/incoming_file.ts ByteEditor): the line
// editor, then others after it, each taking what the one before gives.
import { concat } from "../bytes/concat.ts";
import type { ByteEditor } from "../pack/incoming_file.ts";
import { StreamHash } from "../pack/sha256.ts";

const EMPTY = new Uint8Array(0);

/** Passes bytes through unchanged and hashes them. */
export class Digest implements ByteEditor {
  private readonly hash = new StreamHash();
  private done: Promise<Uint8Array> | undefined;

  push(chunk: Uint8Array): Uint8Array {
    this.hash.update(chunk);
    return chunk;
  }

  end(): Uint8Array {
    return EMPTY;
  }

  release(): void {}

  /** The SHA-256 of everything pushed; call once the file is complete. */
  digest(): Promise<Uint8Array> {
    return (this.done ??= this.hash.digest());
  }
}

/** Editors one after another: each takes what the one before it gives. */
export class Chain implements ByteEditor {
  constructor(private readonly steps: ByteEditor[]) {}

  push(chunk: Uint8Array): Uint8Array {
    let bytes = chunk;
    for (const step of this.steps) bytes = step.push(bytes);
    return bytes;
  }

  /** What each step still held, passed through the steps after it. */
  end(): Uint8Array {
    let carried: Uint8Array = EMPTY;
    for (const step of this.steps) {
      const pushed = carried.length > 0 ? step.push(carried) : EMPTY;
      carried = concat(pushed, step.end());
    }
    return carried;
  }

  release(): void {
    for (const step of this.steps) step.release();
  }
}
