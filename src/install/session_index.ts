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
import { READ_FLAGS } from "./file_copy.ts";
import { lineBlocks } from "./line_blocks.ts";
import { parseLine } from "./line_edit.ts";

export interface SessionIndexEntry {
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
 * What the index records about a session, from its lines. A light version of
 * the catalog's rules (SESSIONS-FORMAT.md "Catalog fields"): the index is only
 * a cache.
 */
export class SessionFacts {
  firstPrompt = "";
  messageCount = 0;
  created = "";
  gitBranch = "";
  isSidechain = false;
  private conversationLines = 0;
  private assistantIds = new Set<string>();

  add(line: Record<string, unknown>): void {
    const type = line.type;
    if (type !== "user" && type !== "assistant" && type !== "system" && type !== "attachment") return;
    if (typeof line.timestamp === "string" && !this.created) this.created = line.timestamp;
    if (typeof line.gitBranch === "string") this.gitBranch = line.gitBranch;
    if (this.conversationLines++ === 0) this.isSidechain = line.isSidechain === true;
    if (line.isSidechain === true || line.isMeta === true) return;
    const message = line.message as { id?: unknown; content?: unknown } | undefined;
    if (type === "assistant") {
      // A response counts once (it is split over lines sharing message.id) and only if it has text.
      const content = Array.isArray(message?.content) ? (message.content as { type?: unknown }[]) : [];
      if (!content.some((b) => b?.type === "text")) return;
      const id = typeof message?.id === "string" ? message.id : String(this.assistantIds.size);
      if (!this.assistantIds.has(id)) this.messageCount++;
      this.assistantIds.add(id);
      return;
    }
    if (type !== "user" || line.isCompactSummary === true) return;
    const text = visibleText(message?.content);
    if (text === undefined) return;
    this.messageCount++;
    const prompt = text.replace(/\s+/g, " ").trim();
    if (!this.firstPrompt && prompt && !prompt.startsWith("<") && !prompt.startsWith("[Request interrupted by user")) {
      this.firstPrompt = prompt.slice(0, 200);
    }
  }
}

/** The text a user typed (string content or text blocks); undefined for tool results only. */
function visibleText(content: unknown): string | undefined {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return undefined;
  const blocks = content as { type?: unknown; text?: unknown }[];
  if (!blocks.some((b) => b?.type === "text" || b?.type === "image")) return undefined;
  return blocks.filter((b) => b?.type === "text" && typeof b.text === "string").map((b) => b.text).join(" ");
}

/** True when `folder` has a sessions-index.json to keep up to date. */
export async function hasSessionIndex(folder: string): Promise<boolean> {
  try {
    return (await stat(join(folder, "sessions-index.json"))).isFile();
  } catch {
    return false;
  }
}

/**
 * The facts of an installed transcript, read back from it. Only for folders
 * that have an index (2.0.x-early 2.1.x): the copy itself does not decode
 * lines (line_scan.ts), so this is the one place that parses every line.
 * Never throws: what cannot be read gives empty facts.
 */
export async function readSessionFacts(path: string): Promise<SessionFacts> {
  const facts = new SessionFacts();
  try {
    const handle = await open(path, READ_FLAGS);
    try {
      for await (const block of lineBlocks(handle)) {
        for (let start = 0; start < block.length; ) {
          const newline = block.indexOf(0x0a, start);
          const end = newline < 0 ? block.length : newline;
          const line = parseLine(block.subarray(start, end));
          if (line) facts.add(line.value);
          start = end + 1;
        }
      }
    } finally {
      await handle.close();
    }
  } catch {
    // the index is only a cache
  }
  return facts;
}

/**
 * Adds (or replaces, by sessionId) entries in `<folder>/sessions-index.json` if
 * that file exists and is an object with an `entries` array. Never throws: the
 * sessions are already installed and the index is only a cache.
 */
export async function addToSessionIndex(folder: string, entries: SessionIndexEntry[]): Promise<boolean> {
  if (entries.length === 0) return false;
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
