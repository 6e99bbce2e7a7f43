// One file arriving from a peer (PROTOCOL.md §4: file, data*, end): decompressed
// chunk by chunk with the output capped at what the `file` record declared, so a
// zstd bomb stops at the declared size without ever allocating more; hashed as
// it is written (optionally through an editor: the digest is always of the bytes
// as sent); its digest checked at `end`.
import { constants as fsConstants } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { DigestMismatchError, fromFsError, LimitExceededError, ProtocolError } from "../errors.ts";
import { StreamHash } from "./sha256.ts";
import { ChunkDecompressor, ZstdOverflowError } from "./zstd.ts";

/** O_EXCL makes a pre-existing name (or a symlink planted there) fail instead of being followed. */
const CREATE_FLAGS = fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL | (fsConstants.O_NOFOLLOW ?? 0);

/**
 * The receiver's decompressor and its two output buffers, shared by the files
 * of one transfer (they arrive one after another). The buffers are used in
 * turn: one chunk may still be on its way to disk while the next inflates into
 * the other buffer, and nothing is allocated per record (fresh 1 MiB buffers
 * cost more than inflating into them: see zstd.ts).
 */
export class Inflater {
  private readonly zstd = new ChunkDecompressor();
  private readonly buffers: (Uint8Array | undefined)[] = [undefined, undefined];
  private turn = 0;

  constructor(readonly maxChunkBytes: number) {}

  /**
   * The chunk `z` inflates to, at most `cap` bytes. The view stays valid until
   * inflate() is called twice more, which IncomingFile guarantees by having at
   * most one disk write in flight.
   */
  inflate(z: Uint8Array, cap: number): Uint8Array {
    this.turn ^= 1;
    const buffer = (this.buffers[this.turn] ??= new Uint8Array(this.maxChunkBytes + 1));
    return buffer.subarray(0, this.zstd.decompress(z, Math.min(cap, this.maxChunkBytes), buffer));
  }

  close(): void {
    this.zstd.close();
  }
}

/**
 * Rewrites a file's bytes on their way to disk (the installer's line edits,
 * wired in by transfer/incoming.ts; this layer knows nothing of lines).
 */
export interface ByteEditor {
  /** The bytes to write for `chunk`: a view valid until push() or end() has been called twice more. */
  push(chunk: Uint8Array): Uint8Array;
  /** What is left to write once the file is complete; same validity. */
  end(): Uint8Array;
  /** Frees the editor's buffers, once nothing it returned is being written. */
  release(): void;
}

function shown(path: string): string {
  return JSON.stringify(path);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export class IncomingFile {
  private received = 0;
  /** Bytes of this file decompressed and verified against the caps so far. */
  get receivedBytes(): number {
    return this.received;
  }
  private readonly hash: StreamHash;
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    /** The peer's relative path (already checked by safe_path.ts). */
    readonly path: string,
    readonly size: number,
    private readonly declaredSha256: Uint8Array | undefined,
    private readonly handle: FileHandle,
    private editor: ByteEditor | undefined,
  ) {
    this.hash = new StreamHash();
  }

  /** Creates `abs` (which must not exist) with mode 0600; `editor`, if given, rewrites what is written. */
  static async create(abs: string, path: string, size: number, sha256?: Uint8Array, editor?: ByteEditor): Promise<IncomingFile> {
    let handle: FileHandle;
    try {
      handle = await open(abs, CREATE_FLAGS, 0o600);
    } catch (error) {
      if ((error as { code?: string }).code === "EEXIST") {
        // Only a name that differs in case from an earlier one gets here (the
        // Unpacker refuses exact duplicates), on a case-insensitive disk.
        throw new ProtocolError(`The sharer sent ${shown(path)} twice`, { cause: error, refused: true });
      }
      throw fromFsError(error, `writing ${path}`);
    }
    return new IncomingFile(path, size, sha256, handle, editor);
  }

  /** Decompresses one `data` record and appends it. */
  async write(z: Uint8Array, inflater: Inflater): Promise<void> {
    const left = this.size - this.received;
    if (left === 0) throw this.tooLong();
    const maxChunkBytes = inflater.maxChunkBytes;
    const cap = Math.min(left, maxChunkBytes);
    let chunk: Uint8Array;
    try {
      // The output stops one byte past the cap: enough to know the sender lied.
      chunk = inflater.inflate(z, cap);
    } catch (error) {
      if (error instanceof ZstdOverflowError) {
        throw cap === left ? this.tooLong(error) : new LimitExceededError(`The sharer sent a chunk of ${this.path} over ${maxChunkBytes} bytes`, { cause: error, refused: true });
      }
      throw new ProtocolError(`The sharer sent corrupt compressed data for ${shown(this.path)}`, { cause: error, refused: true });
    }
    // Belt and braces: a decompressor that ignored the cap must not get past it.
    if (chunk.length > cap) throw this.tooLong();
    if (chunk.length === 0) throw new ProtocolError(`The sharer sent an empty chunk of ${shown(this.path)}`, { refused: true });
    this.hash.update(chunk);
    this.received += chunk.length;
    // Edited while the previous write is still in flight (the editor's two buffers).
    const bytes = this.editor ? this.editor.push(chunk) : chunk;
    // The disk write runs while the next record is opened and decompressed; at
    // most one is in flight, so the Inflater's two buffers are enough.
    await this.writing;
    this.writing = this.append(bytes);
    this.writing.catch(() => {}); // surfaced by the next write, end() or close()
  }

  private async append(chunk: Uint8Array): Promise<void> {
    try {
      let done = 0;
      while (done < chunk.length) done += (await this.handle.write(chunk, done, chunk.length - done)).bytesWritten;
    } catch (error) {
      throw fromFsError(error, `writing ${this.path}`);
    }
  }

  /** Checks length and digest at `end`, then closes the file. Returns the digest. */
  async end(sha256: Uint8Array): Promise<Uint8Array> {
    if (this.received < this.size) {
      throw new ProtocolError(`The sharer ended ${shown(this.path)} after ${this.received} of its declared ${this.size} bytes`, { refused: true });
    }
    await this.writing;
    if (this.editor) await this.append(this.editor.end());
    const actual = await this.hash.digest();
    if (!sameBytes(actual, sha256) || (this.declaredSha256 && !sameBytes(actual, this.declaredSha256))) {
      throw new DigestMismatchError(`${shown(this.path)} arrived with a different SHA-256 than the sharer declared (corrupted or altered)`);
    }
    await this.close();
    return actual;
  }

  async close(): Promise<void> {
    this.hash.dispose();
    try {
      await this.writing.catch(() => {});
      this.editor?.release();
      this.editor = undefined;
      await this.handle.close();
    } catch {
      // Closing twice, or after the staging dir went away: nothing left to release.
    }
  }

  private tooLong(cause?: unknown): LimitExceededError {
    return new LimitExceededError(`The sharer sent more than the declared ${this.size} bytes of ${shown(this.path)}`, { cause, refused: true });
  }
}
