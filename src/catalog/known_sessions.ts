// The sessions the catalog cache already knows, for shell completion of ids
// and titles: read from the cache alone, no file opened (a Tab press must not
// wait for a scan of the store). With no cache yet, one listing makes it.
import { basename } from "node:path";
import { FileCache } from "./cache.ts";
import { listSessions } from "./catalog.ts";
import { cacheDir, isSessionId, projectsRoots } from "./paths.ts";

export interface KnownSession {
  id: string;
  title: string;
  modifiedMs: number;
}

type Env = Record<string, string | undefined>;

function fromCache(env: Env): KnownSession[] {
  const found = new Map<string, KnownSession>();
  for (const { path, mtimeMs, summary } of FileCache.open(cacheDir(env), projectsRoots(env)).sessions()) {
    const id = basename(path, ".jsonl");
    if (isSessionId(id) && (found.get(id)?.modifiedMs ?? -1) < mtimeMs) found.set(id, { id, title: summary.title, modifiedMs: mtimeMs });
  }
  return [...found.values()];
}

/** Sessions whose id starts with `typed`, or whose title holds it (any case), newest first. */
export async function knownSessions(typed: string, env: Env = process.env): Promise<KnownSession[]> {
  let all = fromCache(env);
  if (all.length === 0) {
    await listSessions({ env });
    all = fromCache(env);
  }
  const needle = typed.toLowerCase();
  const byId = all.filter((s) => s.id.startsWith(needle));
  const chosen = byId.length > 0 || needle === "" ? byId : all.filter((s) => s.title.toLowerCase().includes(needle));
  return chosen.sort((a, b) => b.modifiedMs - a.modifiedMs);
}
