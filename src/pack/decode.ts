// Record stream -> verified files in a staging dir (PROTOCOL.md §4), the
// receiver's side. Everything from the peer is hostile: each record is checked
// before anything is written, files are created O_EXCL (0600, dirs 0700) under
// the staging dir only, each chunk is written as it arrives (memory stays at two
// chunks: one being written, one being decompressed), and any violation removes the whole staging dir before the error
// reaches the caller, so nothing half-received is ever installed.
import { lstat, mkdir, readdir, rm, rmdir } from "node:fs/promises";
import { join } from "node:path";
import { CcshareError, DiskError, fromFsError, LimitExceededError, ProtocolError, TruncatedStreamError, UnsafePathError } from "../errors.ts";
import { IncomingFile, Inflater, type ByteEditor } from "./incoming_file.ts";
import { withDefaults, type Limits } from "./limits.ts";
import type { FileRecord, Record } from "./records.ts";
import { checkSessionId, checkSessionPath } from "./safe_path.ts";

export interface UnpackedFile {
  /** Relative to the staging dir, "/" separators: the same as the project folder layout. */
  path: string;
  size: number;
  sha256: Uint8Array;
}

export interface UnpackedSession {
  id: string;
  files: UnpackedFile[];
}

export interface UnpackerOptions {
  /** The sessions this receiver asked for (its `want` record); files of any other are refused. */
  wantedIds: ReadonlySet<string>;
  limits?: Partial<Limits>;
  /** An editor for a file's bytes on their way to disk (checked paths only), or undefined to write them as sent. */
  editorFor?: (session: string, path: string) => ByteEditor | undefined;
  /**
   * What the catalog promised of each session: its files, and the bytes they
   * add up to. A sharer may send less (an update sends only what is new) but
   * never more (issue 13 finding 8: a session shown as 100 B must not fill the disk).
   */
  promised?: (session: string) => { files: number; bytes: number } | undefined;
}

type State = "between files" | "in a file" | "done" | "failed";

export class Unpacker {
  private readonly limits: Limits;
  private state: State = "between files";
  private failure: CcshareError | undefined;
  private current: IncomingFile | undefined;
  private inflater: Inflater | undefined;
  private currentSession = "";
  private ready = false;
  private files = 0;
  private declaredTotal = 0;
  /** Lowercased, so that names differing only in case collide here and not on a case-insensitive disk. */
  private readonly filePaths = new Set<string>();
  private readonly dirPaths = new Set<string>();
  private readonly sessions = new Map<string, UnpackedFile[]>();
  /** Per session: files and bytes declared so far, against what the catalog promised. */
  private readonly declared = new Map<string, { files: number; bytes: number }>();
  /** Sessions sent as updates of the receiver's copy: they may come without their transcript. */
  private readonly updates = new Set<string>();
  private queue: Promise<void> = Promise.resolve();
  private finishedBytes = 0;

  /** `stagingDir` must not exist yet, or be an empty directory; it is created with mode 0700. */
  constructor(
    readonly stagingDir: string,
    private readonly o: UnpackerOptions,
  ) {
    this.limits = withDefaults(o.limits);
  }

  /** Takes the next record. Calls are serialised; any violation rejects and removes the staging dir. */
  accept(record: Record): Promise<void> {
    const next = this.queue.then(() => this.guarded(() => this.step(record)));
    this.queue = next.catch(() => {});
    return next;
  }

  /** Uncompressed bytes taken so far, over every file (for progress). */
  get bytesReceived(): number {
    return this.finishedBytes + (this.current?.receivedBytes ?? 0);
  }

  /** The files of `session` verified so far (each one's digest has matched). */
  verifiedFiles(session: string): readonly UnpackedFile[] {
    return this.sessions.get(session) ?? [];
  }

  /** The verified sessions, once `done` has arrived. Leaves the staging dir for the installer. */
  async finish(): Promise<UnpackedSession[]> {
    await this.queue;
    this.release();
    if (this.failure) throw this.failure;
    if (this.state !== "done") {
      await this.fail(new TruncatedStreamError());
      throw this.failure;
    }
    return [...this.sessions].map(([id, files]) => ({ id, files }));
  }

  /** Stops and removes the staging dir (safe to call at any time, and twice). */
  async abort(): Promise<void> {
    await this.queue;
    if (this.state !== "failed") await this.fail(new TruncatedStreamError());
  }

  private async guarded(step: () => Promise<void>): Promise<void> {
    if (this.failure) throw this.failure;
    try {
      await step();
    } catch (error) {
      await this.fail(error instanceof CcshareError ? error : fromFsError(error, "receiving files"));
      throw this.failure;
    }
  }

  private async fail(error: CcshareError): Promise<void> {
    this.failure ??= error;
    this.state = "failed";
    await this.current?.close();
    this.current = undefined;
    this.release();
    // Only a dir this Unpacker took over (empty or created) is removed with its
    // contents; otherwise at most an empty one, never someone else's files.
    if (this.ready) await rm(this.stagingDir, { recursive: true, force: true }).catch(() => {});
    else await rmdir(this.stagingDir).catch(() => {});
  }

  /** Frees the decompressor; only called once no file is being written. */
  private release(): void {
    this.inflater?.close();
    this.inflater = undefined;
  }

