// Shared by the pack tests: building record streams by hand (including hostile
// ones) and feeding them to an Unpacker in a throwaway folder.
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { zstdCompressSync } from "node:zlib";
import { Unpacker, type UnpackedSession } from "../../src/pack/decode.ts";
import type { Limits } from "../../src/pack/limits.ts";
import type { OfferedSession, SessionFile } from "../../src/catalog/entry.ts";
import { sessionStream } from "../../src/pack/encode.ts";
import { decodeRecord, type Record } from "../../src/pack/records.ts";
import { tempDir } from "../support/cleanup.ts";

export const SESSION = "3f2a9c4e-8b1d-4c6e-9a7f-2d5e8c1b4a90";
export const OTHER_SESSION = "11111111-2222-4333-8444-555555555555";

export function sha256(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash("sha256").update(bytes).digest());
}

export function zstd(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(zstdCompressSync(bytes));
}

export function text(s: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(s);
}

/** A well-formed file: file, one data record per chunk, end. */
export function fileStream(path: string, content: Uint8Array, session = SESSION, chunk = 1 << 20): Record[] {
  const records: Record[] = [{ k: "file", session, path, size: content.length }];
  for (let i = 0; i < content.length; i += chunk) records.push({ k: "data", z: zstd(content.subarray(i, i + chunk)) });
  records.push({ k: "end", sha256: sha256(content) });
  return records;
}

export const DONE: Record = { k: "done" };

/** A session offered with these files and a plain catalog entry (what pack/ needs of one). */
export function offeredSession(id: string, files: SessionFile[]): OfferedSession {
  const bytes = files.reduce((n, f) => n + f.size, 0);
  const when = "2026-07-19T10:00:00.000Z";
  const entry = { id, title: id, firstPrompt: "", project: "/home/alice/src/app", branch: "", messages: 1, created: when, modified: when, bytes, subagents: 0, version: "2.1.0", folder: "-home-alice-src-app" };
  return { entry, files };
}

/** The records after the catalog of a sessionStream, decoded as a peer decodes them: the part an Unpacker takes. */
export async function* fileParts(sessions: OfferedSession[]): AsyncGenerator<Record> {
  for await (const { plain } of sessionStream({ sessions })) {
    const record = decodeRecord(plain);
    if (record.k !== "catalog") yield record;
  }
}

/** A valid transcript, sent first in attack streams so that the staging dir exists when the attack lands. */
export const TRANSCRIPT = text('{"type":"user","message":{"role":"user","content":"hi"}}\n');
export function validStart(): Record[] {
  return fileStream(`${SESSION}.jsonl`, TRANSCRIPT);
}

export interface Sandbox {
  /** The parent of the staging dir: nothing but the staging dir may ever appear in it. */
  root: string;
  staging: string;
  unpacker: Unpacker;
}

/** Every sandbox lives here; each test file calls `afterAll(removeSandboxes)`. */
let parent = "";
export function removeSandboxes(): void {
  if (parent) rmSync(parent, { recursive: true, force: true });
  parent = "";
}

export function sandbox(o: { wanted?: string[]; limits?: Partial<Limits> } = {}): Sandbox {
  parent ||= tempDir("ccshare-pack-");
  const root = mkdtempSync(join(parent, "box-"));
  const staging = join(root, "staging");
  return { root, staging, unpacker: new Unpacker(staging, { wantedIds: new Set(o.wanted ?? [SESSION]), limits: o.limits }) };
}

/** Feeds every record, then finishes. */
export async function unpack(box: Sandbox, records: Iterable<Record> | AsyncIterable<Record>): Promise<UnpackedSession[]> {
  for await (const record of records) await box.unpacker.accept(record);
  return box.unpacker.finish();
}

/** The error a run ends in (or undefined if it succeeded). */
export async function failureOf(box: Sandbox, records: Iterable<Record>): Promise<unknown> {
  try {
    await unpack(box, records);
    return undefined;
  } catch (error) {
    return error;
  }
}

/** True when the sandbox holds nothing at all: no staging dir, no stray file beside it. */
export function leftNothing(box: Sandbox): boolean {
  return !existsSync(box.staging) && readdirSync(box.root).length === 0;
}
