// `ccshare import`, the pipeline: the exact reverse of export.ts, and the same
// back half as a live receive (transfer/receive.ts):
//   bundle file -> crypto/open -> pack/decode (bounded, into staging) -> install/
// Nothing reaches the projects folder unless every record authenticated, the
// final one arrived, nothing follows it, and every file's digest matched.
import { BundleFormatError, CcshareError } from "../errors.ts";
import type { InstallResult } from "../install/install.ts";
import { Incoming } from "../install/incoming.ts";
import type { CatalogSession, Record } from "../pack/records.ts";
import type { BundleHeader } from "./format.ts";
import { BundleReader } from "./read.ts";

type Env = { [name: string]: string | undefined };

export interface OpenOptions {
  path: string;
  /** Asked only once the header has checked out (a file that is not a bundle never prompts). */
  passphrase: () => Promise<string>;
  /** Called before the ~1 s of scrypt. */
  onDeriving?: () => void;
}

export interface ImportOptions extends OpenOptions {
  /** Which sessions to install, given the catalog (a picker, --all, or --session). */
  choose: (catalog: CatalogSession[]) => Promise<string[]>;
  /** Where sessions get installed (`--into`, default the current directory). */
  into: string;
  env?: Env;
  /** Bytes of the bundle read so far, of its size. */
  onProgress?: (progress: { bytes: number; total: number }) => void;
  /** Stops between records (Ctrl-C); the staging folder is removed, nothing is installed. */
  signal?: AbortSignal;
}

export interface BundleListing {
  header: BundleHeader;
  catalog: CatalogSession[];
}

export interface ImportResult extends BundleListing {
  wanted: string[];
  install: InstallResult;
}

async function unlocked(o: OpenOptions): Promise<{ reader: BundleReader; catalog: CatalogSession[] }> {
  const reader = await BundleReader.open(o.path);
  try {
    const passphrase = await o.passphrase();
    o.onDeriving?.();
    await reader.unlock(passphrase);
    return { reader, catalog: await reader.readCatalog() };
  } catch (error) {
    await reader.close();
    throw error;
  }
}

/** `import --list`: the catalog only; the rest of the file is not read. */
export async function listBundle(o: OpenOptions): Promise<BundleListing> {
  const { reader, catalog } = await unlocked(o);
  await reader.close();
  return { header: reader.header, catalog };
}

export async function importBundle(o: ImportOptions): Promise<ImportResult> {
  const { reader, catalog } = await unlocked(o);
  let incoming: Incoming | undefined;
  try {
    const wanted = [...new Set(await o.choose(catalog))];
    const listed = new Set(catalog.map((s) => s.id));
    const chosen = new Set(wanted);
    incoming = await Incoming.open({ catalog, wanted: chosen, into: o.into, env: o.env });
    // Files of sessions not chosen are read and authenticated, but not unpacked.
    let skipping = false;
    for (;;) {
      if (o.signal?.aborted) throw new CcshareError("Import cancelled", { refused: true });
      const record = await reader.next();
      o.onProgress?.({ bytes: reader.position, total: reader.size });
      if (record.k === "file") {
        if (!listed.has(record.session)) {
          throw new BundleFormatError(`${reader.name} holds files of a session its catalog does not list`, { refused: true });
        }
        skipping = !chosen.has(record.session);
      }
      if (!(skipping && isFilePart(record))) await incoming.accept(record);
      if (record.k === "end") skipping = false;
      if (record.k === "done") break;
    }
    await reader.expectEnd();
    const result = await incoming.install();
    return { header: reader.header, catalog, wanted, install: result };
  } catch (error) {
    await incoming?.abort();
    throw error;
  } finally {
    await reader.close();
    await incoming?.dispose();
  }
}

function isFilePart(record: Record): boolean {
  return record.k === "file" || record.k === "data" || record.k === "end";
}
