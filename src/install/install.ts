// An installation: received sessions -> the receiver's Claude Code store, so
// that `claude --resume <id>` works from the target directory. Follows
// SESSIONS-FORMAT.md "Resume, and what an install must do", steps 1-8:
//
//   begin (resolve the target, find the project folder) -> plan each session as
//   its first file arrives (id, line edits; session_plan.ts) -> prepare each
//   once its files are in (prepare.ts) -> commit: place each (commit.ts), then
//   the sessions-index
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
import { existsSync } from "node:fs";
import { chmod, mkdtemp, rm, rmdir } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { claudeConfigDir } from "../catalog/paths.ts";
import { fromFsError } from "../errors.ts";
import { commitSession } from "./commit.ts";
import { claimStaging, removeAbandonedStaging, STAGING_PREFIX } from "./stale_staging.ts";
import { discardSession, prepareSession, type PreparedSession } from "./prepare.ts";
import { noteReceived } from "./received.ts";
import { projectFolder, resolveTarget } from "./project_folder.ts";
import { writeLineage } from "../sync/lineage.ts";
import { planSession, type Arriving, type SessionPlan } from "./session_plan.ts";
import type { ArrivedFile, StagedSession } from "./staged.ts";
import { ChangedHereError, commitUpdate } from "./update.ts";
import { addToSessionIndex } from "./session_index.ts";

export interface InstallResult {
  /** realpath of the directory the sessions were installed for (as the file system stores it). */
  target: string;
  /** Absolute project folder under <config>/projects/. */
  folder: string;
  /**
   * `newId` is set when the id was taken by a different session (a fork);
   * `updated` when an existing copy was brought up to date in place; `path` is
   * the installed transcript.
   */
  installed: { id: string; newId?: string; updated?: boolean; path: string }[];
  skipped: { id: string; reason: string }[];
}

export interface InstallOptions {
  /** The directory the user will run `claude --resume` in. */
  into: string;
  /** For CLAUDE_CONFIG_DIR, CLAUDE_CODE_PROJECT_DIR_NAME, HOME; defaults to process.env. */
  env?: Record<string, string | undefined>;
  /** The mtime every installed file gets (Claude Code deletes old transcripts at start-up). */
  now?: Date;
}

export class Installation {
  private readonly prepared: PreparedSession[] = [];
  private readonly result: InstallResult;
  private readonly claimed = new Set<string>();

  private constructor(private readonly ctx: { folder: string; staging: string; target: string; now: Date; env: Record<string, string | undefined>; projectsExisted: boolean }) {
    this.result = { target: ctx.target, folder: ctx.folder, installed: [], skipped: [] };
  }

  /** Steps 1-2, before anything arrives: a bad --into fails now, and the line edits need the target. */
  static async begin(o: InstallOptions): Promise<Installation> {
    const env = o.env ?? process.env;
    const target = await resolveTarget(o.into);
    const projectsExisted = existsSync(join(claudeConfigDir(env), "projects"));
    const folder = await projectFolder(target, env);
    await removeAbandonedStaging(dirname(folder));
    let staging: string;
    try {
      staging = await mkdtemp(join(folder, STAGING_PREFIX));
      await chmod(staging, 0o700);
      await claimStaging(staging);
    } catch (error) {
      throw fromFsError(error, `preparing to install into ${folder}`);
    }
    return new Installation({ folder, staging, target, now: o.now ?? new Date(), env, projectsExisted });
  }

  /**
   * Where arriving files are written: inside this installation's staging dir,
   * so on the project folder's file system (they are linked into place from
   * there, not copied), and removed with it. Does not exist yet.
   */
  get incomingDir(): string {
    return join(this.ctx.staging, "incoming");
  }

  /** The project folder sessions are installed in. */
  get folder(): string {
    return this.ctx.folder;
  }

  /** How an arriving session is installed, decided before its bytes arrive. */
  plan(arriving: Arriving): Promise<SessionPlan> {
    return planSession(arriving, { folder: this.ctx.folder, target: this.ctx.target, claimed: this.claimed });
  }

  /** A session this machine has and the sharer sent nothing of: it is up to date. */
  upToDate(id: string, ahead: boolean): void {
    this.result.skipped.push({ id, reason: ahead ? "already up to date (this copy has more)" : "already up to date" });
  }

  /** Once a session's files are all in: ready it to be placed, or drop it if it is already installed. */
  async prepare(plan: SessionPlan, files: readonly ArrivedFile[]): Promise<void> {
    const session: StagedSession = { id: plan.id, finalId: plan.finalId, dir: this.incomingDir, files: [...files] };
    try {
      if (await plan.alreadyInstalled()) {
        await discardSession(session);
        this.result.skipped.push({ id: plan.id, reason: "already up to date" });
        return;
      }
      this.prepared.push(await prepareSession(session, plan, this.ctx));
    } catch (error) {
      if (error instanceof ChangedHereError) {
        await discardSession(session);
        this.result.skipped.push({ id: plan.id, reason: error.message });
        return;
      }
      throw fromFsError(error, `installing session ${plan.id}`);
    }
  }

  /** Place every prepared session (each complete or rolled back), then the index (step 7). */
  async commit(): Promise<InstallResult> {
    const { folder, target, now } = this.ctx;
    const placed: { id: string; path: string }[] = [];
    for (const session of this.prepared) {
      try {
        const path = session.update
          ? await commitUpdate({ stage: session.stage, folder, id: session.id, ...session.update })
          : await commitSession(session, folder);
        this.result.installed.push({ id: session.id, ...(session.finalId !== session.id ? { newId: session.finalId } : {}), ...(session.update ? { updated: true } : {}), path });
        placed.push({ id: session.finalId, path });
        // What it came from, for the next hand-over; losing it only costs a fork later.
        await writeLineage(folder, session.finalId, session.lineage).catch(() => undefined);
      } catch (error) {
        this.result.skipped.push({ id: session.id, reason: fromFsError(error, `placing session ${session.id}`).message });
      }
    }
    noteReceived(placed.map((p) => ({ id: p.id, folder: basename(folder), at: now.toISOString() })), this.ctx.env);
    await addToSessionIndex(folder, placed, { target, now });
    return this.result;
  }

  /**
   * Always, at the end: the staging dir goes, with anything prepared but not
   * placed; and when nothing was placed, so do the project folder and a
   * projects/ this installation made, if they are now empty (a failed receive
   * leaves no trace).
   */
  async dispose(): Promise<void> {
    await rm(this.ctx.staging, { recursive: true, force: true });
    if (this.result.installed.length > 0) return;
    await rmdir(this.ctx.folder).catch(() => undefined);
    if (!this.ctx.projectsExisted) await rmdir(dirname(this.ctx.folder)).catch(() => undefined);
  }
}
