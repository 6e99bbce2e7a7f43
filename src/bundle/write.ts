// Sealing a record stream into a bundle file (PROTOCOL.md §7): header, key
// from the passphrase, then each record sealed and written as it is produced.
// The file is written as FILE.partial and renamed only when complete and
// synced, so a failed or interrupted export leaves nothing behind.
import { link, lstat, open, rename, rm, unlink, type FileHandle } from "node:fs/promises";
import { basename, resolve } from "node:path";
import { deriveBundleIkm, newScryptParams, type ScryptParams } from "../crypto/bundle_kdf.ts";
import { deriveBundleKeyPair, setupBundleSender } from "../crypto/hpke.ts";
import { CcshareError, fromFsError, UsageError } from "../errors.ts";
import { DEFAULT_LIMITS } from "../pack/limits.ts";
import type { OutgoingRecord } from "../pack/encode.ts";
import { ByteWriter, u32be } from "./file_io.ts";
import { encodeHeader } from "./format.ts";

export interface SealOptions {
  /** The bundle's path; FILE.partial beside it while writing. */
  out: string;
  /** Replace an existing file. */
  force?: boolean;
  passphrase: string;
  /** Defaults to DESIGN.md §5's parameters with a fresh salt; tests pass cheaper ones. */
  scrypt?: ScryptParams;
  /** Sessions the catalog lists (the header's `count`). */
  count: number;
  /** Catalog record(s) first, `done` last and final (PROTOCOL.md §4, pack/encode.ts sessionStream). */
  records: AsyncIterable<OutgoingRecord>;
  created?: Date;
  /** Called before the ~1 s of scrypt, so the user knows why nothing moves. */
  onDeriving?: () => void;
  signal?: AbortSignal;
}

export interface SealedFile {
  path: string;
  /** Size of the bundle file. */
  bytes: number;
  records: number;
}

/** The absolute path for `out`, refusing an existing file unless `force` (checked before any work). */
export async function checkOutPath(out: string, force = false): Promise<string> {
  const path = resolve(out);
  const existing = await lstat(path).catch(() => undefined);
  if (existing?.isDirectory()) throw new UsageError(`${out} is a folder; give --out a file name such as sessions.ccs.`);
  if (existing && !force) throw new UsageError(`${out} already exists; pass --force to replace it, or choose another --out.`);
  return path;
}

export async function sealBundle(o: SealOptions): Promise<SealedFile> {
  const path = await checkOutPath(o.out, o.force);
  const name = basename(path);
  const params = o.scrypt ?? newScryptParams();
  const header = encodeHeader({ ...params, created: (o.created ?? new Date()).toISOString(), count: o.count });
  o.onDeriving?.();
  const keys = await deriveBundleKeyPair(await deriveBundleIkm(o.passphrase, params));
  const sealer = await setupBundleSender(keys.publicKey, header);

  const partial = `${path}.partial`;
  if (o.force) await rm(partial, { force: true });
  const handle = await createPartial(partial, o.out);
  let records = 0;
  try {
    const file = new ByteWriter(handle, name);
    await file.write(header);
    await file.write(sealer.enc);
    let final = false;
    for await (const record of o.records) {
      if (o.signal?.aborted) throw new CcshareError("Export cancelled; no bundle was written.");
      const plain = record.plain;
      // A record the reader would refuse must never be written (PROTOCOL.md §4 caps).
      if (plain.length > DEFAULT_LIMITS.maxRecordBytes) throw new Error(`a record of ${plain.length} bytes is over the record cap`);
      final = record.final;
      const sealed = await sealer.seal(plain, final);
      await file.write(u32be(sealed.length));
      await file.write(sealed);
      records++;
    }
    if (!final) throw new Error("the record stream ended without its done record");
    await file.flush();
    await handle.sync().catch((error: unknown) => {
      throw fromFsError(error, `saving ${name}`);
    });
    await handle.close();
    await place(partial, path, o.out, Boolean(o.force));
    return { path, bytes: file.position, records };
  } catch (error) {
    await handle.close().catch(() => {});
    await rm(partial, { force: true }).catch(() => {});
    throw error;
  }
}

async function createPartial(partial: string, out: string): Promise<FileHandle> {
  try {
    // O_EXCL: two exports to the same --out must not interleave their bytes.
    return await open(partial, "wx", 0o600);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "EEXIST") throw new UsageError(`${out}.partial exists: another export is writing it, or one was interrupted; delete it or pass --force.`);
    if (code === "ENOENT") throw new UsageError(`The folder of ${out} does not exist; create it or choose another --out.`);
    throw fromFsError(error, `creating ${out}.partial`);
  }
}

/**
 * FILE.partial -> FILE. Without --force a hard link claims the name (it fails if
 * FILE appeared meanwhile); file systems without links fall back to a checked rename.
 */
async function place(partial: string, path: string, out: string, force: boolean): Promise<void> {
  try {
    if (force) return await rename(partial, path);
    try {
      await link(partial, path);
    } catch (error) {
      if ((error as { code?: string }).code === "EEXIST") throw new UsageError(`${out} appeared while the bundle was written; pass --force to replace it, or choose another --out.`);
      await checkOutPath(path, false);
      return await rename(partial, path);
    }
    await unlink(partial);
  } catch (error) {
    throw error instanceof CcshareError ? error : fromFsError(error, `saving ${out}`);
  }
}
