// How `ccshare show` prints a transcript: a header, prompts that stand out,
// each tool call on one line with the first lines of its result under it,
// thinking dimmed on one line (whole with --thinking), subagents inline at the
// call that ran them, and every line cut to the terminal's width.
import type { ConversationEvent } from "../catalog/conversation.ts";
import type { CatalogEntry } from "../catalog/entry.ts";
import { subagentTitle } from "../catalog/subagents.ts";
import type { TranscriptItem } from "../catalog/tool_calls.ts";
import type { TranscriptEntry } from "../catalog/transcript.ts";
import type { UsageTotals } from "../catalog/usage.ts";
import { formatBytes, formatTokens, plural } from "./format.ts";
import { cellText, truncate } from "./table.ts";

const RESULT_LINES = 3;
/** Lines on a pipe are cut at this width (a terminal's own width otherwise). */
const PIPE_WIDTH = 160;

interface Paint {
  bold(text: string): string;
  dim(text: string): string;
  cyan(text: string): string;
  magenta(text: string): string;
  red(text: string): string;
}

const ansi = (open: number, close: number) => (text: string) => `\x1b[${open}m${text}\x1b[${close}m`;
const COLOR: Paint = { bold: ansi(1, 22), dim: ansi(2, 22), cyan: ansi(36, 39), magenta: ansi(35, 39), red: ansi(31, 39) };
const PLAIN: Paint = { bold: (t) => t, dim: (t) => t, cyan: (t) => t, magenta: (t) => t, red: (t) => t };

function indent(text: string, first: string, rest: string): string {
  return text.split("\n").map((line, i) => (i === 0 ? first : rest) + line).join("\n");
}

/** A tool result cut to its first lines, each to `width`, saying how much was left out. */
export function shortResult(text: string, width = PIPE_WIDTH): string {
  const lines = text.replace(/\s+$/, "").split("\n");
  const shown = lines.slice(0, RESULT_LINES).map((l) => truncate(l.replace(/\t/g, "  "), width));
  const more = lines.length - shown.length;
  return shown.join("\n") + (more > 0 ? `\n… (${plural(more, "more line")})` : "");
}

/** Turns conversation events into text, one call per event. */
export class TranscriptView {
  private readonly paint: Paint;
  private readonly width: number;
  private readonly thinking: boolean;
  /** 1.0.x inline subagent lines: the one whose block is open. */
  private sidechain: string | undefined;
  /** Calls whose subagent is being shown: their result comes after it. */
  private open: { item: TranscriptItem; depth: number }[] = [];
  /** Subagent blocks (of their own files) being shown. */
  private blocks = 0;

  constructor(o: { color: boolean; width?: number; thinking?: boolean }) {
    this.paint = o.color ? COLOR : PLAIN;
    this.width = Math.max(40, o.width ?? PIPE_WIDTH);
    this.thinking = o.thinking ?? false;
  }

  /** Title, then project, branch, dates, messages and size. */
  header(e: CatalogEntry): string {
    const p = this.paint;
    const facts = [e.project, e.branch && `branch ${e.branch}`, `${e.created.slice(0, 16).replace("T", " ")} → ${e.modified.slice(0, 16).replace("T", " ")} UTC`, `${e.messages} messages`, formatBytes(e.bytes)];
    const line = (text: string) => truncate(cellText(text), this.width);
    return `${p.bold(line(e.title || "(untitled)"))}\n${p.dim(line(facts.filter(Boolean).join(" · ")))}\n${p.dim(line(`session ${e.id}`))}\n`;
  }

  render(event: ConversationEvent): string {
    const p = this.paint;
    switch (event.kind) {
      case "item":
        // show prints subagents inline: the call's result comes after its subagent's work.
        if (event.subagent) {
          this.open.push({ item: event.item, depth: event.depth });
          return this.sidechainMark(event.item.entry) + this.prefix(this.entry(event.item.entry, event.depth), event.depth);
        }
        return this.sidechainMark(event.item.entry) + this.prefix(this.entry(event.item.entry, event.depth) + (event.item.result ? this.result(event.item.result, event.depth) : ""), event.depth);
      case "subagent":
        this.blocks++;
        return this.prefix(`\n${p.magenta(`┌ subagent ${cellText(subagentTitle(event.subagent, this.open.at(-1)?.item.entry))}`)}\n`, event.depth);
      case "end": {
        this.blocks--;
        const call = this.open.at(-1)?.depth === event.depth ? this.open.pop() : undefined;
        const result = call?.item.result ? this.result(call.item.result, event.depth) : "";
        return this.prefix(`${p.magenta("└")}\n${result}`, event.depth);
      }
      case "more":
        return "";
    }
  }

  private entry(e: TranscriptEntry, depth: number): string {
    const p = this.paint;
    const width = this.width - 2 * depth;
    switch (e.kind) {
      case "prompt":
        return `\n${p.bold(indent(e.text, "> ", "  "))}\n`;
      case "command":
        return `\n${p.bold(`> ${e.text}`)}\n`;
      case "answer":
        return e.synthetic ? p.dim(`  (Claude Code wrote "${truncate(cellText(e.text), width - 40)}"; not the model)`) + "\n" : `\n${e.text}\n`;
      case "thinking":
        return this.thinking ? p.dim(indent(e.text, "  ∴ ", "    ")) + "\n" : p.dim(truncate(`  ∴ ${cellText(e.text)}`, width)) + "\n";
      case "tool":
        return p.cyan(truncate(`  → ${e.tool}${e.text ? ` ${cellText(e.text)}` : ""}`, width)) + "\n";
      case "result":
        return this.result(e, depth);
      case "compact":
        return `\n${p.dim(indent(shortResult(`Compacted. ${e.text}`, width - 3), "── ", "   "))}\n`;
      case "note":
        return p.dim(truncate(`  (${cellText(e.text)})`, width)) + "\n";
    }
  }

  private result(e: TranscriptEntry, depth: number): string {
    const body = shortResult(e.text || "(no output)", this.width - 2 * depth - 6);
    return (e.error ? this.paint.red : this.paint.dim)(indent(body, "    ⎿ ", "      ")) + "\n";
  }

  /** 1.0.x sidechain lines sit in the main file: a header when they start, a footer when they end. */
  private sidechainMark(e: TranscriptEntry): string {
    const inline = this.blocks === 0 ? e.subagent : undefined;
    if (inline === this.sidechain) return "";
    const p = this.paint;
    const mark = inline ? `\n${p.magenta(`┌ subagent ${inline}`)}\n` : `\n${p.magenta("└ back to the main conversation")}\n`;
    this.sidechain = inline;
    return mark;
  }

  /** Subagent work: a bar before each line, one per level. */
  private prefix(text: string, depth: number): string {
    const levels = depth + (this.sidechain && depth === 0 ? 1 : 0);
    if (levels === 0) return text;
    const bar = this.paint.magenta("│ ".repeat(levels));
    return text.replace(/^\n/, "").replace(/\n$/, "").split("\n").map((line) => `${bar}${line}`).join("\n") + "\n";
  }

  /** Closes an open 1.0.x subagent block, and prints the token totals. */
  end(usage?: UsageTotals): string {
    const p = this.paint;
    const close = this.sidechain ? `${p.magenta("└")}\n` : "";
    if (!usage || usage.responses === 0) return close;
    return `${close}\n${p.dim(`Tokens: ${formatTokens(usage)}, over ${usage.responses} responses.`)}\n`;
  }
}
