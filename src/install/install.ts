// install(): received sessions -> the receiver's Claude Code store, so that
// `claude --resume <id>` works from the target directory. Follows
// SESSIONS-FORMAT.md "Resume, and what an install must do", steps 1-8:
//
//   resolveTarget -> projectFolder -> prepareSession (each: id, rewrite, stage,
//   verify) -> commitSession (each: link/rename into place) -> sessions-index
//
// All-or-nothing where it matters: every session is written and verified in a
// staging dir before any is placed, so a failure while writing (a full disk, a
// hostile file) installs nothing. Placing is per session and each is complete or
// rolled back; one that cannot be placed is reported in `skipped`.
//
// The staging dir is a dot-folder inside the project folder itself, not beside
// it in projects/: the project folder may be a symlink to another file system,
// and rename()/link() only work within one. Claude Code does not look into
// dot-folders of a project folder (it reads `<uuid>.jsonl` and `<uuid>/`).
import { chmod, mkdtemp, rm, rmdir } from "node:fs/promises";
import { basename, join } from "node:path";
import { fromFsError } from "../errors.ts";
import { commitSession } from "./commit.ts";
import { cwdRewrite } from "./cwd_rewrite.ts";
import type { LineFilter } from "./line_stream.ts";
import { lineEditor } from "./line_edit.ts";
import { prepareSession, type PreparedSession } from "./prepare.ts";
import { noteReceived } from "./received.ts";
import { projectFolder, resolveTarget } from "./project_folder.ts";
import { addToSessionIndex, hasSessionIndex, readSessionFacts, type SessionFacts, type SessionIndexEntry } from "./session_index.ts";
import { checkStagedSession, type StagedSession } from "./staged_session.ts";

export type { StagedSession } from "./staged_session.ts";
export { resumeCommand } from "./resume_command.ts";

export interface InstallResult {
  /** realpath of the directory the sessions were installed for (as the file system stores it). */
  target: string;
  /** Absolute project folder under <config>/projects/. */
  folder: string;
  /** `newId` is set when the id was taken by a different session; `path` is the installed transcript. */
  installed: { id: string; newId?: string; path: string }[];
  skipped: { id: string; reason: string }[];
}

export interface InstallOptions {
  staged: StagedSession[];
  /** The directory the user will run `claude --resume` in. */
  into: string;
  /** The project root at the source; defaults to each session's recorded cwd. */
  sourceProject?: string;
  /** For CLAUDE_CONFIG_DIR, CLAUDE_CODE_PROJECT_DIR_NAME, HOME; defaults to process.env. */
  env?: Record<string, string | undefined>;
  /** The mtime every installed file gets (Claude Code deletes old transcripts at start-up). */
  now?: Date;
}

export async function install(o: InstallOptions): Promise<InstallResult> {
  // Refuse a bad name before anything is created.
  for (const session of o.staged) checkStagedSession(session);
  const installation = await Installation.begin(o);
  try {
    for (const session of o.staged) await installation.prepare(session);
    return await installation.commit();
  } finally {
    await installation.dispose();
  }
}

/**
 * The same install in steps, so that a receiver can prepare each session as
 * soon as its files are verified, while the next one is still arriving, and
 * place them all once the stream is complete.
 */
export class Installation {
  private readonly prepared: PreparedSession[] = [];
  private readonly result: InstallResult;
  private count = 0;

  private constructor(
    private readonly ctx: { folder: string; staging: string; target: string; sourceProject?: string; now: Date; claimed: Map<string, string>; env: Record<string, string | undefined> },
  ) {
    this.result = { target: ctx.target, folder: ctx.folder, installed: [], skipped: [] };
  }

  static async begin(o: Omit<InstallOptions, "staged">): Promise<Installation> {
    const env = o.env ?? process.env;
    const target = await resolveTarget(o.into);
    const folder = await projectFolder(target, env);
    let staging: string;
    try {
      staging = await mkdtemp(join(folder, ".ccshare-staging-"));
      await chmod(staging, 0o700);
    } catch (error) {
      throw fromFsError(error, `preparing to install into ${folder}`);
    }
    return new Installation({ folder, staging, target, sourceProject: o.sourceProject, now: o.now ?? new Date(), claimed: new Map(), env });
  }

  /**
   * Where a receiver may write sessions before prepare(): inside this
   * installation's staging dir, so on the project folder's file system (edited
   * files are linked into place from there, not copied), and removed with it.
   * Does not exist yet.
   */
  get incomingDir(): string {
    return join(this.ctx.staging, "incoming");
  }

  /** The line edits prepare() would make to a session recorded in `project` (for StagedSession.edited). */
  lineFilterFor(project: string): LineFilter {
    return lineEditor({ cwd: cwdRewrite(this.ctx.sourceProject ?? project, this.ctx.target) });
  }

  /** Rewrite, stage and verify one session (nothing is placed yet). */
  async prepare(session: StagedSession): Promise<void> {
    checkStagedSession(session);
    try {
      const outcome = await prepareSession(session, this.ctx, this.count++);
      if ("skipped" in outcome) this.result.skipped.push(outcome.skipped);
      else this.prepared.push(outcome.prepared);
    } catch (error) {
      throw fromFsError(error, `installing session ${session.id}`);
    }
  }

  /** Place every prepared session (each complete or rolled back), then the index (step 7). */
  async commit(): Promise<InstallResult> {
    const { folder, target, now } = this.ctx;
    const placed: { session: PreparedSession; path: string }[] = [];
    for (const session of this.prepared) {
      try {
        const path = await commitSession(session, folder);
        this.result.installed.push({ id: session.id, ...(session.finalId !== session.id ? { newId: session.finalId } : {}), path });
        placed.push({ session, path });
      } catch (error) {
        this.result.skipped.push({ id: session.id, reason: fromFsError(error, `placing session ${session.id}`).message });
      }
    }
    noteReceived(placed.map(({ session }) => ({ id: session.finalId, folder: basename(folder), at: now.toISOString() })), this.ctx.env);
    // Step 7. Most folders have no index: then no line is ever decoded.
    if (placed.length > 0 && (await hasSessionIndex(folder))) {
      const index: SessionIndexEntry[] = [];
      for (const { session, path } of placed) index.push(indexEntry(session, path, target, now, await readSessionFacts(path)));
      await addToSessionIndex(folder, index);
    }
    return this.result;
  }

  /**
   * Always, at the end: the staging dir goes, with anything prepared but not
   * placed; and when nothing was placed, so does the project folder if it is
   * now empty (a failed receive leaves no trace).
   */
  async dispose(): Promise<void> {
    await rm(this.ctx.staging, { recursive: true, force: true });
    if (this.result.installed.length === 0) await rmdir(this.ctx.folder).catch(() => undefined);
  }
}

function indexEntry(session: PreparedSession, path: string, target: string, now: Date, facts: SessionFacts): SessionIndexEntry {
  return {
    sessionId: session.finalId,
    fullPath: path,
    fileMtime: now.getTime(),
    firstPrompt: facts.firstPrompt,
    messageCount: facts.messageCount,
    created: facts.created || now.toISOString(),
    modified: now.toISOString(),
    gitBranch: facts.gitBranch,
    projectPath: target,
    isSidechain: facts.isSidechain,
  };
}
