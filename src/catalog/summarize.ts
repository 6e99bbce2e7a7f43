// One session file -> what the catalog says about its conversation: title,
// first prompt, project, branch, message count, created, version
// (SESSIONS-FORMAT.md "Catalog fields"). Reads the whole file as a stream of
// lines, parsing only the few lines whose content it needs.
import type { Buffer } from "node:buffer";
import { pickPrompt } from "./first_prompt.ts";
import { forEachLine, type Line } from "./line_reader.ts";
import type { CatalogEntry } from "./entry.ts";
import { factsOf, skimLine } from "./skim.ts";

/** The fields of a CatalogEntry that come from the file's lines (cached by path, size and mtime). */
export type FileSummary = Pick<CatalogEntry, "title" | "firstPrompt" | "project" | "branch" | "messages" | "created" | "version">;

type Json = Record<string, any>;
const utf8 = new TextDecoder();

function parse(buf: Buffer, start: number, end: number): Json | undefined {
  try {
    const value = JSON.parse(utf8.decode(buf.subarray(start, end)));
    return value && typeof value === "object" && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

const text = (value: unknown): string => (typeof value === "string" ? value : "");

/** Accumulates one file's lines; `result()` is undefined when the file is not a session. */
class SummaryBuilder {
  private conversation = false;
  private sidechainFile = false;
  private cwd = "";
  private relocated = "";
  private created = "";
  private branch = "";
  private version = "";
  private titles = { custom: "", ai: "", lastPrompt: "", summary: "" };
  private firstPrompt = "";
  private command = "";
  private userMessages = 0;
  private assistantMessages = new Set<string>();

  /** Returns false to stop reading (the file is a subagent transcript). */
  add(line: Line): boolean {
    const { buf, start, end, cut } = line;
    let parsed: Json | undefined;
    const full = () => (parsed ??= cut ? undefined : parse(buf, start, end));
    // A last line without a newline may be torn by a crash: use it only if it parses.
    if (line.unterminated && !full()) return true;
    const facts = skimLine(buf, start, end) ?? (full() ? factsOf(parsed!) : undefined);
    if (!facts) return true;
    switch (facts.type) {
      case "user":
      case "assistant":
        break;
      case "system":
      case "attachment":
        if (!facts.sidechain) this.header(facts, full);
        return true;
      case "custom-title":
        this.titles.custom = text(full()?.customTitle) || this.titles.custom;
        return true;
      case "ai-title":
        this.titles.ai = text(full()?.aiTitle) || this.titles.ai;
        return true;
      case "last-prompt":
        this.titles.lastPrompt = text(full()?.lastPrompt) || this.titles.lastPrompt;
        return true;
      case "summary":
        this.titles.summary = text(full()?.summary) || this.titles.summary;
        return true;
      case "relocated":
        this.relocated = text(full()?.relocatedCwd) || this.relocated;
        return true;
      default:
        return true;
    }
    if (!this.conversation) {
      this.conversation = true;
      // SESSIONS-FORMAT.md: a file whose first conversation line is a sidechain is a subagent's.
      if (facts.sidechain) {
        this.sidechainFile = true;
        return false;
      }
    }
    if (facts.sidechain) return true; // 1.0.x inline subagent lines: not the main chain
    this.header(facts, full);
    if (facts.type === "assistant") {
      if (facts.hasText) this.assistantMessages.add(facts.messageId);
      return true;
    }
    if (facts.meta || facts.compactSummary) return true;
    if (facts.hasText) this.userMessages++;
    if (!this.firstPrompt && !facts.toolResult) {
      const pick = pickPrompt(full()?.message?.content);
      this.firstPrompt = pick.prompt;
      this.command ||= pick.command;
    }
    return true;
  }

  /** Branch and version: the last seen. Project and created: the first conversation line's. */
  private header(facts: { branch?: string; version?: string }, full: () => Json | undefined): void {
    if (facts.branch !== undefined) this.branch = facts.branch;
    if (facts.version !== undefined) this.version = facts.version;
    if (this.cwd && this.created) return;
    const line = full();
    if (!line) return;
    this.cwd ||= text(line.cwd);
    const stamp = text(line.timestamp);
    if (!this.created && stamp && !Number.isNaN(Date.parse(stamp))) this.created = new Date(stamp).toISOString();
  }

  result(): FileSummary | undefined {
    if (!this.conversation || this.sidechainFile) return undefined;
    const firstPrompt = this.firstPrompt || this.command;
    const t = this.titles;
    return {
      title: t.custom || t.ai || t.lastPrompt || t.summary || firstPrompt,
      firstPrompt,
      project: this.relocated || this.cwd,
      branch: this.branch,
      messages: this.userMessages + this.assistantMessages.size,
      created: this.created,
      version: this.version,
    };
  }
}

/** Summarises one session file; undefined when it is not a session (metadata only, or a subagent's). Throws fs errors. */
export function summarizeFile(path: string): FileSummary | undefined {
  const builder = new SummaryBuilder();
  forEachLine(path, (line) => builder.add(line));
  return builder.result();
}
