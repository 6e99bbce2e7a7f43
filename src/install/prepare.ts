// Preparing one session for install: decide its id, then write every file,
// rewritten, into the install's staging dir and verify it (SESSIONS-FORMAT.md
// "Resume, and what an install must do", steps 3-6). Nothing here touches the
// project folder itself; placing the prepared files is commit.ts's job.
//
// A session received through Installation.lineFilterFor() (StagedSession.edited)
// already has its cwd moved, and it arrived inside the installation's staging
// dir: it is installed from where it is, and only a session that must take a
// new id is copied, to rewrite that id.
import { randomUUID } from "node:crypto";
import { chmod, lstat, mkdir, readdir, rename, rm, utimes } from "node:fs/promises";
import { dirname, join } from "node:path";
import { UnsafePathError } from "../errors.ts";
import { cwdRewrite } from "./cwd_rewrite.ts";
import { exists } from "./exists.ts";
import { copyFile, sameContent } from "./file_copy.ts";
import type { LineFilter } from "./line_stream.ts";
import { lineEditor, type LineEdit } from "./line_edit.ts";
import { checkStagedSession, renamedPath, type StagedFile, type StagedSession } from "./staged_session.ts";

export interface PreparedSession {
  id: string;
  /** The id it is installed under (`id` unless that was taken by a different session). */
  finalId: string;
  /** This session's own dir inside the install's staging dir. */
  stage: string;
  /** Legacy agent file names to place (in `stage` and in the project folder alike). */
  agents: string[];
  hasSessionFolder: boolean;
}

export type Preparation = { prepared: PreparedSession } | { skipped: { id: string; reason: string } };

export interface PrepareContext {
  folder: string;
  staging: string;
  target: string;
  sourceProject?: string;
  now: Date;
  /** Ids this install already staged, with the staged transcript to compare against. */
  claimed: Map<string, string>;
}

/** An id is taken if its transcript or its `<id>/` folder is in the project folder, or this install staged it. */
async function isTaken(id: string, ctx: PrepareContext): Promise<boolean> {
  return ctx.claimed.has(id) || (await exists(join(ctx.folder, `${id}.jsonl`))) || (await exists(join(ctx.folder, id)));
}

export async function prepareSession(session: StagedSession, ctx: PrepareContext, n: number): Promise<Preparation> {
  const files = checkStagedSession(session);
  const id = session.id;
  const cwd = cwdRewrite(ctx.sourceProject ?? session.project, ctx.target);
  const stage = join(ctx.staging, String(n));

  let finalId = id;
  if (await isTaken(id, ctx)) {
    // Step 3: compare the rewritten transcript with what is there.
    const transcript = files.find((f) => f.kind === "transcript")!;
    const existing = ctx.claimed.get(id) ?? join(ctx.folder, `${id}.jsonl`);
    let same: boolean;
    if (session.edited) same = await sameContent(join(session.dir, transcript.path), existing);
    else {
      await mkdir(stage, { mode: 0o700 });
      const probe = join(stage, `${id}.jsonl`);
      await writeFile(session, transcript, probe, { cwd }, ctx.now);
      same = await sameContent(probe, existing);
      await rm(probe, { force: true });
    }
    if (same) return { skipped: { id, reason: ctx.claimed.has(id) ? "listed twice in this install" : "already installed (identical)" } };
    do finalId = randomUUID();
    while (await isTaken(finalId, ctx));
  }

  // An edited session keeping its id is installed from where it arrived; otherwise
  // it is copied into its own stage (for an edited one, a new id is the only edit left).
  const inPlace = session.edited === true && finalId === id;
  const dir = inPlace ? session.dir : stage;
  const edit: LineEdit = { cwd: session.edited ? keepCwd : cwd, ...(finalId !== id ? { sessionId: { from: id, to: finalId } } : {}) };
  if (!inPlace) await mkdir(stage, { recursive: true, mode: 0o700 });
  const written = new Map<string, number>();
  for (const file of files) {
    const relative = renamedPath(file, id, finalId);
    if (inPlace) {
      written.set(relative, await settleFile(session, file, ctx.now));
      continue;
    }
    const to = join(stage, relative);
    if (relative.includes("/")) await mkdir(dirname(to), { recursive: true, mode: 0o700 });
    written.set(relative, await writeFile(session, file, to, edit, ctx.now));
  }
  await verify(dir, written);
  const agents: string[] = [];
  for (const file of files.filter((f) => f.kind === "legacy-agent")) {
    const name = await legacyAgentName(file.path, dir, ctx.folder);
    if (name === undefined) await rm(join(dir, file.path));
    else {
      if (name !== file.path) await rename(join(dir, file.path), join(dir, name));
      agents.push(name);
    }
  }
  const hasSessionFolder = files.some((f) => f.kind === "session-folder");
  if (hasSessionFolder) await freshenFolders(join(dir, finalId), ctx.now);
  ctx.claimed.set(finalId, join(dir, `${finalId}.jsonl`));
  return { prepared: { id, finalId, stage: dir, agents, hasSessionFolder } };
}

