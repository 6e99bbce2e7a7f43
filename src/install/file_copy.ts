// Copying one staged file into the install's staging dir, streaming (session
// files reach 400 MB; SESSIONS-FORMAT.md "Lines"), optionally editing JSONL
// lines on the way, with the modes and mtime Claude Code expects
// (SESSIONS-FORMAT.md "Resume, and what an install must do", step 6).
//
// The source is opened with O_NOFOLLOW and must be a regular file: the staged
// tree comes from a peer, and the installer never follows a link out of it
// (O_NONBLOCK too, so that a FIFO is refused instead of blocking the open).
// The destination is created exclusively ("wx"), so nothing existing is
// overwritten.
//
// It is not fsync'ed: the install is atomic against a crashing or concurrent
// process (Claude Code sees a transcript only once it is linked into place,
// complete: commit.ts), which needs no flush; an fsync per file made the copy
// wait for the disk (~450 MB/s here against ~2 GB/s into the page cache) to
// guard only against a power cut in the seconds after an install, which the
// sharer can repeat.
import { Buffer } from "node:buffer";
import { constants } from "node:fs";
import { lstat, open, type FileHandle } from "node:fs/promises";
import { UnsafePathError } from "../errors.ts";
import { giveBack, lineBlocks, takeBuffer } from "./line_blocks.ts";
import { editLines, type LineFilter } from "./line_stream.ts";

const CHUNK = 1 << 20;
/** Read-only, never through a symlink, never blocking on a FIFO (0 where the platform lacks a flag). */
export const READ_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/** Opens a staged file for reading without following a symlink; refuses anything but a regular file. */
export async function openRegularFile(path: string, shownAs: string): Promise<FileHandle> {
  // Checked before opening, for platforms without O_NOFOLLOW (Windows); elsewhere open() refuses a link itself.
  if (constants.O_NOFOLLOW === undefined && (await lstat(path)).isSymbolicLink()) throw new UnsafePathError(`Refusing to install ${shownAs}: it is a symbolic link.`);
  let handle: FileHandle;
  try {
    handle = await open(path, READ_FLAGS);
  } catch (error) {
    if ((error as { code?: string }).code === "ELOOP") throw new UnsafePathError(`Refusing to install ${shownAs}: it is a symbolic link.`);
    throw error;
  }
  if (!(await handle.stat()).isFile()) {
    await handle.close();
    throw new UnsafePathError(`Refusing to install ${shownAs}: it is not a regular file.`);
  }
  return handle;
}

/**
 * Gathers pieces into 1 MiB buffers and writes each, when full, with one call.
 * Two buffers: one is written to the file while the next is filled, so the disk
 * write overlaps the scan of the next lines. Pieces of a buffer's size or more
 * go straight through.
 */
class Output {
  private buffer = takeBuffer();
  private spare = takeBuffer();
  private used = 0;
  /** The write of `spare`, in flight; its failure surfaces at the next push or flush. */
  private writing: Promise<void> = Promise.resolve();
  written = 0;
  constructor(private readonly handle: FileHandle) {}

  /** Takes the pieces in order; each may be reused by the caller once this resolves. */
  async push(pieces: Uint8Array[]): Promise<void> {
    for (const piece of pieces) {
      if (piece.length > this.buffer.length - this.used) await this.swap();
      if (piece.length >= this.buffer.length) {
        await this.writing;
        await this.write(piece);
        continue;
      }
      this.buffer.set(piece, this.used);
      this.used += piece.length;
    }
  }

  /** Writes everything pushed; resolves once it is in the file. */
  async flush(): Promise<void> {
    await this.swap();
    await this.writing;
  }

  /** Waits for any write in flight and hands the buffers back (after a failure too). */
  async close(): Promise<void> {
    await this.writing.catch(() => {});
    giveBack(this.buffer);
    giveBack(this.spare);
  }

  /** Starts writing the filled buffer and continues in the other one once its own write is done. */
  private async swap(): Promise<void> {
    await this.writing;
    if (this.used === 0) return;
    const full = this.buffer.subarray(0, this.used);
    [this.buffer, this.spare] = [this.spare, this.buffer];
    this.used = 0;
    this.writing = this.write(full);
    this.writing.catch(() => {}); // surfaced by the next swap, push or flush
  }

  private async write(bytes: Uint8Array): Promise<void> {
    let offset = 0;
    while (offset < bytes.length) offset += (await this.handle.write(bytes, offset, bytes.length - offset)).bytesWritten;
    this.written += bytes.length;
  }
}

/**
 * Copies `from` to a new file `to` (mode 0600, mtime `mtime`), applying
 * `filter`'s edits to each line when given. Line terminators and a missing
 * final newline are kept exactly. Returns the number of bytes written.
 */
export async function copyFile(o: { from: string; to: string; shownAs: string; mtime: Date; filter?: LineFilter }): Promise<number> {
  const input = await openRegularFile(o.from, o.shownAs);
  let output: FileHandle | undefined;
  try {
    output = await open(o.to, "wx", 0o600);
    const out = new Output(output);
    try {
      if (o.filter) await copyLines(input, out, o.filter);
      else await copyBytes(input, out);
      await out.flush();
    } finally {
      await out.close();
    }
    // Explicit, because the umask may have narrowed the creation mode and an
    // existing umask never widens it; then mtime last, after every write.
    await output.chmod(0o600);
    await output.utimes(o.mtime, o.mtime);
    return out.written;
  } finally {
    await input.close();
    await output?.close();
  }
}

async function copyBytes(input: FileHandle, out: Output): Promise<void> {
  const buffer = takeBuffer();
  try {
    for (;;) {
      const { bytesRead } = await input.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) return;
      await out.push([buffer.subarray(0, bytesRead)]);
    }
  } finally {
    giveBack(buffer);
  }
}

/** Unchanged lines go out as runs of the block they were read in; an edited line as its kept parts and the new values. */
async function copyLines(input: FileHandle, out: Output, filter: LineFilter): Promise<void> {
  for await (const block of lineBlocks(input)) {
    const pieces: Uint8Array[] = [];
    editLines(block, filter, pieces);
    await out.push(pieces);
  }
}

/** True when two files hold the same bytes (streamed; false on any read error). */
export async function sameContent(a: string, b: string): Promise<boolean> {
  let left: FileHandle | undefined;
  let right: FileHandle | undefined;
  try {
    left = await open(a, READ_FLAGS);
    right = await open(b, READ_FLAGS);
    const [sa, sb] = await Promise.all([left.stat(), right.stat()]);
    if (!sa.isFile() || !sb.isFile() || sa.size !== sb.size) return false;
    const x = new Uint8Array(CHUNK);
    const y = new Uint8Array(CHUNK);
    for (;;) {
      const [ra, rb] = await Promise.all([left.read(x, 0, CHUNK, null), right.read(y, 0, CHUNK, null)]);
      if (ra.bytesRead !== rb.bytesRead) return false;
      if (ra.bytesRead === 0) return true;
      if (Buffer.compare(x.subarray(0, ra.bytesRead), y.subarray(0, rb.bytesRead)) !== 0) return false;
    }
  } catch {
    return false;
  } finally {
    await left?.close();
    await right?.close();
  }
}
