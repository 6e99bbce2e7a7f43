// Helpers for the redact tests: a session's files as a share offers them,
// and the bytes of a directory tree. Temp dirs go after the run (support/cleanup.ts).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { CatalogEntry, OfferedSession, SessionFile } from "../../src/catalog/entry.ts";
import { writeSecretSession, type SecretSession } from "../fixtures/secrets.ts";
import { tempDir } from "../support/cleanup.ts";

export { tempDir };

/** A file on disk as a share offers it. */
export function offered(abs: string, path = abs.split("/").at(-1)!): SessionFile {
  return { path, abs, size: statSync(abs).size };
}

export function entryFor(id: string, o: Partial<CatalogEntry> = {}): CatalogEntry {
  return { id, title: "A session", firstPrompt: "", project: "/home/alice/src/app", branch: "main", messages: 2, created: "", modified: "", bytes: 0, subagents: 0, version: "2.1.215", folder: "-home-alice-src-app", ...o };
}

/** The credential session of fixtures/secrets.ts, written to a fresh store, as a share offers it. */
export function secretSession(seed?: string): { session: SecretSession; offer: OfferedSession; config: string } {
  const config = join(tempDir("ccshare-redact-test-"), ".claude");
  const session = writeSecretSession(config, { seed });
  const dir = join(config, "projects", session.folder);
  const files = session.files.map((p) => offered(join(dir, p), p));
  const entry = entryFor(session.id, { title: "Deploy keys", firstPrompt: "Deploy needs these", bytes: files.reduce((n, f) => n + f.size, 0), subagents: 1 });
  return { session, offer: { entry, files }, config };
}

/** Every file under `dir`, with its bytes. */
export function filesUnder(dir: string): { path: string; bytes: Buffer }[] {
  const out: { path: string; bytes: Buffer }[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out.push({ path, bytes: readFileSync(path) });
  }
  return out;
}

/** The forms a secret can take in stored bytes: as is, and JSON-escaped (a PEM's newlines, quotes). */
export function forms(value: string): string[] {
  const escaped = JSON.stringify(value).slice(1, -1);
  const twice = JSON.stringify(escaped).slice(1, -1);
  return [...new Set([value, escaped, twice])];
}

/** The secrets of `values` that appear, in any form, in `bytes`. */
export function leaked(bytes: Buffer, values: string[]): string[] {
  const text = bytes.toString("latin1");
  return values.filter((v) => forms(v).some((f) => text.includes(f)));
}
