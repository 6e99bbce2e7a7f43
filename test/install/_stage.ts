// Test helpers for install(): a source store written by the fixture generator,
// its sessions "received" into staging dirs (what pack/decode hands over), and
// a fresh receiver (HOME + CLAUDE_CONFIG_DIR) per test. Temp dirs are removed
// when the test file ends.
import { afterAll } from "bun:test";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { StagedSession } from "../../src/install/install.ts";
import { writeSession, type FixtureSession, type SessionSpec } from "../fixtures/store.ts";

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

export function tempDir(prefix = "ccshare-install-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

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

/** Copies a fixture session's files into a fresh staging dir, as the decoder would leave them. */
export function stage(session: FixtureSession, sourceConfig: string): StagedSession {
  const dir = tempDir("ccshare-staged-");
  for (const file of session.files) {
    const to = join(dir, file);
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(join(sourceConfig, "projects", session.folder, file), to);
  }
  return { id: session.id, project: session.cwd, dir, files: [...session.files] };
}

/** Every path under `dir`, relative, "/"-separated, sorted (dirs end with "/"). */
export function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (at: string, prefix: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
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
