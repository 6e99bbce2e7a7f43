// Placing a prepared session into the project folder (SESSIONS-FORMAT.md
// "Resume, and what an install must do", step 6, "rename into place").
//
// Files are placed with link() + unlink(), not rename(): rename() silently
// replaces an existing file, link() fails with EEXIST, so a session that
// appeared since it was prepared is never overwritten. The transcript goes last:
// Claude Code sees a session only once `<id>.jsonl` exists, so a crash before
// that leaves no half session, only helpers that the rollback removes.
import { rename, rm } from "node:fs/promises";
import { join } from "node:path";
import type { PreparedSession } from "./prepare.ts";
import { exists, placeFile, taken } from "./place.ts";

/**
 * Places legacy agent files, then the `<id>/` folder, then the transcript.
 * On any failure removes what it placed and rethrows: the session is either
 * fully installed or not at all. Returns the transcript's path.
 */
export async function commitSession(session: PreparedSession, folder: string): Promise<string> {
  const placed: string[] = [];
  try {
    for (const name of session.agents) {
      await placeFile(join(session.stage, name), join(folder, name));
      placed.push(join(folder, name));
    }
    if (session.hasSessionFolder) {
      const to = join(folder, session.finalId);
      // rename() onto a non-empty folder fails; checking first keeps it from replacing even an empty one.
      if (await exists(to)) throw taken(to);
      await rename(join(session.stage, session.finalId), to);
      placed.push(to);
    }
    const transcript = join(folder, `${session.finalId}.jsonl`);
    await placeFile(join(session.stage, `${session.finalId}.jsonl`), transcript);
    return transcript;
  } catch (error) {
    for (const path of placed.reverse()) await rm(path, { recursive: true, force: true });
    throw error;
  }
}
