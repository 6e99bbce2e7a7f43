// Test helpers for the installer: a source store written by the fixture
// generator, its sessions copied out as a sharer would send them, and a fresh
// receiver (HOME + CLAUDE_CONFIG_DIR) per test. install() here is the path a
// user's receive takes: each file goes through the real encoder and CBOR, then
// through install/incoming.ts (Unpacker, line edits on arrival, prepare,
// commit). Temp dirs are removed when the test file ends.
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { Incoming, type IncomingOptions } from "../../src/install/incoming.ts";
import type { InstallResult } from "../../src/install/install.ts";
import { fileRecords } from "../../src/pack/encode.ts";
import { decodeRecord, encodeRecord, type CatalogSession, type Record as PackRecord } from "../../src/pack/records.ts";
import { writeSession, type FixtureSession, type SessionSpec } from "../fixtures/store.ts";

import { tempDir } from "../support/cleanup.ts";

export { tempDir };

export interface Receiver {
  home: string;
  config: string;
  env: Record<string, string>;
}

/** A receiver with its own HOME and CLAUDE_CONFIG_DIR. */
export function receiver(): Receiver {
  const home = tempDir("ccshare-receiver-");
  const config = join(home, ".claude");
  mkdirSync(config, { recursive: true });
  return { home, config, env: { HOME: home, CLAUDE_CONFIG_DIR: config } };
}

/** A sharer's store with the given sessions. */
export function source(specs: SessionSpec[]): { config: string; sessions: FixtureSession[] } {
  const config = join(tempDir("ccshare-source-"), ".claude");
  return { config, sessions: specs.map((spec) => writeSession(config, spec)) };
}

/** A session as a sharer offers it: its files in a dir of their own (tests may change them), and the project it records. */
export interface SentSession {
  id: string;
  /** The cwd the sharer's catalog gives for it. */
  project: string;
  dir: string;
  /** Relative paths, in the order they are sent. */
  files: string[];
}

/** Copies a fixture session's files into a fresh dir, to be sent from there. */
export function stage(session: FixtureSession, sourceConfig: string): SentSession {
  const dir = tempDir("ccshare-sent-");
  for (const file of session.files) {
    const to = join(dir, file);
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(join(sourceConfig, "projects", session.folder, file), to);
  }
  return { id: session.id, project: session.cwd, dir, files: [...session.files] };
}

/** The catalog entry a sharer sends for `s`: its files and their bytes as they are now. */
export function catalogSession(s: { id: string; project: string; files: string[]; dir?: string }): CatalogSession {
  const bytes = s.dir ? s.files.reduce((n, path) => n + statSync(join(s.dir!, path)).size, 0) : 0;
  return { id: s.id, title: s.id, firstPrompt: "", project: s.project, branch: "", messages: 1, created: "", modified: "", bytes, files: s.files.length, subagents: 0, version: "" };
}

/** Every record a sharer sends after the catalog, for these sessions, through CBOR as a peer decodes it. */
export async function* sent(sessions: SentSession[], o: { chunkBytes?: number } = {}): AsyncGenerator<PackRecord> {
  for (const s of sessions) {
    for (const path of s.files) {
      const abs = join(s.dir, path);
      for await (const r of fileRecords({ file: { path, abs, size: statSync(abs).size }, from: 0 }, s.id, o)) yield decodeRecord(encodeRecord(r));
    }
  }
  yield { k: "done" };
}

/** Receives `records` (what follows the catalog) as a live receive or an import does, aborting on any failure as the CLI does. */
export async function receive(o: IncomingOptions, records: AsyncIterable<PackRecord> | Iterable<PackRecord>): Promise<InstallResult> {
  const incoming = await Incoming.open(o);
  try {
    for await (const record of records) await incoming.accept(record);
    return await incoming.install();
  } catch (error) {
    await incoming.abort();
    throw error;
  } finally {
    await incoming.dispose();
  }
}

/** The error a receive of `records` is refused with, after the abort and dispose a receiver does then; undefined if it installed. */
export async function refusal(o: IncomingOptions, records: AsyncIterable<PackRecord> | Iterable<PackRecord>): Promise<unknown> {
  try {
    await receive(o, records);
    return undefined;
  } catch (error) {
    return error;
  }
}

/**
 * Receives `staged` through install/incoming.ts and installs it into `into`.
 * `sourceProject` stands for the project the sharer's catalog records.
 */
export async function install(o: { staged: SentSession[]; into: string; env: Record<string, string | undefined>; now?: Date; sourceProject?: string; chunkBytes?: number }): Promise<InstallResult> {
  const catalog = o.staged.map((s) => catalogSession({ ...s, project: o.sourceProject ?? s.project }));
  return receive({ catalog, wanted: new Set(o.staged.map((s) => s.id)), into: o.into, env: o.env, now: o.now }, sent(o.staged, { chunkBytes: o.chunkBytes }));
}
/**
 * Every path under `dir`, relative, "/"-separated, sorted (dirs end with "/").
 * A project folder's `.ccshare/` (the lineage of what ccshare installed,
 * sync/lineage.ts, tested on its own) is left out.
 */
export function tree(dir: string): string[] {
  const out: string[] = [];
  if (!existsSync(dir)) return out;
  const walk = (at: string, prefix: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      if (prefix === "" && entry.name === ".ccshare" && entry.isDirectory()) continue;
      const rel = prefix + entry.name;
      if (entry.isDirectory()) {
        out.push(`${rel}/`);
        walk(join(at, entry.name), `${rel}/`);
      } else out.push(rel);
    }
  };
  walk(dir, "");
  return out.sort();
}

/** Top-level JSON values of each line that parses (torn lines skipped). */
export function parsedLines(text: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const line of text.split("\n")) {
    try {
      out.push(JSON.parse(line));
    } catch {
      // torn or empty
    }
  }
  return out;
}
