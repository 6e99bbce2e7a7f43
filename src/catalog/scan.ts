// Walks projects/ and finds session files in every layout (SESSIONS-FORMAT.md
// "Where"): top-level `<uuid>.jsonl` files, their `<uuid>/` folders (2.1.x
// subagents, tool results), and legacy sibling `agent-*.jsonl` files (2.0.x).
// A `sessions-index.json` is a stale cache: never read.
import { readdirSync, statSync, type Dirent } from "node:fs";
import { join } from "node:path";
import type { SessionFile } from "./entry.ts";
import { AGENT_FILE, isSessionId, projectsRoots } from "./paths.ts";

/** A file as the cache keys it. */
export interface FileStat {
  path: string;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}

export interface SessionLocation extends FileStat {
  id: string;
  /** The project folder name under projects/. */
  folder: string;
  /** The project folder's absolute path. */
  dir: string;
  /** A `<id>/` folder exists beside the file. */
  hasFolder: boolean;
}

export interface ProjectFolder {
  folder: string;
  dir: string;
  sessions: SessionLocation[];
  /** Legacy 2.0.x subagent transcripts beside the sessions (their owner is in their lines). */
  agentFiles: FileStat[];
}

export interface ScanResult {
  folders: ProjectFolder[];
  /** Paths that could not be read, with the reason. */
  unreadable: { path: string; reason: string }[];
}

function entries(dir: string, unreadable: ScanResult["unreadable"], missingIsFine: boolean): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (!(missingIsFine && (code === "ENOENT" || code === "ENOTDIR"))) unreadable.push({ path: dir, reason: code ?? String(error) });
    return [];
  }
}

/** Stats a regular file (following a symlink); undefined for anything else. */
function fileStat(path: string, unreadable: ScanResult["unreadable"]): FileStat | undefined {
  try {
    const s = statSync(path);
    return s.isFile() ? { path, size: s.size, mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs } : undefined;
  } catch (error) {
    unreadable.push({ path, reason: (error as { code?: string }).code ?? String(error) });
    return undefined;
  }
}

/** One project folder: its non-empty session files, `<id>/` folders and sibling agent files. */
export function scanFolder(dir: string, folder: string, unreadable: ScanResult["unreadable"]): ProjectFolder {
  const found: ProjectFolder = { folder, dir, sessions: [], agentFiles: [] };
  const list = entries(dir, unreadable, true);
  const folders = new Set(list.filter((e) => e.isDirectory()).map((e) => e.name));
  for (const e of list) {
    if (!e.isFile() && !e.isSymbolicLink()) continue;
    if (AGENT_FILE.test(e.name)) {
      const s = fileStat(join(dir, e.name), unreadable);
      if (s && s.size > 0) found.agentFiles.push(s);
      continue;
    }
    if (!e.name.endsWith(".jsonl")) continue;
    const id = e.name.slice(0, -".jsonl".length);
    if (!isSessionId(id)) continue;
    const s = fileStat(join(dir, e.name), unreadable);
    if (s && s.size > 0) found.sessions.push({ ...s, id, folder, dir, hasFolder: folders.has(id) });
  }
  return found;
}

/** Every project folder under every projects/ root ($CLAUDE_CONFIG_DIR or ~/.claude, and legacy ~/.config/claude). */
export function scanProjects(env: Record<string, string | undefined>): ScanResult {
  const result: ScanResult = { folders: [], unreadable: [] };
  for (const root of projectsRoots(env)) {
    for (const e of entries(root, result.unreadable, true)) {
      if (e.isDirectory()) result.folders.push(scanFolder(join(root, e.name), e.name, result.unreadable));
    }
  }
  return result;
}

/** Every file under `base/rel`, recursively, sorted, with "/"-separated paths relative to `base`. */
export function walkFiles(base: string, rel: string, out: SessionFile[] = []): SessionFile[] {
  let list: Dirent[];
  try {
    list = readdirSync(join(base, rel), { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const child = `${rel}/${e.name}`;
    if (e.isDirectory()) walkFiles(base, child, out);
    else if (e.isFile()) {
      try {
        const abs = join(base, child);
        const info = statSync(abs);
        out.push({ path: child, abs, size: info.size, mtimeMs: info.mtimeMs });
      } catch {
        // Vanished between readdir and stat: a live session writing; skip it.
      }
    }
  }
  return out;
}
