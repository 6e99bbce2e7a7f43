// What the installer is handed: one session's files, already received and
// verified, sitting in a staging dir at their paths relative to the project
// folder (PROTOCOL.md §4, SESSIONS-FORMAT.md "Where"). The installer checks the
// names again before it writes anything: it is the last gate before
// ~/.claude, and a bad name must not become a path outside the project folder.
import { AGENT_FILE, isSessionId } from "../catalog/paths.ts";
import { UnsafePathError } from "../errors.ts";

export interface StagedSession {
  id: string;
  /** The cwd recorded at the source (the session's project root there). */
  project: string;
  /** A staging dir holding the session's files at their relative paths. */
  dir: string;
  /** Relative paths: "<id>.jsonl", "<id>/subagents/agent-x.jsonl", "<id>/tool-results/x.txt", legacy "agent-x.jsonl". */
  files: string[];
  /**
   * Set when the files were written through Installation.lineFilterFor() of the
   * installation they are prepared by (the cwd already moved), into its
   * incomingDir: they are then placed from there as they are, not copied.
   */
  edited?: boolean;
}

/** How a staged file is placed: the transcript, something under `<id>/`, or a legacy 2.0.x sibling agent file. */
export type FileKind = "transcript" | "session-folder" | "legacy-agent";

export interface StagedFile {
  /** Relative path as staged. */
  path: string;
  kind: FileKind;
}

const SEGMENT = /^[^\0/\\]+$/;

function unsafe(id: string, path: string, why: string): UnsafePathError {
  return new UnsafePathError(`Refusing to install session ${id}: the file name ${JSON.stringify(path)} ${why}.`);
}

/** The files of a staged session, classified; throws UnsafePathError for any name that is not one of the shapes above. */
export function checkStagedSession(session: StagedSession): StagedFile[] {
  const id = session.id;
  if (typeof id !== "string" || !isSessionId(id)) throw new UnsafePathError(`Refusing to install a session whose id ${JSON.stringify(id)} is not a session id.`);
  if (typeof session.project !== "string" || session.project === "") throw new UnsafePathError(`Refusing to install session ${id}: it records no project folder.`);
  if (typeof session.dir !== "string" || session.dir === "") throw new UnsafePathError(`Refusing to install session ${id}: it has no staging folder.`);
  const files: StagedFile[] = [];
  const seen = new Set<string>();
  for (const path of session.files) {
    if (typeof path !== "string" || seen.has(path)) continue;
    seen.add(path);
    const segments = path.split("/");
    if (!segments.every((s) => SEGMENT.test(s) && s !== "." && s !== "..")) throw unsafe(id, path, "is not a plain relative path");
    if (path === `${id}.jsonl`) files.push({ path, kind: "transcript" });
    else if (segments.length > 1 && segments[0] === id) files.push({ path, kind: "session-folder" });
    else if (segments.length === 1 && AGENT_FILE.test(path)) files.push({ path, kind: "legacy-agent" });
    else throw unsafe(id, path, "does not belong to this session");
  }
  if (!files.some((f) => f.kind === "transcript")) throw new UnsafePathError(`Refusing to install session ${id}: its transcript ${id}.jsonl is missing.`);
  return files;
}

/** The relative path a staged file gets when the session is installed as `finalId`. */
export function renamedPath(file: StagedFile, id: string, finalId: string): string {
  if (file.kind === "transcript") return `${finalId}.jsonl`;
  if (file.kind === "session-folder") return finalId + file.path.slice(id.length);
  return file.path;
}
