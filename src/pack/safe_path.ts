// Which relative paths a peer may make the receiver write (PROTOCOL.md §4,
// DESIGN.md §5). Everything is refused unless it has exactly the shape of a
// session's files (SESSIONS-FORMAT.md "Where"):
//   <id>.jsonl                                   the transcript
//   agent-<x>.jsonl                              2.0.x sibling subagents (no meta.json
//                                                beside them: that came with 2.1.2's folders)
//   <id>/subagents/agent-<x>.jsonl               2.1.2+, and tool-results/, session-memory/ ...
//   <id>/subagents/workflows/wf_<x>/agent-<y>.jsonl   five components: PROTOCOL.md §4
//                                                says at most 4, but 2.1.2+ workflows need 5.
import { UnsafePathError } from "../errors.ts";
import { AGENT_FILE, isSessionId } from "../catalog/paths.ts";

export const MAX_PATH_COMPONENTS = 5;
const MAX_COMPONENT = 255;
const SAFE_NAME = /^[A-Za-z0-9._-]+$/;
// Names Windows maps to devices whatever their extension.
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9]|lpt[0-9]|conin\$|conout\$)(\..*)?$/i;

/** Printable ASCII only: the path is the peer's text and ends up on a terminal. */
function shown(path: string): string {
  return JSON.stringify(path.slice(0, 200).replace(/[^\x20-\x7e]/g, "?"));
}

function unsafe(path: string, why: string): UnsafePathError {
  return new UnsafePathError(`The sharer sent an unsafe file path ${shown(path)} (${why})`);
}

/** A session id as a peer must send it: a lowercase UUID. */
export function checkSessionId(id: string): void {
  if (!isSessionId(id)) throw new UnsafePathError(`The sharer sent a malformed session id ${shown(id)}`);
}

/**
 * Throws UnsafePathError unless `path` is a safe relative path belonging to
 * `session` (already checked with checkSessionId). Returns its components.
 */
export function checkSessionPath(path: string, session: string): string[] {
  if (path.length === 0) throw unsafe(path, "empty");
  if (path.includes("\0")) throw unsafe(path, "contains NUL");
  if (path.includes("\\")) throw unsafe(path, "contains a backslash");
  if (path.startsWith("/")) throw unsafe(path, "absolute");
  if (/^[A-Za-z]:/.test(path)) throw unsafe(path, "has a drive letter");
  const parts = path.split("/");
  if (parts.length > MAX_PATH_COMPONENTS) throw unsafe(path, `more than ${MAX_PATH_COMPONENTS} components`);
  for (const part of parts) {
    if (part === "") throw unsafe(path, "has an empty component");
    if (part === "." || part === "..") throw unsafe(path, `has a "${part}" component`);
    if (part.length > MAX_COMPONENT) throw unsafe(path, "has a component over 255 characters");
    if (!SAFE_NAME.test(part)) throw unsafe(path, "has a character outside A-Z a-z 0-9 . _ -");
    if (part.endsWith(".")) throw unsafe(path, "has a component ending in a dot");
    if (WINDOWS_DEVICE.test(part)) throw unsafe(path, "names a Windows device");
  }
  const first = parts[0]!;
  if (parts.length === 1) {
    // The installer's own shapes (install/prepare.ts), so nothing it would refuse is received.
    if (first === `${session}.jsonl` || AGENT_FILE.test(first)) return parts;
    throw unsafe(path, `not a file of session ${session}`);
  }
  if (first !== session) throw unsafe(path, `not under the folder of session ${session}`);
  return parts;
}