  private async step(record: Record): Promise<void> {
    switch (record.k) {
      case "file":
        if (this.state !== "between files") throw this.outOfOrder(record.k);
        return this.startFile(record);
      case "data":
        if (this.state !== "in a file" || !this.current) throw this.outOfOrder(record.k);
        return this.current.write(record.z, (this.inflater ??= new Inflater(this.limits.maxChunkBytes)));
      case "end":
        if (this.state !== "in a file" || !this.current) throw this.outOfOrder(record.k);
        return this.endFile(record.sha256);
      case "done":
        if (this.state !== "between files") throw this.outOfOrder(record.k);
        this.checkEverySessionHasItsTranscript();
        this.state = "done";
        return;
      default:
        throw this.outOfOrder(record.k);
    }
  }

  private outOfOrder(kind: string): ProtocolError {
    const where = this.state === "in a file" ? "inside a file" : this.state === "done" ? "after the end" : "outside a file";
    return new ProtocolError(`The sharer sent a "${kind}" record ${where}`, { refused: true });
  }

  private async startFile(record: FileRecord): Promise<void> {
    const { session, path, size } = record;
    checkSessionId(session);
    if (!this.o.wantedIds.has(session)) {
      throw new ProtocolError(`The sharer sent session ${session}, which was not asked for`, { refused: true });
    }
    const parts = checkSessionPath(path, session);
    const key = path.toLowerCase();
    if (this.filePaths.has(key) || this.dirPaths.has(key)) throw new ProtocolError(`The sharer sent ${JSON.stringify(path)} twice`, { refused: true });
    for (let i = 1; i < parts.length; i++) {
      if (this.filePaths.has(parts.slice(0, i).join("/").toLowerCase())) {
        throw new UnsafePathError(`The sharer sent ${JSON.stringify(path)} under a file it already sent`);
      }
    }
    this.holdToPromise(session, path, size);
    if (record.update) this.updates.add(session);
    if (++this.files > this.limits.maxFiles) throw new LimitExceededError(`The sharer sent more than ${this.limits.maxFiles} files`, { refused: true });
    if (size > this.limits.maxFileBytes) {
      throw new LimitExceededError(`The sharer declared ${JSON.stringify(path)} as ${size} bytes, over the ${this.limits.maxFileBytes}-byte limit`, { refused: true });
    }
    this.declaredTotal += size;
    if (this.declaredTotal > this.limits.maxTotalBytes) {
      throw new LimitExceededError(`The sharer sent more than ${this.limits.maxTotalBytes} bytes in all`, { refused: true });
    }
    await this.prepareStaging();
    await this.makeParents(parts);
    this.filePaths.add(key);
    this.current = await IncomingFile.create(join(this.stagingDir, ...parts), path, size, record.sha256, this.o.editorFor?.(session, path));
    this.currentSession = session;
    this.state = "in a file";
  }

  private async endFile(sha256: Uint8Array): Promise<void> {
    const file = this.current!;
    const digest = await file.end(sha256);
    this.current = undefined;
    let files = this.sessions.get(this.currentSession);
    if (!files) this.sessions.set(this.currentSession, (files = []));
    files.push({ path: file.path, size: file.size, sha256: digest });
    this.finishedBytes += file.size;
    this.state = "between files";
  }

  private holdToPromise(session: string, path: string, size: number): void {
    const promised = this.o.promised?.(session);
    if (!promised) return;
    const soFar = this.declared.get(session) ?? { files: 0, bytes: 0 };
    soFar.files++;
    soFar.bytes += size;
    this.declared.set(session, soFar);
    if (soFar.files > promised.files || soFar.bytes > promised.bytes) {
      throw new LimitExceededError(
        `The sharer sent ${JSON.stringify(path)} of session ${session}, past the ${promised.files} files and ${promised.bytes} bytes its catalog showed`,
        { refused: true },
      );
    }
  }

  /** A session without its `<id>.jsonl` could not be resumed: refuse rather than install a husk (an update keeps the one here). */
  private checkEverySessionHasItsTranscript(): void {
    for (const [id, files] of this.sessions) {
      if (!this.updates.has(id) && !files.some((f) => f.path === `${id}.jsonl`)) {
        throw new ProtocolError(`The sharer sent files of session ${id} but not its transcript`, { refused: true });
      }
    }
  }

  private async prepareStaging(): Promise<void> {
    if (this.ready) return;
    try {
      await mkdir(this.stagingDir, { recursive: true, mode: 0o700 });
      const info = await lstat(this.stagingDir);
      if (!info.isDirectory() || (await readdir(this.stagingDir)).length > 0) {
        throw new DiskError(`The staging folder ${this.stagingDir} is not an empty folder`, { refused: true });
      }
    } catch (error) {
      throw fromFsError(error, `creating the staging folder ${this.stagingDir}`);
    }
    this.ready = true;
  }

  /** Creates missing parent dirs one by one (0700); each is ours, so no symlink can sit in the path. */
  private async makeParents(parts: string[]): Promise<void> {
    for (let i = 1; i < parts.length; i++) {
      const rel = parts.slice(0, i);
      const key = rel.join("/").toLowerCase();
      if (this.dirPaths.has(key)) continue;
      try {
        await mkdir(join(this.stagingDir, ...rel), { mode: 0o700 });
      } catch (error) {
        throw fromFsError(error, `creating ${rel.join("/")}`);
      }
      this.dirPaths.add(key);
    }
  }
}
