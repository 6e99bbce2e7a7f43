// The session catalog: every session on this machine as a CatalogEntry
// (SESSIONS-FORMAT.md "Catalog fields"), the lookup of one by id or prefix, and
// the files that travel with one. Reading is skipped for files the cache knows.
import { existsSync, realpathSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { AmbiguousSessionError, SessionNotFoundError, UsageError } from "../errors.ts";
import { agentOwner } from "./agent_owner.ts";
import { FileCache } from "./cache.ts";
import type { CatalogEntry, OfferedSession, SessionFile } from "./entry.ts";
import { AGENT_FILE, cacheDir, projectsRoots } from "./paths.ts";
import { scanFolder, scanProjects, walkFiles, type FileStat, type ProjectFolder, type ScanResult, type SessionLocation } from "./scan.ts";
import { summarizeFile, type FileSummary } from "./summarize.ts";

type Env = Record<string, string | undefined>;

export interface ListOptions {
  /** Only sessions recorded in this directory. */
  project?: string;
  /** Only sessions modified at or after this time. */
  since?: Date;
  /** Only sessions whose title or first prompt contains this text (any case). */
  grep?: string;
  env?: Env;
}

/** A file or folder of the store that could not be read, and why (an errno code). */
export interface Unreadable {
  path: string;
  reason: string;
}

/** Sessions, and what of the store could not be read on the way (the caller reports it: STYLE.md rule 11). */
export interface Listing<T> {
  sessions: T[];
  unreadable: Unreadable[];
}

/** One run over the store: the cache, and what could not be read. */
class Reading {
  readonly cache: FileCache;
  readonly unreadable: ScanResult["unreadable"] = [];
  private owners = new Map<string, Map<string, FileStat[]>>();

  constructor(env: Env) {
    this.cache = FileCache.open(cacheDir(env), projectsRoots(env));
  }

  summary(loc: SessionLocation): FileSummary | undefined {
    const known = this.cache.get(loc);
    if (known !== undefined) return typeof known === "object" ? known : undefined;
    try {
      const summary = summarizeFile(loc.path);
      this.cache.set(loc, summary ?? 0);
      return summary;
    } catch (error) {
      this.unreadable.push({ path: loc.path, reason: (error as { code?: string }).code ?? String(error) });
      return undefined;
    }
  }

  /** Legacy sibling agent files of this folder, by the session id in their lines. */
  agentsOf(folder: ProjectFolder, id: string): FileStat[] {
    let byOwner = this.owners.get(folder.dir);
    if (!byOwner) {
      byOwner = new Map();
      for (const file of folder.agentFiles) {
        let owner = this.cache.get(file);
        if (typeof owner !== "string") {
          try {
            owner = agentOwner(file.path);
            this.cache.set(file, owner);
          } catch (error) {
            this.unreadable.push({ path: file.path, reason: (error as { code?: string }).code ?? String(error) });
            continue;
          }
        }
        byOwner.set(owner, [...(byOwner.get(owner) ?? []), file]);
      }
      this.owners.set(folder.dir, byOwner);
    }
    return byOwner.get(id) ?? [];
  }

  entry(folder: ProjectFolder, loc: SessionLocation, summary: FileSummary): CatalogEntry {
    const files = filesOf(loc, this.agentsOf(folder, loc.id));
    const modified = new Date(loc.mtimeMs).toISOString();
    return {
      id: loc.id,
      title: summary.title,
      firstPrompt: summary.firstPrompt,
      project: summary.project,
      branch: summary.branch,
      messages: summary.messages,
      created: summary.created || modified,
      modified,
      bytes: files.reduce((sum, f) => sum + f.size, 0),
      subagents: files.filter((f) => AGENT_FILE.test(basename(f.path)) && (!f.path.includes("/") || f.path.startsWith(`${loc.id}/subagents/`))).length,
      version: summary.version,
      folder: loc.folder,
    };
  }

  /** Saves the cache; returns what could not be read. */
  finish(o: { prune: boolean }): Unreadable[] {
    this.cache.save(o);
    return this.unreadable;
  }
}

function filesOf(loc: SessionLocation, agents: FileStat[]): SessionFile[] {
  const files: SessionFile[] = [{ path: `${loc.id}.jsonl`, abs: loc.path, size: loc.size, mtimeMs: loc.mtimeMs }];
  if (loc.hasFolder) walkFiles(loc.dir, loc.id, files);
  for (const a of agents) files.push({ path: basename(a.path), abs: a.path, size: a.size, mtimeMs: a.mtimeMs });
  return files;
}

/** The directory as sessions record it: absolute, symlinks resolved, NFC, no trailing separator. */
function projectKey(dir: string): string {
  let path = resolve(dir);
  if (existsSync(path)) path = realpathSync(path);
  return path.normalize("NFC").replace(/(?<=.)[\\/]+$/, "");
}

function matches(entry: CatalogEntry, o: ListOptions, project: string[]): boolean {
  if (project.length && !project.includes(entry.project.normalize("NFC").replace(/(?<=.)[\\/]+$/, ""))) return false;
  if (o.grep) {
    const needle = o.grep.toLowerCase();
    if (!entry.title.toLowerCase().includes(needle) && !entry.firstPrompt.toLowerCase().includes(needle)) return false;
  }
  return true;
}

/** Every session, newest first, narrowed by project, date and text. */
export async function listSessions(o: ListOptions = {}): Promise<Listing<CatalogEntry>> {
  const env = o.env ?? process.env;
  const scan = scanProjects(env);
  const reading = new Reading(env);
  reading.unreadable.push(...scan.unreadable);
  const project = o.project === undefined ? [] : [...new Set([projectKey(o.project), o.project.replace(/(?<=.)[\\/]+$/, "")])];
  const since = o.since?.getTime() ?? -Infinity;
  const found: CatalogEntry[] = [];
  for (const folder of scan.folders) {
    for (const loc of folder.sessions) {
      if (loc.mtimeMs < since) continue;
      const summary = reading.summary(loc);
      if (!summary) continue;
      const entry = reading.entry(folder, loc, summary);
      if (matches(entry, o, project)) found.push(entry);
    }
  }
  const unreadable = reading.finish({ prune: o.since === undefined });
  return { sessions: found.sort((a, b) => (a.modified < b.modified ? 1 : a.modified > b.modified ? -1 : a.id < b.id ? -1 : 1)), unreadable };
}

/** The one session with this id, or the one whose id starts with this prefix (files it cannot read are passed over). */
export async function findSession(idOrPrefix: string, env: Env = process.env): Promise<CatalogEntry> {
  const wanted = idOrPrefix.trim().toLowerCase();
  if (!/^[0-9a-f-]{1,36}$/.test(wanted)) {
    throw new UsageError(`"${idOrPrefix}" is not a session id: expected a UUID or its first characters, like 3f2a9c4e.`);
  }
  const scan = scanProjects(env);
  const reading = new Reading(env);
  const found: CatalogEntry[] = [];
  for (const folder of scan.folders) {
    for (const loc of folder.sessions) {
      if (!loc.id.startsWith(wanted)) continue;
      const summary = reading.summary(loc);
      if (summary) found.push(reading.entry(folder, loc, summary));
    }
  }
  reading.finish({ prune: false });
  if (found.length === 1) return found[0]!;
  if (found.length === 0) throw new SessionNotFoundError(`No session with id ${wanted}; run \`ccshare list\` to see them.`);
  const candidates = found
    .sort((a, b) => (a.modified < b.modified ? 1 : -1))
    .map((e) => `  ${e.id}  ${e.title.replace(/\s+/g, " ").slice(0, 60)}  (${e.project})`)
    .join("\n");
  throw new AmbiguousSessionError(`${found.length} sessions match ${wanted}; give more of the id:\n${candidates}`);
}

/** The folder of a catalog entry: the first projects/ root that holds its file. */
function locate(entry: CatalogEntry, env: Env, scanned = new Map<string, ProjectFolder>(), unreadable: ScanResult["unreadable"] = []): { loc: SessionLocation; folder: ProjectFolder } {
  for (const root of projectsRoots(env)) {
    const dir = join(root, entry.folder);
    if (!existsSync(join(dir, `${entry.id}.jsonl`))) continue;
    let folder = scanned.get(dir);
    if (!folder) scanned.set(dir, (folder = scanFolder(dir, entry.folder, unreadable)));
    const loc = folder.sessions.find((s) => s.id === entry.id);
    if (loc) return { loc, folder };
  }
  throw new SessionNotFoundError(`Session ${entry.id} is no longer in ${entry.folder}; run \`ccshare list\` again.`);
}

/**
 * The files of each session: its file, everything under `<id>/`, and legacy
 * sibling agent files; paths relative to the project folder. One cache read and
 * one scan per folder for all of them: sharing 60 sessions used to read the
 * cache 60 times.
 */
async function filesOfSessions(entries: CatalogEntry[], env: Env): Promise<Listing<SessionFile[]>> {
  const reading = new Reading(env);
  const scanned = new Map<string, ProjectFolder>();
  const files = entries.map((entry) => {
    const { loc, folder } = locate(entry, env, scanned, reading.unreadable);
    return filesOf(loc, reading.agentsOf(folder, loc.id));
  });
  return { sessions: files, unreadable: reading.finish({ prune: false }) };
}

/** What a sharer offers: each chosen session with the files it travels as. */
export async function offerSessions(entries: CatalogEntry[], env: Env = process.env): Promise<Listing<OfferedSession>> {
  const { sessions: files, unreadable } = await filesOfSessions(entries, env);
  return { sessions: entries.map((entry, i) => ({ entry, files: files[i]!, root: dirname(files[i]![0]!.abs) })), unreadable };
}

/** The files of one session (see filesOfSessions). */
export async function sessionFiles(entry: CatalogEntry, env: Env = process.env): Promise<SessionFile[]> {
  return (await filesOfSessions([entry], env)).sessions[0]!;
}
