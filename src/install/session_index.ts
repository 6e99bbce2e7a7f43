// The `sessions-index.json` cache some project folders hold (SESSIONS-FORMAT.md
// "Other state"; install step 7). Builds 2.0.x-early 2.1.x listed sessions from
// it, so an installed session gets an entry there; current builds ignore it
// (2.1.330's bundle never mentions the file).
//
// The index belongs to Claude Code and its shape is not ours: anything we do not
// recognise (unparseable, no `entries` array) is left exactly as it is, unknown
// fields are kept, and the new version replaces the old one by an atomic rename.
import { randomUUID } from "node:crypto";
import { open, readFile, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { summarizeFile } from "../catalog/summarize.ts";

interface SessionIndexEntry {
  sessionId: string;
  fullPath: string;
  /** ms since the epoch, as the index stores it. */
  fileMtime: number;
  firstPrompt: string;
  messageCount: number;
  created: string;
  modified: string;
  gitBranch: string;
  projectPath: string;
  isSidechain: boolean;
}

/**
 * Adds (or replaces, by sessionId) an entry for each installed session in
 * `<folder>/sessions-index.json`, if that file exists and is an object with an
 * `entries` array. The entry's facts are the catalog's (catalog/summarize.ts),
 * read from the installed transcript: most folders have no index, and then no
 * line is ever decoded. Never throws: the sessions are already installed and
 * the index is only a cache.
 */
export async function addToSessionIndex(folder: string, placed: readonly { id: string; path: string }[], o: { target: string; now: Date }): Promise<boolean> {
  if (placed.length === 0) return false;
  const path = join(folder, "sessions-index.json");
  let text: string;
  let mode: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) return false;
    text = await readFile(path, "utf8");
    mode = info.mode & 0o777;
  } catch {
    return false;
  }
  let index: unknown;
  try {
    index = JSON.parse(text);
  } catch {
    return false;
  }
  if (index === null || typeof index !== "object" || Array.isArray(index)) return false;
  const existing = (index as { entries?: unknown }).entries;
  if (!Array.isArray(existing)) return false;
  const entries = placed.map(({ id, path }) => indexEntry(id, path, o.target, o.now));
  const ids = new Set(entries.map((e) => e.sessionId));
  const kept = existing.filter((e) => !ids.has((e as { sessionId?: unknown } | null)?.sessionId as string));
  const updated = { ...(index as object), entries: [...kept, ...entries] };
  // Keep the file's own layout: indented if it was.
  const serialised = /^\{\s*\n/.test(text) ? JSON.stringify(updated, null, 2) : JSON.stringify(updated);
  const temp = join(folder, `.sessions-index.json.ccshare-${randomUUID()}`);
  try {
    const handle = await open(temp, "wx", mode);
    try {
      await handle.writeFile(serialised + (text.endsWith("\n") ? "\n" : ""));
      await handle.chmod(mode);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
    return true;
  } catch {
    await rm(temp, { force: true });
    return false;
  }
}

function indexEntry(id: string, path: string, target: string, now: Date): SessionIndexEntry {
  let summary: ReturnType<typeof summarizeFile>;
  try {
    summary = summarizeFile(path);
  } catch {
    // the index is only a cache: an entry with what is known
  }
  return {
    sessionId: id,
    fullPath: path,
    fileMtime: now.getTime(),
    firstPrompt: summary?.firstPrompt ?? "",
    messageCount: summary?.messages ?? 0,
    created: summary?.created || now.toISOString(),
    modified: now.toISOString(),
    gitBranch: summary?.branch ?? "",
    projectPath: target,
    isSidechain: false,
  };
}
