// Copying one staged file into the install's staging dir, streaming (session
// files reach 400 MB; SESSIONS-FORMAT.md "Lines"), optionally editing JSONL
// lines on the way, with the modes and mtime Claude Code expects
// (SESSIONS-FORMAT.md "Resume, and what an install must do", step 6).
//
// The source is opened with O_NOFOLLOW and must be a regular file: the staged
// tree comes from a peer, and the installer never follows a link out of it
// (O_NONBLOCK too, so that a FIFO is refused instead of blocking the open).
// The destination is created exclusively ("wx"), so nothing existing is
// overwritten, then synced before the caller verifies and renames it.
import { constants } from "node:fs";
import { lstat, open, type FileHandle } from "node:fs/promises";
import { UnsafePathError } from "../errors.ts";

/** Rewrites one line (without its "\n"); returns undefined to keep it as is. */
export type LineFilter = (line: Uint8Array) => Uint8Array | undefined;

const CHUNK = 1 << 20;
const NEWLINE = 0x0a;
/** Read-only, never through a symlink, never blocking on a FIFO (0 where the platform lacks a flag). */
export const READ_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/** Opens a staged file for reading without following a symlink; refuses anything but a regular file. */
export async function openRegularFile(path: string, shownAs: string): Promise<FileHandle> {
  // Checked before opening too, for platforms without O_NOFOLLOW (Windows).
  if ((await lstat(path)).isSymbolicLink()) throw new UnsafePathError(`Refusing to install ${shownAs}: it is a symbolic link.`);
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

/** Buffers small writes into ~1 MiB writes. */
class Output {
  private parts: Uint8Array[] = [];
  private pending = 0;
  written = 0;
  constructor(private readonly handle: FileHandle) {}

  async push(bytes: Uint8Array): Promise<void> {
    if (bytes.length === 0) return;
    this.parts.push(bytes);
    this.pending += bytes.length;
    if (this.pending >= CHUNK) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.pending === 0) return;
    const joined = this.parts.length === 1 ? this.parts[0]! : concat(this.parts, this.pending);
    let offset = 0;
    while (offset < joined.length) {
      const { bytesWritten } = await this.handle.write(joined, offset, joined.length - offset);
      offset += bytesWritten;
    }
    this.written += joined.length;
    this.parts = [];
    this.pending = 0;
  }
}

function concat(parts: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * Copies `from` to a new file `to` (mode 0600, mtime `mtime`), passing each line
 * through `filter` when given. Line terminators and a missing final newline are
 * kept exactly. Returns the number of bytes written.
 */
export async function copyFile(o: { from: string; to: string; shownAs: string; mtime: Date; filter?: LineFilter }): Promise<number> {
  const input = await openRegularFile(o.from, o.shownAs);
  let output: FileHandle | undefined;
  try {
    output = await open(o.to, "wx", 0o600);
    const out = new Output(output);
    const buffer = new Uint8Array(CHUNK);
    // Pieces of a line that spans chunk boundaries.
    let carry: Uint8Array[] = [];
    let carried = 0;
    for (;;) {
      const { bytesRead } = await input.read(buffer, 0, CHUNK, null);
      if (bytesRead === 0) break;
      // The buffer is reused, so keep copies of anything held past this chunk.
      const chunk = buffer.slice(0, bytesRead);
      if (!o.filter) {
        await out.push(chunk);
        continue;
      }
      let start = 0;
      for (let nl = chunk.indexOf(NEWLINE); nl >= 0; nl = chunk.indexOf(NEWLINE, start)) {
        let line: Uint8Array = chunk.subarray(start, nl);
        if (carried > 0) {
          line = concat([...carry, line], carried + line.length);
          carry = [];
          carried = 0;
        }
        await out.push(o.filter(line) ?? line);
        await out.push(chunk.subarray(nl, nl + 1));
        start = nl + 1;
      }
      if (start < chunk.length) {
        carry.push(chunk.subarray(start));
        carried += chunk.length - start;
      }
    }
    if (carried > 0) {
      // The last line has no newline (or is torn): still offered to the filter,
      // which leaves anything that does not parse unchanged.
      const line = concat(carry, carried);
      await out.push(o.filter?.(line) ?? line);
    }
    await out.flush();
    // Explicit, because the umask may have narrowed the creation mode and an
    // existing umask never widens it; then mtime last, after every write.
    await output.chmod(0o600);
    await output.utimes(o.mtime, o.mtime);
    await output.sync();
    return out.written;
  } finally {
    await input.close();
    await output?.close();
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
      for (let i = 0; i < ra.bytesRead; i++) if (x[i] !== y[i]) return false;
    }
  } catch {
    return false;
  } finally {
    await left?.close();
    await right?.close();
  }
}
