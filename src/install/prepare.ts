// Readying one arrived session to be placed (SESSIONS-FORMAT.md "Resume, and
// what an install must do", steps 3 and 6). Its files are already in the
// installation's incoming dir, received and verified by the Unpacker and
// edited on the way in (session_plan.ts): here they are checked to be plain
// files, made private, given their times (times.ts), and renamed to the id
// they are installed under; an update's files are completed (update.ts).
// What each file came from is noted for the lineage the commit records.
// Nothing here touches the project folder itself; placing is commit.ts's job.
import { randomUUID } from "node:crypto";
import { chmod, lstat, open, readdir, rename, rm, utimes } from "node:fs/promises";
import { join } from "node:path";
import { ProtocolError, UnsafePathError } from "../errors.ts";
import type { FileState } from "../pack/records.ts";
import { prefixDigest, sameContent } from "../sync/digests.ts";
import type { FileLineage, SessionLineage } from "../sync/lineage.ts";
import { exists } from "./place.ts";
import type { SessionPlan } from "./session_plan.ts";
import { checkStagedSession, type StagedFile, type StagedSession } from "./staged.ts";
import { installedTime } from "./times.ts";
import { completeUpdate, type Replacement } from "./update.ts";

export interface PreparedSession {
  id: string;
  /** The id it is installed under (`id` unless that was taken by a different session). */
  finalId: string;
  /** The dir its files are placed from. */
  stage: string;
  /** Legacy agent file names to place (in `stage` and in the project folder alike). */
  agents: string[];
  hasSessionFolder: boolean;
  /** For an update: the local files its new versions replace, and the files it adds. */
  update?: { replaces: Replacement[]; adds: string[] };
  /** What to record of where each installed file came from. */
  lineage: SessionLineage;
}

export interface PrepareContext {
  folder: string;
  now: Date;
}

export async function prepareSession(session: StagedSession, plan: SessionPlan, ctx: PrepareContext): Promise<PreparedSession> {
  const files = checkStagedSession(session, { needsTranscript: plan.kind !== "update" });
  const { id, finalId, dir } = session;
  const lineage: SessionLineage = new Map(plan.held?.lineage ?? []);
  const times = new Map<string, Date>();
  for (const file of files) {
    await checkPlain(session, file);
    times.set(file.path, installedTime(file.arrived.mtime, ctx.now));
  }
  let update: PreparedSession["update"];
  if (plan.kind === "update") {
    update = await completeUpdate(session, files, plan.held!, plan.writtenDigest, async (file, installed) => {
      lineage.set(file.path, await lineageOf(file, installed, times.get(file.path)!));
    });
  } else {
    for (const file of files) {
      const installed = (await plan.writtenDigest(file.path)) ?? file.arrived.sent.sha256;
      const size = (await lstat(join(dir, ...file.path.split("/")))).size;
      lineage.set(renamed(file.path, id, finalId), await lineageOf(file, { size, sha256: installed }, times.get(file.path)!));
    }
  }
  for (const file of files) {
    const path = join(dir, ...file.path.split("/"));
    await chmod(path, 0o600);
    const time = times.get(file.path)!;
    await utimes(path, time, time);
  }
  const hasSessionFolder = files.some((f) => f.kind === "session-folder");
  if (finalId !== id) {
    // Step 3: the lines already carry the new id; the names follow.
    await rename(join(dir, `${id}.jsonl`), join(dir, `${finalId}.jsonl`));
    if (hasSessionFolder) await rename(join(dir, id), join(dir, finalId));
    const transcript = join(dir, `${finalId}.jsonl`);
    await titleAsFork(transcript, finalId, id, plan.title);
    const time = times.get(`${id}.jsonl`)!;
    await utimes(transcript, time, time);
    const sha256 = await prefixDigest(transcript);
    if (sha256) lineage.set(`${finalId}.jsonl`, { ...lineage.get(`${finalId}.jsonl`)!, installed: { size: (await lstat(transcript)).size, sha256 } });
  }
  const agents: string[] = [];
  for (const file of files.filter((f) => f.kind === "legacy-agent")) {
    const name = await legacyAgentName(file.path, dir, ctx.folder);
    lineage.delete(file.path);
    if (name === undefined) await rm(join(dir, file.path));
    else {
      if (name !== file.path) await rename(join(dir, file.path), join(dir, name));
      agents.push(name);
    }
  }
  if (hasSessionFolder && !update) await freshenFolders(join(dir, finalId), ctx.now);
  return { id, finalId, stage: dir, agents, hasSessionFolder, lineage, ...(update ? { update } : {}) };
}

function renamed(path: string, id: string, finalId: string): string {
  return path === `${id}.jsonl` ? `${finalId}.jsonl` : path.startsWith(`${id}/`) ? finalId + path.slice(id.length) : path;
}

/** The sender's whole file this one came from, and what it was installed as. */
async function lineageOf(file: StagedFile, installed: FileState, time: Date): Promise<FileLineage> {
  const { from, whole, sent } = file.arrived;
  if (from > 0 && !whole) throw new ProtocolError(`The sharer sent the rest of ${JSON.stringify(file.path)} without saying what its whole file is`, { refused: true });
  return { origin: from > 0 ? whole! : sent, installed, mtimeMs: time.getTime() };
}

/**
 * A fork says so in its title (issue 12 §3: both sides continued it, and
 * nothing is overwritten silently): a `custom-title` line, the way Claude
 * Code's /rename records one, so its picker and `ccshare list` show it.
 */
async function titleAsFork(transcript: string, finalId: string, id: string, title: string | undefined): Promise<void> {
  const handle = await open(transcript, "r+");
  try {
    const { size } = await handle.stat();
    const last = new Uint8Array(1);
    if (size > 0) await handle.read(last, 0, 1, size - 1);
    const named = `${(title ?? "").trim() || "Session"} (fork of ${id.slice(0, 8)})`;
    const line = `${size > 0 && last[0] !== 0x0a ? "\n" : ""}${JSON.stringify({ type: "custom-title", customTitle: named, sessionId: finalId })}\n`;
    await handle.write(line, size);
  } finally {
    await handle.close();
  }
}

/** Removes an arrived session's files that will not be installed (it is already there). */
export async function discardSession(session: StagedSession): Promise<void> {
  for (const file of session.files) await rm(join(session.dir, ...file.path.split("/")), { force: true });
  await rm(join(session.dir, session.id), { recursive: true, force: true });
}

/**
 * One arrived file is a regular file, and every directory on the way a plain
 * folder: `<id>/` must not be a link out of the stage.
 */
async function checkPlain(session: StagedSession, file: StagedFile): Promise<void> {
  const shownAs = `${file.path} of session ${session.id}`;
  const segments = file.path.split("/");
  for (let i = 1; i < segments.length; i++) {
    const info = await lstat(join(session.dir, ...segments.slice(0, i)));
    if (!info.isDirectory() || info.isSymbolicLink()) throw new UnsafePathError(`Refusing to install ${shownAs}: ${segments.slice(0, i).join("/")} is not a plain folder`);
  }
  const info = await lstat(join(session.dir, ...segments));
  if (info.isSymbolicLink()) throw new UnsafePathError(`Refusing to install ${shownAs}: it is a symbolic link`);
  if (!info.isFile()) throw new UnsafePathError(`Refusing to install ${shownAs}: it is not a regular file`);
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
