// What ccshare knows about one session: the contract for `list --json`, the
// shared catalog record (PROTOCOL.md §4) and scripts. Field rules:
// SESSIONS-FORMAT.md "Catalog fields".

export interface CatalogEntry {
  /** The session id: the file name without `.jsonl` (never a line's sessionId). */
  id: string;
  /** custom-title > ai-title > last-prompt > summary > first prompt. */
  title: string;
  firstPrompt: string;
  /** The recorded cwd (first conversation line, or the last `relocated`). Never decoded from the folder name. */
  project: string;
  branch: string;
  messages: number;
  /** ISO-8601. */
  created: string;
  /** ISO-8601 (file mtime). */
  modified: string;
  /** The session file plus its `<id>/` folder and legacy sibling agent files. */
  bytes: number;
  subagents: number;
  /** Claude Code version that wrote it. */
  version: string;
  /** The project folder name under projects/. */
  folder: string;
  /** Values the sharer's scan redacted before sharing (absent: none). */
  redacted?: number;
}

/** One file of a session, as it travels: `path` is relative to the project folder (PROTOCOL.md §4). */
export interface SessionFile {
  /** "<id>.jsonl", "<id>/subagents/agent-x.jsonl", "agent-x.jsonl", ... always with "/" separators. */
  path: string;
  /** Absolute path on this machine. */
  abs: string;
  /** Taken when the session was offered: exactly this many bytes are sent. */
  size: number;
  /** Modification time then (ms): the receiver's copy gets it (docs/PROTOCOL.md §8). */
  mtimeMs?: number;
}

/** A session a sharer offers: its catalog entry and the files it travels as (the transcript first). */
export interface OfferedSession {
  entry: CatalogEntry;
  files: SessionFile[];
  /** The absolute project folder it lives in (its files' `abs` may point at redacted copies elsewhere). */
  root?: string;
}
