// Where a received record stream becomes installed sessions: the one junction
// of decode and install, for live receives and bundle imports alike
// (DESIGN.md §2: ... -> pack/decode -> install/).
//
//   first file of a session -> plan it (its id, its line edits: session_plan.ts)
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
import type { CatalogSession, Record as PackRecord } from "../pack/records.ts";
import { Installation, type InstallResult } from "./install.ts";
import type { SessionPlan } from "./session_plan.ts";

export interface IncomingOptions {
  /** The sessions asked for (files of any other are refused), with the project each was recorded in. */
  catalog: readonly CatalogSession[];
  wanted: ReadonlySet<string>;
  into: string;
  env?: Record<string, string | undefined>;
  /** The mtime every installed file gets (default: now). */
  now?: Date;
}

export class Incoming {
  readonly unpacker: Unpacker;
  private current: SessionPlan | undefined;
  private readonly plans = new Map<string, SessionPlan>();
  /** Preparing runs one session at a time, behind the records still arriving. */
  private preparing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly installation: Installation,
    private readonly o: IncomingOptions,
  ) {
    this.unpacker = new Unpacker(installation.incomingDir, {
      wantedIds: o.wanted,
      editorFor: (session, path) => this.plans.get(session)?.editorFor(path),
    });
  }

  static async open(o: IncomingOptions): Promise<Incoming> {
    return new Incoming(await Installation.begin({ into: o.into, env: o.env, now: o.now }), o);
  }

  /** Takes the next record; a session whose files are complete starts being prepared. */
  async accept(record: PackRecord): Promise<void> {
    if (record.k === "file" && record.session !== this.current?.id) {
      if (this.plans.has(record.session)) {
        throw new ProtocolError(`The sharer sent more files of session ${record.session} after moving on to another`, { refused: true });
      }
      this.complete();
      // Only an id the Unpacker will take gets a plan (it refuses the rest, with the reason).
      if (isSessionId(record.session) && this.o.wanted.has(record.session)) {
        this.current = await this.installation.plan(record.session, projectOf(this.o.catalog, record.session));
        this.plans.set(record.session, this.current);
      }
    } else if (record.k === "done") {
      this.complete();
    }
    await this.unpacker.accept(record);
  }

  private complete(): void {
    const plan = this.current;
    if (plan === undefined) return;
    this.current = undefined;
    this.preparing = this.preparing.then(() => this.installation.prepare(plan, this.unpacker.verifiedFiles(plan.id).map((f) => f.path)));
    // A failure surfaces in install(); until then it must not be an unhandled rejection.
    this.preparing.catch(() => undefined);
  }

  /** Once `done` has arrived: place every prepared session. */
  async install(): Promise<InstallResult> {
    await this.unpacker.finish();
    await this.preparing;
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

/** The project a session was recorded in, as the sharer's catalog gives it ("" if unlisted: no cwd moves). */
function projectOf(catalog: readonly CatalogSession[], id: string): string {
  return catalog.find((s) => s.id === id)?.project ?? "";
}
