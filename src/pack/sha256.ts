// SHA-256 of a file as it streams through (PROTOCOL.md §4: `end` carries the
// digest of the uncompressed file; the sharer computes it, the receiver checks
// it). Hashed on the calling thread: a helper thread on a shared-memory ring was
// measured (~+10% in one process) and dropped — with sharer and receiver on one
// 2-core machine it cost more than it gained (LAN bench 146 vs 162 MB/s), and
// it took 290 lines of Atomics code to get there.
import { createHash, type Hash } from "node:crypto";

export class StreamHash {
  private hash: Hash | undefined = createHash("sha256");

  /** Adds `chunk`; the caller may reuse it as soon as this returns. */
  update(chunk: Uint8Array): void {
    this.hash!.update(chunk);
  }

  async digest(): Promise<Uint8Array> {
    const digest = new Uint8Array(this.hash!.digest());
    this.hash = undefined;
    return digest;
  }

  /** Abandons the stream (the file was cut short); safe after digest(). */
  dispose(): void {
    this.hash = undefined;
  }
}
