// Where a received record stream becomes installed sessions: the one junction
// of decode and install, for live receives and bundle imports alike
// (DESIGN.md §2: ... -> pack/decode -> install/).
//
//   before `want`           -> what this machine already has of each session
//                              asked for (sync/held.ts; docs/PROTOCOL.md §8)
//   first file of a session -> plan it (new, update or fork: session_plan.ts)
//   file, data, end         -> the hostile-safe Unpacker writes each file, edited
//                              on its way to disk, into the installation's staging
//   next session, or done   -> the previous session is complete and verified:
//                              prepared (prepare.ts) while the next one arrives
//   install()               -> once the whole stream is verified, place them all
//
// A sharer sends sessions one after another, so a session is complete when the
// first file of the next one (or `done`) arrives. Digests are checked on the
// bytes as sent, before any edit.
import { isSessionId } from "../catalog/paths.ts";
import { ProtocolError } from "../errors.ts";
import { Unpacker } from "../pack/decode.ts";
import type { CatalogSession, FileRecord, HeldSession, Record as PackRecord } from "../pack/records.ts";
import { DigestCache } from "../sync/digests.ts";
import { heldSession, type Held } from "../sync/held.ts";
import { Installation, type InstallResult } from "./install.ts";
import type { SessionPlan } from "./session_plan.ts";
import type { ArrivedFile } from "./staged.ts";

export interface IncomingOptions {
  /** The sessions asked for (files of any other are refused), with the project each was recorded in. */
  catalog: readonly CatalogSession[];
  wanted: ReadonlySet<string>;
  into: string;
  env?: Record<string, string | undefined>;
  /** The time installed files are placed at (default: now); their mtimes follow the sharer's (times.ts). */
  now?: Date;
}

export class Incoming {
  readonly unpacker: Unpacker;
  private current: SessionPlan | undefined;
  private readonly plans = new Map<string, SessionPlan>();
  private readonly held = new Map<string, Held>();
  private readonly listed: Map<string, CatalogSession>;
  /** What each file record said, by session and path. */
  private readonly records = new Map<string, Map<string, FileRecord>>();
  /** Preparing runs one session at a time, behind the records still arriving. */
  private preparing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly installation: Installation,
    private readonly o: IncomingOptions,
  ) {
    this.listed = new Map(o.catalog.map((s) => [s.id, s]));
    const promised = new Map(o.catalog.map((s) => [s.id, { files: s.files, bytes: s.bytes }]));
    this.unpacker = new Unpacker(installation.incomingDir, {
      wantedIds: o.wanted,
      editorFor: (session, path) => this.plans.get(session)?.editorFor(path),
      promised: (session) => promised.get(session),
    });
  }

  static async open(o: IncomingOptions): Promise<Incoming> {
    return new Incoming(await Installation.begin({ into: o.into, env: o.env, now: o.now }), o);
  }

  /** What this machine already has of the wanted sessions, for `want` (docs/PROTOCOL.md §8). */
  async holdings(): Promise<HeldSession[]> {
    const digests = DigestCache.open(this.o.env);
    for (const id of this.o.wanted) {
      if (!isSessionId(id)) continue;
      const held = await heldSession(this.installation.folder, id, digests);
      if (held) this.held.set(id, held);
    }
    digests.save();
    return [...this.held.values()].map((h) => h.session);
  }

  /** Takes the next record; a session whose files are complete starts being prepared. */
  async accept(record: PackRecord): Promise<void> {
    if (record.k === "file" && record.session !== this.current?.id) {
      if (this.plans.has(record.session)) {
        throw new ProtocolError(`The sharer sent more files of session ${record.session} after moving on to another`, { refused: true });
      }
      this.complete();
      // Only an id the Unpacker will take gets a plan (it refuses the rest, with the reason).
      if (isSessionId(record.session) && this.o.wanted.has(record.session)) this.current = await this.planFor(record);
    } else if (record.k === "done") {
      this.complete();
    }
    if (record.k === "file") {
      const files = this.records.get(record.session) ?? new Map<string, FileRecord>();
      this.records.set(record.session, files.set(record.path, record));
    }
    await this.unpacker.accept(record);
  }

  private async planFor(record: FileRecord): Promise<SessionPlan> {
    const id = record.session;
    const update = record.update ? this.held.get(id) : undefined;
    if (record.update && !update) throw new ProtocolError(`The sharer sent an update of session ${id}, which this machine does not have`, { refused: true });
    const listed = this.listed.get(id);
    // The project a session was recorded in, as the sharer's catalog gives it ("" if unlisted: no cwd moves).
    const plan = await this.installation.plan({ id, project: listed?.project ?? "", root: listed?.root, title: listed?.title, update });
    this.plans.set(id, plan);
    return plan;
  }

  private complete(): void {
    const plan = this.current;
    if (plan === undefined) return;
    this.current = undefined;
    this.preparing = this.preparing.then(() => this.installation.prepare(plan, this.arrived(plan.id)));
    // A failure surfaces in install(); until then it must not be an unhandled rejection.
    this.preparing.catch(() => undefined);
  }

  private arrived(id: string): ArrivedFile[] {
    const records = this.records.get(id);
    return this.unpacker.verifiedFiles(id).map((f) => {
      const record = records?.get(f.path);
      return { path: f.path, sent: { size: f.size, sha256: f.sha256 }, from: record?.from ?? 0, whole: record?.whole, mtime: record?.mtime };
    });
  }

  /** Once `done` has arrived: place every prepared session; a session held here that nothing arrived of is up to date. */
  async install(): Promise<InstallResult> {
    await this.unpacker.finish();
    await this.preparing;
    for (const [id, held] of this.held) {
      if (!this.plans.has(id)) this.installation.upToDate(id, held.session.files.some((f) => f.extended));
    }
    return this.installation.commit();
  }

  /** On failure: nothing half-received stays behind. */
  abort(): Promise<void> {
    return this.unpacker.abort();
  }

  /** Always, at the end: the staging dir goes, with anything not installed. */
  async dispose(): Promise<void> {
    await this.preparing.catch(() => undefined);
    await this.installation.dispose();
  }
}
