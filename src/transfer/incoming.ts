// Where received sessions wait before install: a dir inside the installation's
// own staging dir, on the project folder's file system (SESSIONS-FORMAT.md
// install step 6), filled by the hostile-safe Unpacker. Live receives and
// bundle imports both land here.
//
// Each JSONL file is written through the installation's line edits as it
// arrives (the cwd moved, install/line_stream.ts), so a session is written
// once; its digest is still checked on the bytes as sent. A sharer sends
// sessions one after another, so when the first file of the next session (or
// `done`) arrives, the previous session is complete and verified: it is
// prepared for install (checked, modes and mtimes set) right away, while the
// next one is still arriving. Nothing is placed until the whole stream is
// verified.
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import { claudeConfigDir } from "../catalog/paths.ts";
import { fromFsError, ProtocolError } from "../errors.ts";
import { Installation, type InstallResult } from "../install/install.ts";
import { LineEditStream } from "../install/line_stream.ts";
import { Unpacker } from "../pack/decode.ts";
import type { CatalogSession, Record as PackRecord } from "../pack/records.ts";

export interface IncomingOptions {
  /** The sessions asked for (files of any other are refused), with the project each was recorded in. */
  catalog: CatalogSession[];
  wanted: ReadonlySet<string>;
  into: string;
  env?: Record<string, string | undefined>;
  /** Verify into staging but install nothing (bench/transfer.bench.ts measures the pipeline alone). */
  verifyOnly?: boolean;
}

export class Incoming {
  private current: string | undefined;
  private readonly completed = new Set<string>();
  /** Preparing runs one session at a time, behind the records still arriving. */
  private preparing: Promise<void> = Promise.resolve();

  private constructor(
    /** Removed at the end; the installation's staging dir holds it unless verifying only. */
    private readonly staging: string,
    readonly unpacker: Unpacker,
    private readonly installation: Installation | undefined,
    private readonly o: IncomingOptions,
  ) {}

  static async open(o: IncomingOptions): Promise<Incoming> {
    if (o.verifyOnly) return Incoming.verifying(o);
    // Begun before anything arrives: a bad --into fails now, and the line edits need the target.
    const installation = await Installation.begin({ into: o.into, env: o.env });
    const unpacker = new Unpacker(installation.incomingDir, {
      wantedIds: o.wanted,
      editorFor: (session, path) => (path.endsWith(".jsonl") ? new LineEditStream(installation.lineFilterFor(projectOf(o.catalog, session))) : undefined),
    });
    return new Incoming(installation.incomingDir, unpacker, installation, o);
  }

  /** bench/transfer.bench.ts: the files as sent, in a staging dir of their own, never installed. */
  private static async verifying(o: IncomingOptions): Promise<Incoming> {
    const projects = join(claudeConfigDir(o.env), "projects");
    let staging: string;
    try {
      await mkdir(projects, { recursive: true, mode: 0o700 });
      staging = await mkdtemp(join(projects, ".ccshare-incoming-"));
    } catch (error) {
      throw fromFsError(error, "preparing a place to receive sessions");
    }
    return new Incoming(staging, new Unpacker(join(staging, "files"), { wantedIds: o.wanted }), undefined, o);
  }

  /** Takes the next record; a session whose files are complete starts being prepared. */
  async accept(record: PackRecord): Promise<void> {
    await this.unpacker.accept(record);
    if (record.k === "file" && record.session !== this.current) {
      if (this.completed.has(record.session)) {
        throw new ProtocolError(`The sharer sent more files of session ${record.session} after moving on to another; nothing was installed.`);
      }
      this.complete();
      this.current = record.session;
    } else if (record.k === "done") {
      this.complete();
    }
  }

  private complete(): void {
    const id = this.current;
    const installation = this.installation;
    if (id === undefined || !installation) return;
    this.completed.add(id);
    this.current = undefined;
    const files = this.unpacker.verifiedFiles(id).map((f) => f.path);
    const project = projectOf(this.o.catalog, id);
    this.preparing = this.preparing.then(() => installation.prepare({ id, project, dir: this.unpacker.stagingDir, files, edited: true }));
    // A failure surfaces in install(); until then it must not be an unhandled rejection.
    this.preparing.catch(() => undefined);
  }

  /** Once `done` has arrived: place every prepared session. */
  async install(): Promise<InstallResult> {
    await this.unpacker.finish();
    if (!this.installation) return { target: this.o.into, folder: "", installed: [], skipped: [] };
    await this.preparing;
    return this.installation.commit();
  }

  /** On failure: nothing half-received stays behind. */
  abort(): Promise<void> {
    return this.unpacker.abort();
  }

  /** Always, at the end: the staging dir goes, with anything not installed (the installation's holds this one). */
  async dispose(): Promise<void> {
    await this.preparing.catch(() => undefined);
    if (this.installation) await this.installation.dispose();
    else await rm(this.staging, { recursive: true, force: true });
  }
}

/** The project a session was recorded in, as the sharer's catalog gives it ("" if unlisted: prepare refuses it). */
function projectOf(catalog: readonly CatalogSession[], id: string): string {
  return catalog.find((s) => s.id === id)?.project ?? "";
}
