// An update of a session this machine has (docs/PROTOCOL.md §8): the sharer
// sent the rest of each file that grew and each file that is new. Each grown
// file is completed in the stage (this machine's bytes, then the rest, edited
// on arrival) and then renamed over the local file: rename() replaces it in one
// step, so a reader sees the old file or the new one, never a mix, and a crash
// leaves the old. Nothing is replaced if the local file changed since the
// receiver said what it had (Claude Code appending to it meanwhile): the
// session is then left as it is and reported.
import { link, lstat, mkdir, open, rename, rm, unlink } from "node:fs/promises";
import { dirname, join } from "node:path";
import { CcshareError, ProtocolError } from "../errors.ts";
import type { FileState } from "../pack/records.ts";
import { StreamHash } from "../pack/sha256.ts";
import { READ_FLAGS } from "../sync/digests.ts";
import type { Held, LocalFile } from "../sync/held.ts";
import { placeFile } from "./place.ts";
import type { StagedFile, StagedSession } from "./staged.ts";

/** A local file and the completed version that replaces it. */
export interface Replacement {
  path: string;
  local: LocalFile;
}

/** This machine's copy changed while the update arrived: the session is skipped, not the transfer. */
export class ChangedHereError extends CcshareError {}

function changedHere(path: string): ChangedHereError {
  return new ChangedHereError(`${path} changed on this machine while the update arrived; it was left as it is (receive again to update it)`);
}

/** Whether `local` is still exactly as it was when the receiver said what it had. */
async function unchanged(local: LocalFile): Promise<boolean> {
  const info = await lstat(local.abs).catch(() => undefined);
  return info !== undefined && info.isFile() && info.size === local.size && info.mtimeMs === local.mtimeMs;
}

/**
 * Completes each grown file in the stage and reports what every file was
 * installed as (`installed(file, state)`); returns what the commit replaces and adds.
 */
export async function completeUpdate(
  session: StagedSession,
  files: StagedFile[],
  held: Held,
  written: (path: string) => Promise<Uint8Array | undefined>,
  installed: (file: StagedFile, state: FileState) => Promise<void>,
): Promise<{ replaces: Replacement[]; adds: string[] }> {
  const replaces: Replacement[] = [];
  const adds: string[] = [];
  for (const file of files) {
    const staged = join(session.dir, ...file.path.split("/"));
    const local = held.local.get(file.path);
    if (file.arrived.from === 0) {
      if (local) throw new ProtocolError(`The sharer sent ${JSON.stringify(file.path)} of session ${session.id} whole in an update, but this machine has it`, { refused: true });
      adds.push(file.path);
      await installed(file, { size: (await lstat(staged)).size, sha256: (await written(file.path)) ?? file.arrived.sent.sha256 });
      continue;
    }
    if (!local) throw new ProtocolError(`The sharer sent the rest of ${JSON.stringify(file.path)} of session ${session.id}, which this machine does not have`, { refused: true });
    if (!(await unchanged(local))) throw changedHere(file.path);
    await installed(file, await joinInto(`${staged}.whole`, [local.abs, staged], local));
    await rename(`${staged}.whole`, staged);
    replaces.push({ path: file.path, local });
  }
  return { replaces, adds };
}

/** Writes `parts` one after another into the new file `to`, hashing them; the local part must not change meanwhile. */
async function joinInto(to: string, parts: string[], local: LocalFile): Promise<FileState> {
  const out = await open(to, "wx", 0o600);
  const hash = new StreamHash();
  let size = 0;
  try {
    const buffer = new Uint8Array(1 << 20);
    for (const part of parts) {
      const input = await open(part, READ_FLAGS);
      try {
        for (;;) {
          const { bytesRead } = await input.read(buffer, 0, buffer.length, null);
          if (bytesRead === 0) break;
          const chunk = buffer.subarray(0, bytesRead);
          hash.update(chunk);
          for (let done = 0; done < chunk.length; ) done += (await out.write(chunk, done, chunk.length - done)).bytesWritten;
          size += bytesRead;
        }
      } finally {
        await input.close();
      }
    }
  } finally {
    await out.close();
  }
  if (!(await unchanged(local))) {
    hash.dispose();
    throw changedHere(local.abs);
  }
  return { size, sha256: await hash.digest() };
}

/**
 * Places an update: new files first (never over anything), then each
 * completed file over its local one, the transcript last. Each replaced file
 * is kept (a hard link in the stage) until all are in, and put back if any
 * step fails.
 */
export async function commitUpdate(o: { stage: string; folder: string; id: string; replaces: Replacement[]; adds: string[] }): Promise<string> {
  const transcript = `${o.id}.jsonl`;
  const last = (a: { path: string }, b: { path: string }) => Number(a.path === transcript) - Number(b.path === transcript);
  const added: string[] = [];
  const kept: { backup: string; local: string }[] = [];
  try {
    for (const path of [...o.adds].sort((a, b) => last({ path: a }, { path: b }))) {
      const to = join(o.folder, ...path.split("/"));
      await mkdir(dirname(to), { recursive: true, mode: 0o700 });
      await placeFile(join(o.stage, ...path.split("/")), to);
      added.push(to);
    }
    for (const r of [...o.replaces].sort(last)) {
      if (!(await unchanged(r.local))) throw changedHere(r.path);
      const backup = `${join(o.stage, ...r.path.split("/"))}.old`;
      await link(r.local.abs, backup);
      kept.push({ backup, local: r.local.abs });
      await rename(join(o.stage, ...r.path.split("/")), r.local.abs);
    }
    return join(o.folder, transcript);
  } catch (error) {
    for (const path of added.reverse()) await rm(path, { force: true });
    for (const k of kept.reverse()) await rename(k.backup, k.local).catch(() => undefined);
    throw error;
  } finally {
    for (const k of kept) await unlink(k.backup).catch(() => undefined);
  }
}
