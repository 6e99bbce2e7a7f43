// A file's SHA-256, for telling whether an arriving session or agent file is
// one already installed (session_plan.ts, prepare.ts).
import { Buffer } from "node:buffer";
import { constants } from "node:fs";
import { open } from "node:fs/promises";
import { StreamHash } from "../pack/sha256.ts";

/**
 * Read-only, never through a symlink, never blocking on a FIFO (0 where the
 * platform lacks a flag): what is read here may have been put there by anyone.
 */
export const READ_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/** SHA-256 of a file, or undefined if it cannot be read (then nothing matches it). */
export async function fileDigest(path: string): Promise<Uint8Array | undefined> {
  const hash = new StreamHash();
  try {
    const handle = await open(path, READ_FLAGS);
    try {
      const buffer = new Uint8Array(1 << 20);
      for (;;) {
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
        if (bytesRead === 0) return await hash.digest();
        hash.update(buffer.subarray(0, bytesRead));
      }
    } finally {
      await handle.close();
    }
  } catch {
    hash.dispose();
    return undefined;
  }
}

/** Whether two files hold the same bytes (false if either cannot be read). */
export async function sameContent(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([fileDigest(a), fileDigest(b)]);
  return x !== undefined && y !== undefined && Buffer.compare(x, y) === 0;
}
