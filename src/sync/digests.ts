// SHA-256 of files on this machine: whole, or of their first n bytes. They say
// whether an arriving file is one already here, and whether one side's file
// continues the other's (docs/PROTOCOL.md §8). Whole-file digests are kept
// between runs, keyed by path, size, mtime and ctime like the catalog's cache
// (catalog/cache.ts), so that asking about a thousand unchanged sessions reads
// none of them.
import { Buffer } from "node:buffer";
import { constants, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { open } from "node:fs/promises";
import { join } from "node:path";
import { cacheDir } from "../catalog/paths.ts";
import { StreamHash } from "../pack/sha256.ts";

/**
 * Read-only, never through a symlink, never blocking on a FIFO (0 where the
 * platform lacks a flag): what is read here may have been put there by anyone.
 */
export const READ_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

const CHUNK = 1 << 20;

/** SHA-256 of the first `length` bytes of a file (all of it when omitted); undefined if it is shorter or cannot be read. */
export async function prefixDigest(path: string, length?: number): Promise<Uint8Array | undefined> {
  const hash = new StreamHash();
  try {
    const handle = await open(path, READ_FLAGS);
    try {
      const want = length ?? (await handle.stat()).size;
      const buffer = new Uint8Array(Math.min(CHUNK, Math.max(want, 1)));
      for (let done = 0; done < want; ) {
        const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, want - done), done);
        if (bytesRead === 0) {
          hash.dispose();
          return undefined;
        }
        hash.update(buffer.subarray(0, bytesRead));
        done += bytesRead;
      }
      return await hash.digest();
    } finally {
      await handle.close();
    }
  } catch {
    hash.dispose();
    return undefined;
  }
}

/**
 * SHA-256 of a file's first n bytes for growing n, in one pass: asking for a
 * shorter prefix first and then the whole file reads each byte once (a sharer
 * checks the receiver's part, then says what its whole file is).
 */
export class PrefixHasher {
  private hash = createHash("sha256");
  private at = 0;

  constructor(private readonly path: string) {}

  async digestAt(n: number): Promise<Uint8Array | undefined> {
    if (n < this.at) {
      this.hash = createHash("sha256");
      this.at = 0;
    }
    try {
      const handle = await open(this.path, READ_FLAGS);
      try {
        const buffer = new Uint8Array(Math.min(CHUNK, Math.max(n - this.at, 1)));
        while (this.at < n) {
          const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, n - this.at), this.at);
          if (bytesRead === 0) return undefined;
          this.hash.update(buffer.subarray(0, bytesRead));
          this.at += bytesRead;
        }
      } finally {
        await handle.close();
      }
    } catch {
      return undefined;
    }
    return new Uint8Array(this.hash.copy().digest());
  }
}

/** SHA-256 of a whole file, or undefined if it cannot be read (then nothing matches it). */
export function fileDigest(path: string): Promise<Uint8Array | undefined> {
  return prefixDigest(path);
}

/** Whether two files hold the same bytes (false if either cannot be read). */
export async function sameContent(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([fileDigest(a), fileDigest(b)]);
  return x !== undefined && y !== undefined && Buffer.compare(x, y) === 0;
}

type Row = [size: number, mtimeMs: number, ctimeMs: number, sha256: string];
const FORMAT = 1;

/** Whole-file digests, remembered in ccshare's cache dir (safe to delete: it only costs reading again). */
export class DigestCache {
  private dirty = false;

  private constructor(
    private readonly file: string,
    private readonly rows: Map<string, Row>,
  ) {}

  static open(env: Record<string, string | undefined> = process.env): DigestCache {
    const file = join(cacheDir(env), "digests.json");
    let rows = new Map<string, Row>();
    try {
      const data = JSON.parse(readFileSync(file, "utf8"));
      if (data?.format === FORMAT && data.files && typeof data.files === "object") rows = new Map(Object.entries(data.files as Record<string, Row>));
    } catch {
      // none yet, or damaged: digests are computed again
    }
    return new DigestCache(file, rows);
  }

  /** The file's size and SHA-256 if remembered for the file as it is now (nothing is read). */
  known(path: string): { size: number; sha256: Uint8Array; mtimeMs: number } | undefined {
    const info = statSync(path, { throwIfNoEntry: false });
    const row = info?.isFile() ? this.rows.get(path) : undefined;
    if (!info || !Array.isArray(row) || row[0] !== info.size || row[1] !== info.mtimeMs || row[2] !== info.ctimeMs || typeof row[3] !== "string" || row[3].length !== 64) return undefined;
    return { size: info.size, sha256: new Uint8Array(Buffer.from(row[3], "hex")), mtimeMs: info.mtimeMs };
  }

  /** The file's size and SHA-256 now; undefined if it is not a readable regular file. */
  async state(path: string): Promise<{ size: number; sha256: Uint8Array; mtimeMs: number } | undefined> {
    const remembered = this.known(path);
    if (remembered) return remembered;
    // Sync: a thousand sessions held are a thousand stats, and Bun's async stat costs ten times more.
    const info = statSync(path, { throwIfNoEntry: false });
    if (!info?.isFile()) return undefined;
    const sha256 = await prefixDigest(path, info.size);
    if (!sha256) return undefined;
    this.rows.set(path, [info.size, info.mtimeMs, info.ctimeMs, Buffer.from(sha256).toString("hex")]);
    this.dirty = true;
    return { size: info.size, sha256, mtimeMs: info.mtimeMs };
  }

  /**
   * Notes a digest computed elsewhere (a file just sent whole): kept only if
   * the file is still the `size` it was hashed at.
   */
  remember(path: string, size: number, sha256: Uint8Array): void {
    const info = statSync(path, { throwIfNoEntry: false });
    if (!info?.isFile() || info.size !== size) return;
    this.rows.set(path, [info.size, info.mtimeMs, info.ctimeMs, Buffer.from(sha256).toString("hex")]);
    this.dirty = true;
  }

  /** Writes what was learned (never throws: a cache that cannot be written only costs speed). */
  save(): void {
    if (!this.dirty) return;
    const temp = `${this.file}.${process.pid}.tmp`;
    try {
      mkdirSync(join(this.file, ".."), { recursive: true, mode: 0o700 });
      writeFileSync(temp, JSON.stringify({ format: FORMAT, files: Object.fromEntries(this.rows) }), { mode: 0o600 });
      renameSync(temp, this.file);
      this.dirty = false;
    } catch {
      rmSync(temp, { force: true });
    }
  }
}
