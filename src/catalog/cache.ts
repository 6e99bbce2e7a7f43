// What we learned from reading a file, kept between runs so that a repeated
// `list` only stats files. Keyed by path, size, mtime and ctime: an appended
// session changes size and mtime, and ctime catches a rewrite that restored
// both, so an entry is never stale. One file per set of projects roots, in the
// user's cache dir (`$XDG_CACHE_HOME/ccshare` or `~/.cache/ccshare`); safe to
// delete, and any error reading or writing it only costs speed.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { folderHash } from "./paths.ts";
import type { FileStat } from "./scan.ts";
import type { FileSummary } from "./summarize.ts";

/** Bump when the summary rules change: old entries then no longer match. */
const FORMAT = 3;

/** A session summary; 0 for "not a session"; a string for an agent file's owning session id. */
export type Learned = FileSummary | 0 | string;
type Row = [size: number, mtimeMs: number, ctimeMs: number, value: Learned];

const SUMMARY_FIELDS = { title: "string", firstPrompt: "string", project: "string", branch: "string", messages: "number", created: "string", version: "string" };

/** A damaged or hand-edited cache must not put wrong types into a listing. */
function isLearned(value: unknown): value is Learned {
  if (value === 0 || typeof value === "string") return true;
  if (!value || typeof value !== "object") return false;
  return Object.entries(SUMMARY_FIELDS).every(([key, type]) => typeof (value as Record<string, unknown>)[key] === type);
}

export class FileCache {
  private rows: Map<string, Row>;
  private used = new Set<string>();
  private dirty = false;

  private constructor(private readonly file: string, private readonly roots: string, rows: Map<string, Row>) {
    this.rows = rows;
  }

  /** The cache for these roots; empty if absent, unreadable or from another format. */
  static open(dir: string, roots: string[]): FileCache {
    const key = roots.join("\n");
    const file = join(dir, `catalog-${folderHash(key)}.json`);
    let rows = new Map<string, Row>();
    try {
      const data = JSON.parse(readFileSync(file, "utf8"));
      if (data?.format === FORMAT && data.roots === key && data.files && typeof data.files === "object") {
        rows = new Map(Object.entries(data.files as Record<string, Row>));
      }
    } catch {
      // No cache yet, or a damaged one: start afresh.
    }
    return new FileCache(file, key, rows);
  }

  get(stat: FileStat): Learned | undefined {
    const row = this.rows.get(stat.path);
    if (!Array.isArray(row) || row[0] !== stat.size || row[1] !== stat.mtimeMs || row[2] !== stat.ctimeMs || !isLearned(row[3])) return undefined;
    this.used.add(stat.path);
    return row[3];
  }

  set(stat: FileStat, value: Learned): void {
    this.rows.set(stat.path, [stat.size, stat.mtimeMs, stat.ctimeMs, value]);
    this.used.add(stat.path);
    this.dirty = true;
  }

  /** What the cache knows of every session file, without reading or stat'ing any (shell completion must be instant). */
  *sessions(): Generator<{ path: string; mtimeMs: number; summary: FileSummary }> {
    for (const [path, row] of this.rows) {
      if (Array.isArray(row) && isLearned(row[3]) && typeof row[3] === "object") yield { path, mtimeMs: row[1], summary: row[3] };
    }
  }

  /** Writes the cache if it changed. `prune` drops files not seen in this run (after a full listing). */
  save(o: { prune: boolean }): void {
    if (o.prune) {
      for (const path of this.rows.keys()) {
        if (!this.used.has(path)) {
          this.rows.delete(path);
          this.dirty = true;
        }
      }
    }
    if (!this.dirty) return;
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      mkdirSync(join(this.file, ".."), { recursive: true, mode: 0o700 });
      // Titles and prompts are private: the cache is readable by its owner only.
      writeFileSync(tmp, JSON.stringify({ format: FORMAT, roots: this.roots, files: Object.fromEntries(this.rows) }), { mode: 0o600 });
      renameSync(tmp, this.file);
      this.dirty = false;
    } catch {
      rmSync(tmp, { force: true });
    }
  }
}
