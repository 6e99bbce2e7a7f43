// Buffered, streaming access to a bundle file (PROTOCOL.md §7): the reader
// hands out exactly the bytes asked for, one length-prefixed record at a time,
// and the writer batches small writes. Memory stays at one block plus one
// record whatever the file's size, so a 2 GB bundle costs what a 2 MB one does.
import type { FileHandle } from "node:fs/promises";
import { fromFsError } from "../errors.ts";

const BLOCK_BYTES = 1 << 20;

export class ByteReader {
  private readonly block = new Uint8Array(BLOCK_BYTES);
  private start = 0;
  private end = 0;
  private filePosition = 0;
  /** Bytes handed out so far. */
  position = 0;

  constructor(
    private readonly handle: FileHandle,
    private readonly name: string,
  ) {}

  /**
   * The next `n` bytes, in a new array the caller owns. Fewer than `n` only at
   * the end of the file (an empty array: nothing was left). The caller caps `n`
   * before calling: this allocates it.
   */
  async read(n: number): Promise<Uint8Array> {
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      if (this.start === this.end) {
        // A large remainder goes straight into `out`; small reads are served from the block.
        if (n - filled >= BLOCK_BYTES) {
          const got = await this.fill(out, filled, n - filled);
          if (got === 0) break;
          filled += got;
          continue;
        }
        this.start = 0;
        this.end = await this.fill(this.block, 0, BLOCK_BYTES);
        if (this.end === 0) break;
      }
      const take = Math.min(n - filled, this.end - this.start);
      out.set(this.block.subarray(this.start, this.start + take), filled);
      this.start += take;
      filled += take;
    }
    this.position += filled;
    return filled === n ? out : out.slice(0, filled);
  }

  private async fill(into: Uint8Array, offset: number, length: number): Promise<number> {
    try {
      const { bytesRead } = await this.handle.read(into, offset, length, this.filePosition);
      this.filePosition += bytesRead;
      return bytesRead;
    } catch (error) {
      throw fromFsError(error, `reading ${this.name}`);
    }
  }
}

export class ByteWriter {
  private readonly block = new Uint8Array(BLOCK_BYTES);
  private used = 0;
  /** Bytes accepted so far. */
  position = 0;

  constructor(
    private readonly handle: FileHandle,
    private readonly name: string,
  ) {}

  async write(bytes: Uint8Array): Promise<void> {
    this.position += bytes.length;
    if (this.used + bytes.length > BLOCK_BYTES) await this.flush();
    if (bytes.length >= BLOCK_BYTES) return this.writeAll(bytes);
    this.block.set(bytes, this.used);
    this.used += bytes.length;
  }

  async flush(): Promise<void> {
    if (this.used === 0) return;
    const pending = this.block.subarray(0, this.used);
    this.used = 0;
    await this.writeAll(pending);
  }

  private async writeAll(bytes: Uint8Array): Promise<void> {
    try {
      // write(2) may write less than asked; carry on from where it stopped.
      for (let done = 0; done < bytes.length; ) {
        const { bytesWritten } = await this.handle.write(bytes, done, bytes.length - done);
        done += bytesWritten;
      }
    } catch (error) {
      throw fromFsError(error, `writing ${this.name}`);
    }
  }
}

/** A u32be length prefix (PROTOCOL.md §7). */
export function u32be(n: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n);
  return out;
}

export function readU32be(bytes: Uint8Array): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0);
}
