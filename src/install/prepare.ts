// Readying one arrived session to be placed (SESSIONS-FORMAT.md "Resume, and
// what an install must do", steps 3 and 6). Its files are already in the
// installation's incoming dir, received and verified by the Unpacker and
// edited on the way in (session_plan.ts): here their names are classified once
// more (this is the last gate before ~/.claude, and a bad name must not become
// a path outside the project folder), and they are checked to be plain files,
// made private, given their times, and renamed to the id they are installed
// under. Nothing here touches the project folder itself; placing is commit.ts's job.
import { randomUUID } from "node:crypto";
import { chmod, lstat, readdir, rename, rm, utimes } from "node:fs/promises";
import { join } from "node:path";
import { UnsafePathError } from "../errors.ts";
import { exists } from "./exists.ts";
import { sameContent } from "./file_digest.ts";
import { AGENT_FILE, isSessionId } from "../catalog/paths.ts";

export interface StagedSession {
  id: string;
  /** The id to install it under (install/session_plan.ts). */
  finalId: string;
  /** The dir holding its files at their relative paths (shared by the sessions of one transfer). */
  dir: string;
  /** Relative paths as sent: "<id>.jsonl", "<id>/subagents/agent-x.jsonl", "<id>/tool-results/x.txt", legacy "agent-x.jsonl". */
  files: string[];
}

/** How a staged file is placed: the transcript, something under `<id>/`, or a legacy 2.0.x sibling agent file. */
type FileKind = "transcript" | "session-folder" | "legacy-agent";

interface StagedFile {
  /** Relative path as staged. */
  path: string;
  kind: FileKind;
}

const SEGMENT = /^[^\0/\\]+$/;

function unsafe(id: string, path: string, why: string): UnsafePathError {
  return new UnsafePathError(`Refusing to install session ${id}: the file name ${JSON.stringify(path)} ${why}`);
}

/** The files of a staged session, classified; throws UnsafePathError for any name that is not one of the shapes above. */
function checkStagedSession(session: StagedSession): StagedFile[] {
  const id = session.id;
  if (!isSessionId(id) || !isSessionId(session.finalId)) throw new UnsafePathError(`Refusing to install a session whose id ${JSON.stringify(id)} is not a session id`);
  const files: StagedFile[] = [];
  for (const path of new Set(session.files)) {
    const segments = path.split("/");
    if (!segments.every((s) => SEGMENT.test(s) && s !== "." && s !== "..")) throw unsafe(id, path, "is not a plain relative path");
    if (path === `${id}.jsonl`) files.push({ path, kind: "transcript" });
    else if (segments.length > 1 && segments[0] === id) files.push({ path, kind: "session-folder" });
    else if (segments.length === 1 && AGENT_FILE.test(path)) files.push({ path, kind: "legacy-agent" });
    else throw unsafe(id, path, "does not belong to this session");
  }
  if (!files.some((f) => f.kind === "transcript")) throw new UnsafePathError(`Refusing to install session ${id}: its transcript ${id}.jsonl is missing`);
  return files;
}

export interface PreparedSession {
  id: string;
  /** The id it is installed under (`id` unless that was taken by a different session). */
  finalId: string;
  /** The dir its files are placed from. */
  stage: string;
  /** Legacy agent file names to place (in `stage` and in the project folder alike). */
  agents: string[];
  hasSessionFolder: boolean;
}

export interface PrepareContext {
  folder: string;
  now: Date;
}

export async function prepareSession(session: StagedSession, ctx: PrepareContext): Promise<PreparedSession> {
  const files = checkStagedSession(session);
  const { id, finalId, dir } = session;
  for (const file of files) await settleFile(session, file, ctx.now);
  const hasSessionFolder = files.some((f) => f.kind === "session-folder");
  if (finalId !== id) {
    // Step 3: the lines already carry the new id; the names follow.
    await rename(join(dir, `${id}.jsonl`), join(dir, `${finalId}.jsonl`));
    if (hasSessionFolder) await rename(join(dir, id), join(dir, finalId));
  }
  const agents: string[] = [];
  for (const file of files.filter((f) => f.kind === "legacy-agent")) {
    const name = await legacyAgentName(file.path, dir, ctx.folder);
    if (name === undefined) await rm(join(dir, file.path));
    else {
      if (name !== file.path) await rename(join(dir, file.path), join(dir, name));
      agents.push(name);
    }
  }
  if (hasSessionFolder) await freshenFolders(join(dir, finalId), ctx.now);
  return { id, finalId, stage: dir, agents, hasSessionFolder };
}

/** Removes an arrived session's files that will not be installed (it is already there). */
export async function discardSession(session: StagedSession): Promise<void> {
  for (const file of checkStagedSession(session)) await rm(join(session.dir, ...file.path.split("/")), { force: true });
  await rm(join(session.dir, session.id), { recursive: true, force: true });
}

/**
 * One arrived file, readied to be placed as it is: a regular file (every
 * directory on the way a plain folder, so `<id>/` cannot be a link out of the
 * stage), mode 0600 whatever the umask did, mtime `now`.
 */
async function settleFile(session: StagedSession, file: StagedFile, now: Date): Promise<void> {
  const shownAs = `${file.path} of session ${session.id}`;
  const segments = file.path.split("/");
  for (let i = 1; i < segments.length; i++) {
    const info = await lstat(join(session.dir, ...segments.slice(0, i)));
    if (!info.isDirectory() || info.isSymbolicLink()) throw new UnsafePathError(`Refusing to install ${shownAs}: ${segments.slice(0, i).join("/")} is not a plain folder`);
  }
  const path = join(session.dir, ...segments);
  const info = await lstat(path);
  if (info.isSymbolicLink()) throw new UnsafePathError(`Refusing to install ${shownAs}: it is a symbolic link`);
  if (!info.isFile()) throw new UnsafePathError(`Refusing to install ${shownAs}: it is not a regular file`);
  await chmod(path, 0o600);
  await utimes(path, now, now);
}

/**
 * A legacy `agent-<id>.jsonl` lives beside every other session's, so its name
 * can be taken: identical content -> already there (undefined), different -> a
 * fresh name (the agent's lines still carry their agentId and sessionId, which
 * is what links them to the session; the name is only a container).
 */
async function legacyAgentName(name: string, stage: string, folder: string): Promise<string | undefined> {
  if (!(await exists(join(folder, name)))) return name;
  if (await sameContent(join(stage, name), join(folder, name))) return undefined;
  let fresh: string;
  // Not in the stage either: received sessions share theirs, and rename() would replace another's file.
  do fresh = `${name.slice(0, -".jsonl".length)}-${randomUUID().slice(0, 8)}.jsonl`;
  while ((await exists(join(folder, fresh))) || (await exists(join(stage, fresh))));
  return fresh;
}

/** Folders 0700 (whatever the umask did) with mtime `now`, deepest first so a parent's stays put. */
async function freshenFolders(root: string, now: Date): Promise<void> {
  for (const entry of await readdir(root, { withFileTypes: true })) {
    if (entry.isDirectory()) await freshenFolders(join(root, entry.name), now);
  }
  await chmod(root, 0o700);
  await utimes(root, now, now);
}
