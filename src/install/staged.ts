// What the installer is handed: one session's files, received and verified by
// the Unpacker into the installation's incoming dir, at their paths relative to
// the project folder (PROTOCOL.md §4, SESSIONS-FORMAT.md "Where"). Their names
// are classified once more before anything is placed: this is the last gate
// before ~/.claude, and a bad name must not become a path outside the project
// folder.
import { AGENT_FILE, isSessionId } from "../catalog/paths.ts";
import { UnsafePathError } from "../errors.ts";
import type { FileState } from "../pack/records.ts";

/** One file as it arrived. */
export interface ArrivedFile {
  /** Relative path as sent: "<id>.jsonl", "<id>/subagents/agent-x.jsonl", "<id>/tool-results/x.txt", legacy "agent-x.jsonl". */
  path: string;
  /** The bytes sent (all of the file, or its rest from `from`) and their SHA-256. */
  sent: FileState;
  /** Where the sent bytes continue this machine's copy; 0 for a whole file. */
  from: number;
  /** The sender's whole file, when only its rest was sent. */
  whole?: FileState;
  /** The sender's mtime (ms). */
  mtime?: number;
}

export interface StagedSession {
  id: string;
  /** The id to install it under (install/session_plan.ts). */
  finalId: string;
  /** The dir holding its files at their relative paths (shared by the sessions of one transfer). */
  dir: string;
  files: ArrivedFile[];
}

/** How a staged file is placed: the transcript, something under `<id>/`, or a legacy 2.0.x sibling agent file. */
export type FileKind = "transcript" | "session-folder" | "legacy-agent";

export interface StagedFile {
  /** Relative path as staged. */
  path: string;
  kind: FileKind;
  arrived: ArrivedFile;
}

const SEGMENT = /^[^\0/\\]+$/;

function unsafe(id: string, path: string, why: string): UnsafePathError {
  return new UnsafePathError(`Refusing to install session ${id}: the file name ${JSON.stringify(path)} ${why}`);
}

/** The files of a staged session, classified; throws UnsafePathError for any name that is not one of the shapes above. */
export function checkStagedSession(session: StagedSession, o: { needsTranscript: boolean }): StagedFile[] {
  const id = session.id;
  if (!isSessionId(id) || !isSessionId(session.finalId)) throw new UnsafePathError(`Refusing to install a session whose id ${JSON.stringify(id)} is not a session id`);
  const files: StagedFile[] = [];
  for (const arrived of session.files) {
    const path = arrived.path;
    const segments = path.split("/");
    if (!segments.every((s) => SEGMENT.test(s) && s !== "." && s !== "..")) throw unsafe(id, path, "is not a plain relative path");
    if (path === `${id}.jsonl`) files.push({ path, kind: "transcript", arrived });
    else if (segments.length > 1 && segments[0] === id) files.push({ path, kind: "session-folder", arrived });
    else if (segments.length === 1 && AGENT_FILE.test(path)) files.push({ path, kind: "legacy-agent", arrived });
    else throw unsafe(id, path, "does not belong to this session");
  }
  if (o.needsTranscript && !files.some((f) => f.kind === "transcript")) throw new UnsafePathError(`Refusing to install session ${id}: its transcript ${id}.jsonl is missing`);
  return files;
}