const keepCwd = (): undefined => undefined;

/**
 * Copies one staged file to `to`; JSONL files get the line edits. Checks every
 * directory on the way for a symlink first: the final component is opened with
 * O_NOFOLLOW, but `<id>/` itself could be a link out of the staging dir.
 */
async function writeFile(session: StagedSession, file: StagedFile, to: string, edit: LineEdit, now: Date): Promise<number> {
  const from = await stagedPath(session, file);
  const filter: LineFilter | undefined = file.path.endsWith(".jsonl") ? lineEditor(edit) : undefined;
  return copyFile({ from, to, shownAs: `${file.path} of session ${session.id}`, mtime: now, filter });
}

/**
 * Readies one staged file, already edited, to be placed as it is: the same
 * checks as writeFile(), then what copyFile() would leave (0600, whatever the
 * umask did; mtime `now`). Returns its size.
 */
async function settleFile(session: StagedSession, file: StagedFile, now: Date): Promise<number> {
  const path = await stagedPath(session, file);
  const shownAs = `${file.path} of session ${session.id}`;
  const info = await lstat(path);
  if (info.isSymbolicLink()) throw new UnsafePathError(`Refusing to install ${shownAs}: it is a symbolic link.`);
  if (!info.isFile()) throw new UnsafePathError(`Refusing to install ${shownAs}: it is not a regular file.`);
  await chmod(path, 0o600);
  await utimes(path, now, now);
  return info.size;
}

/** A staged file's path, once every directory on the way is checked to be a plain folder. */
async function stagedPath(session: StagedSession, file: StagedFile): Promise<string> {
  const segments = file.path.split("/");
  for (let i = 1; i < segments.length; i++) {
    const dir = join(session.dir, ...segments.slice(0, i));
    const info = await lstat(dir);
    if (!info.isDirectory() || info.isSymbolicLink()) {
      throw new UnsafePathError(`Refusing to install ${file.path} of session ${session.id}: ${segments.slice(0, i).join("/")} is not a plain folder.`);
    }
  }
  return join(session.dir, ...segments);
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

/** Step 6, "verify": every file is where it was written, a regular 0600 file of the size written. */
async function verify(stage: string, written: Map<string, number>): Promise<void> {
  // Windows has no POSIX modes to check.
  const mode = process.platform === "win32" ? undefined : 0o600;
  for (const [relative, size] of written) {
    const info = await lstat(join(stage, relative));
    if (!info.isFile() || info.size !== size || (mode !== undefined && (info.mode & 0o777) !== mode)) {
      throw new Error(`staged ${relative} is ${info.size} bytes (mode ${(info.mode & 0o777).toString(8)}), expected ${size} bytes (mode 600)`);
    }
  }
}

/** Folders 0700 (whatever the umask did) with mtime `now`, deepest first so a parent's stays put. */
async function freshenFolders(root: string, now: Date): Promise<void> {
  for (const entry of await readdir(root, { withFileTypes: true })) {
    if (entry.isDirectory()) await freshenFolders(join(root, entry.name), now);
  }
  await chmod(root, 0o700);
  await utimes(root, now, now);
}
