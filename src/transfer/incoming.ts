// Where received sessions wait before install: a staging dir on the same file
// system as the projects folder (SESSIONS-FORMAT.md install step 6), filled by
// the hostile-safe Unpacker. Live receives and bundle imports both land here.
//
// A sharer sends sessions one after another, so when the first file of the next
// session (or `done`) arrives, the previous session is complete and verified:
// it is prepared for install (cwd rewrite, staging) right away, while the next
// one is still arriving. Nothing is placed until the whole stream is verified.
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import { claudeConfigDir } from "../catalog/paths.ts";
import { fromFsError, ProtocolError } from "../errors.ts";
import { Installation, type InstallResult } from "../install/install.ts";
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
  private installation: Promise<Installation> | undefined;

  private constructor(
    private readonly staging: string,
    readonly unpacker: Unpacker,
    private readonly o: IncomingOptions,
  ) {}

  static async open(o: IncomingOptions): Promise<Incoming> {
    const projects = join(claudeConfigDir(o.env), "projects");
    let staging: string;
    try {
      await mkdir(projects, { recursive: true, mode: 0o700 });
      staging = await mkdtemp(join(projects, ".ccshare-incoming-"));
    } catch (error) {
      throw fromFsError(error, "preparing a place to receive sessions");
    }
    return new Incoming(staging, new Unpacker(join(staging, "files"), { wantedIds: o.wanted }), o);
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
    if (id === undefined || this.o.verifyOnly) return;
    this.completed.add(id);
    this.current = undefined;
    const files = this.unpacker.verifiedFiles(id).map((f) => f.path);
    const project = this.o.catalog.find((s) => s.id === id)?.project ?? "";
    this.installation ??= Installation.begin({ into: this.o.into, env: this.o.env });
    const installation = this.installation;
    this.preparing = this.preparing.then(async () => (await installation).prepare({ id, project, dir: this.unpacker.stagingDir, files }));
    // A failure surfaces in install(); until then it must not be an unhandled rejection.
    this.preparing.catch(() => undefined);
  }

  /** Once `done` has arrived: place every prepared session. */
  async install(): Promise<InstallResult> {
    await this.unpacker.finish();
    if (this.o.verifyOnly) return { target: this.o.into, folder: "", installed: [], skipped: [] };
    await this.preparing;
    const installation = await (this.installation ??= Installation.begin({ into: this.o.into, env: this.o.env }));
    return installation.commit();
  }

  /** On failure: nothing half-received stays behind. */
  abort(): Promise<void> {
    return this.unpacker.abort();
  }

  /** Always, at the end: both staging dirs go (installed files were moved out of them). */
  async dispose(): Promise<void> {
    await this.preparing.catch(() => undefined);
    const installation = await this.installation?.catch(() => undefined);
    await installation?.dispose();
    await rm(this.staging, { recursive: true, force: true });
  }
}
