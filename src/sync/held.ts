// What the receiver already has of a session it asks for (docs/PROTOCOL.md §8):
// every file of `<id>.jsonl` and `<id>/` in the target's project folder, each
// with its size and SHA-256 now and, from its lineage, the sender's file it was
// installed from. It travels in `want`; the local files' size and mtime are
// kept too, so that an update is placed only if nothing changed them meanwhile.
import { Buffer } from "node:buffer";
import { existsSync, lstatSync } from "node:fs";
import { join } from "node:path";
import { walkFiles } from "../catalog/scan.ts";
import type { FileState, HeldFile, HeldSession } from "../pack/records.ts";
import { prefixDigest, type DigestCache } from "./digests.ts";
import { readLineage, type FileLineage, type SessionLineage } from "./lineage.ts";

export interface LocalFile {
  abs: string;
  size: number;
  mtimeMs: number;
}

export interface Held {
  session: HeldSession;
  /** By path, as they were when `session` was computed. */
  local: Map<string, LocalFile>;
  lineage: SessionLineage;
}

/** What `folder` holds of session `id`, or undefined if it has no transcript of that id. */
export async function heldSession(folder: string, id: string, digests: DigestCache): Promise<Held | undefined> {
  const transcript = join(folder, `${id}.jsonl`);
  const info = lstatSync(transcript, { throwIfNoEntry: false });
  if (!info?.isFile()) return undefined;
  const paths = [`${id}.jsonl`, ...(existsSync(join(folder, id)) ? walkFiles(folder, id).map((f) => f.path) : [])];
  const lineage = await readLineage(folder, id);
  const local = new Map<string, LocalFile>();
  const files: HeldFile[] = [];
  for (const path of paths) {
    const abs = join(folder, path);
    const from = lineage.get(path);
    const now = (await asInstalled(abs, from)) ?? (await digests.state(abs));
    if (!now) continue;
    local.set(path, { abs, size: now.size, mtimeMs: now.mtimeMs });
    const held: HeldFile = { path, size: now.size, sha256: now.sha256 };
    if (from && (await startsWith(abs, now, from.installed))) {
      held.origin = from.origin;
      if (now.size > from.installed.size) held.extended = true;
    }
    files.push(held);
  }
  return { session: { id, files }, local, lineage };
}

/** The installed state, without reading the file, while its size and mtime are still the ones it was installed with. */
async function asInstalled(abs: string, from: FileLineage | undefined): Promise<(FileState & { mtimeMs: number }) | undefined> {
  if (!from) return undefined;
  const info = lstatSync(abs, { throwIfNoEntry: false });
  if (!info?.isFile() || info.size !== from.installed.size || info.mtimeMs !== from.mtimeMs) return undefined;
  return { ...from.installed, mtimeMs: info.mtimeMs };
}

/** Whether the file, now `now`, still begins with the bytes it was installed as (hashed again only if it grew). */
async function startsWith(abs: string, now: FileState, installed: FileState): Promise<boolean> {
  if (now.size < installed.size) return false;
  const prefix = now.size === installed.size ? now.sha256 : await prefixDigest(abs, installed.size);
  return prefix !== undefined && Buffer.compare(prefix, installed.sha256) === 0;
}
