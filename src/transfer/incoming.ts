// Where received sessions wait before install: a staging dir on the same file
// system as the projects folder (SESSIONS-FORMAT.md install step 6), filled by
// the hostile-safe Unpacker. Live receives and bundle imports both land here.
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import { claudeConfigDir } from "../catalog/paths.ts";
import { fromFsError } from "../errors.ts";
import { install, type InstallResult } from "../install/install.ts";
import { Unpacker } from "../pack/decode.ts";
import type { CatalogSession } from "../pack/records.ts";

export class Incoming {
  private constructor(
    private readonly staging: string,
    readonly unpacker: Unpacker,
  ) {}

  /** A fresh staging dir for the sessions in `wanted` (files of any other are refused). */
  static async open(wanted: ReadonlySet<string>, env: Record<string, string | undefined> = process.env): Promise<Incoming> {
    const projects = join(claudeConfigDir(env), "projects");
    let staging: string;
    try {
      await mkdir(projects, { recursive: true, mode: 0o700 });
      staging = await mkdtemp(join(projects, ".ccshare-incoming-"));
    } catch (error) {
      throw fromFsError(error, "preparing a place to receive sessions");
    }
    return new Incoming(staging, new Unpacker(join(staging, "files"), { wantedIds: wanted }));
  }

  /** Once `done` has arrived: install every verified session, each with the project it was recorded in. */
  async install(o: { catalog: CatalogSession[]; into: string; env?: Record<string, string | undefined>; using?: typeof install }): Promise<InstallResult> {
    const unpacked = await this.unpacker.finish();
    const projects = new Map(o.catalog.map((s) => [s.id, s.project]));
    return (o.using ?? install)({
      staged: unpacked.map((u) => ({ id: u.id, project: projects.get(u.id) ?? "", dir: this.unpacker.stagingDir, files: u.files.map((f) => f.path) })),
      into: o.into,
      env: o.env,
    });
  }

  /** On failure: nothing half-received stays behind. */
  abort(): Promise<void> {
    return this.unpacker.abort();
  }

  /** Always, at the end: the staging dir goes (installed files were moved out of it). */
  dispose(): Promise<void> {
    return rm(this.staging, { recursive: true, force: true });
  }
}
