// Shared by the bundle tests: a sharer's store written by the fixture generator,
// a receiver with one session already installed (so "nothing was installed"
// means "the projects folder is exactly as it was"), cheap scrypt parameters,
// and the byte-exact check of an install (every byte but the rewritten cwd).
import { expect } from "bun:test";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { join } from "node:path";
import { listSessions, sessionFiles } from "../../src/catalog/catalog.ts";
import type { ScryptParams } from "../../src/crypto/bundle_kdf.ts";
import type { OfferedSession } from "../../src/catalog/entry.ts";
import { writeSession, writeStore, type FixtureSession, type SessionSpec } from "../fixtures/store.ts";

import { tempDir } from "../support/cleanup.ts";

export { tempDir };

/** scrypt at N = 2^10: milliseconds instead of a second; the header carries it, so import follows. */
export function fastScrypt(): ScryptParams {
  return { N: 2 ** 10, r: 8, p: 1, salt: crypto.getRandomValues(new Uint8Array(16)) };
}

export type Env = Record<string, string>;

export interface Store {
  home: string;
  config: string;
  env: Env;
  sessions: FixtureSession[];
}

function envFor(home: string): Env {
  return { HOME: home, USERPROFILE: home, CLAUDE_CONFIG_DIR: join(home, ".claude"), XDG_CACHE_HOME: join(home, ".cache") };
}

/** A sharer's store: the fixture generator's varied one, or just the given sessions. */
export function sharer(specs?: SessionSpec[]): Store {
  const home = tempDir("ccshare-bundle-src-");
  const config = join(home, ".claude");
  mkdirSync(config, { recursive: true });
  const sessions = specs ? specs.map((spec) => writeSession(config, spec)) : writeStore(config);
  return { home, config, env: envFor(home), sessions };
}

/** What `export --all` offers from a store: every session with its files, as the CLI finds them. */
export async function offered(store: Store): Promise<OfferedSession[]> {
  const entries = (await listSessions({ env: store.env })).sessions;
  return Promise.all(entries.map(async (entry) => ({ entry, files: await sessionFiles(entry, store.env) })));
}

export interface Receiver {
  home: string;
  config: string;
  projects: string;
  env: Env;
  /** The directory sessions are installed for (a realpath). */
  target: string;
}

/** A receiver whose store already holds one session of its own. */
export function receiver(): Receiver {
  const home = tempDir("ccshare-bundle-dst-");
  const config = join(home, ".claude");
  mkdirSync(config, { recursive: true });
  writeSession(config, { era: "2.1", cwd: "/home/sam/src/own", seed: "receiver's own session" });
  const target = realpathSync(mkdtempSync(join(home, "target-")));
  return { home, config, projects: join(config, "projects"), env: envFor(home), target };
}

/** Every file under `dir` with its SHA-256, and every folder: equal snapshots mean nothing changed. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (at: string, prefix: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const rel = prefix + entry.name;
      if (entry.isDirectory()) {
        out[`${rel}/`] = "dir";
        walk(join(at, entry.name), `${rel}/`);
      } else out[rel] = createHash("sha256").update(readFileSync(join(at, entry.name))).digest("hex");
    }
  };
  if (existsSync(dir)) walk(dir, "");
  return out;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * What the installer makes of a JSONL file: the recorded cwd moved, and paths
 * into the sharer's project folder moved to the receiver's, except on a line
 * holding a thinking block (its text is signed).
 */
function rewritten(original: Buffer, project: string, target: string, folders: { from: string; to: string }): Buffer {
  const lines = original.toString("latin1").split("\n").map((line) => {
    try {
      JSON.parse(utf8.decode(Buffer.from(line, "latin1")));
    } catch {
      return line;
    }
    for (const key of ["cwd", "relocatedCwd"]) line = line.replaceAll(bytes(`"${key}":${JSON.stringify(project)}`), bytes(`"${key}":${JSON.stringify(target)}`));
    if (!line.includes('"type":"thinking"') && !line.includes('"type":"redacted_thinking"')) line = line.replaceAll(bytes(`${folders.from}/`), bytes(`${folders.to}/`));
    return line;
  });
  return Buffer.from(lines.join("\n"), "latin1");
}

/** UTF-8 bytes as a latin1 string, so byte sequences can be replaced without decoding them. */
const bytes = (text: string) => Buffer.from(text, "utf8").toString("latin1");

/**
 * The installed copy of each file is the sharer's byte for byte, except that a
 * transcript's recorded cwd (and a `relocated` line's relocatedCwd) equal to the
 * session's project now names the target (SESSIONS-FORMAT.md install step 4).
 * Lines that are not JSON (torn, or not UTF-8) are copied as they are.
 * Returns the number of files compared.
 */
export function expectInstalledExactly(store: Store, session: FixtureSession, folder: string, target: string): number {
  for (const file of session.files) {
    const original = readFileSync(join(store.config, "projects", session.folder, file));
    const installed = readFileSync(join(folder, file));
    const folders = { from: join(store.config, "projects", session.folder), to: folder };
    const expected = file.endsWith(".jsonl") ? rewritten(original, session.project, target, folders) : original;
    expect({ file, same: installed.equals(expected) }).toEqual({ file, same: true });
    expect(statSync(join(folder, file)).mode & 0o777).toBe(0o600);
  }
  return session.files.length;
}
