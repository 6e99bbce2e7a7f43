// Whether anything is at a path, and putting a staged file where nothing is
// (SESSIONS-FORMAT.md "Resume, and what an install must do", step 6).
//
// Files are placed with link() + unlink(), not rename(): rename() silently
// replaces an existing file, link() fails with EEXIST, so a session that
// appeared since it was prepared is never overwritten.
import { link, lstat, rename, unlink } from "node:fs/promises";
import { CcshareError } from "../errors.ts";

/** Whether anything (even a dangling symlink) is at `path`: the installer never overwrites one. */
export async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

export function taken(path: string): CcshareError {
  return new CcshareError(`${path} appeared while installing; it was left as it is and this session was not installed.`);
}

/** Moves one staged file to `to` without ever replacing an existing file. */
export async function placeFile(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "EEXIST") throw taken(to);
    // File systems without hard links: check, then rename (a narrow race, not a silent overwrite of anything seen).
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EOPNOTSUPP" && code !== "ENOSYS") throw error;
    if (await exists(to)) throw taken(to);
    await rename(from, to);
    return;
  }
  await unlink(from);
}
