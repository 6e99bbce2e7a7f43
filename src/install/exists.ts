import { lstat } from "node:fs/promises";

/** Whether anything (even a dangling symlink) is at `path`: the installer never overwrites one. */
export async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}
