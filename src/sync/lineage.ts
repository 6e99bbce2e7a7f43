// Where an installed session came from (docs/PROTOCOL.md §8): for each of its
// files, the sender's file as it was sent (`origin`) and the file as it was
// installed here, its cwd and paths moved (`installed`, with the mtime it was
// given). It is what lets a session go back and forth without forking: the
// sender of an update and the receiver of one both recognise a file by it,
// although the bytes on each machine differ in their paths.
//
// Kept beside the session, in `<project folder>/.ccshare/<id>.json` (Claude
// Code reads only `<uuid>.jsonl` and `<uuid>/` in a project folder), written
// by rename so that a reader sees a whole record or the one before.
import { Buffer } from "node:buffer";
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { FileState, Lineage } from "../pack/records.ts";

export interface FileLineage extends Lineage {
  /** The mtime the installed file was given: while size and mtime are unchanged, its bytes are `installed`. */
  mtimeMs: number;
}

/** By path relative to the project folder. */
export type SessionLineage = Map<string, FileLineage>;

const DIR = ".ccshare";

export function lineagePath(folder: string, id: string): string {
  return join(folder, DIR, `${id}.json`);
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
const SHA256_HEX = /^[0-9a-f]{64}$/;

function state(v: unknown): FileState | undefined {
  const s = v as { size?: unknown; sha256?: unknown } | null;
  if (!s || typeof s.size !== "number" || !Number.isSafeInteger(s.size) || s.size < 0 || typeof s.sha256 !== "string" || !SHA256_HEX.test(s.sha256)) return undefined;
  return { size: s.size, sha256: new Uint8Array(Buffer.from(s.sha256, "hex")) };
}

/** The lineage of session `id` in `folder`; empty when ccshare did not install it (or its record is damaged). */
export async function readLineage(folder: string, id: string): Promise<SessionLineage> {
  const lineage: SessionLineage = new Map();
  let data: { files?: Record<string, { origin?: unknown; installed?: unknown; mtimeMs?: unknown }> };
  const path = lineagePath(folder, id);
  // Sync, and no exception for the common "none": it is asked for every session a receiver holds.
  if (!existsSync(path)) return lineage;
  try {
    data = JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return lineage;
  }
  for (const [path, file] of Object.entries(data?.files ?? {})) {
    const origin = state(file?.origin);
    const installed = state(file?.installed);
    if (origin && installed && typeof file.mtimeMs === "number") lineage.set(path, { origin, installed, mtimeMs: file.mtimeMs });
  }
  return lineage;
}

/** Replaces the record of session `id` (an empty lineage removes it). */
export async function writeLineage(folder: string, id: string, lineage: SessionLineage): Promise<void> {
  const path = lineagePath(folder, id);
  if (lineage.size === 0) return rm(path, { force: true });
  const files: Record<string, object> = {};
  for (const [file, l] of lineage) {
    files[file] = { origin: { size: l.origin.size, sha256: hex(l.origin.sha256) }, installed: { size: l.installed.size, sha256: hex(l.installed.sha256) }, mtimeMs: l.mtimeMs };
  }
  await mkdir(join(folder, DIR), { recursive: true, mode: 0o700 });
  const temp = `${path}.${randomUUID()}.tmp`;
  try {
    await writeFile(temp, `${JSON.stringify({ files })}\n`, { mode: 0o600, flag: "wx" });
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
