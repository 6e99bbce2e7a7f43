// How `ccshare show` prints a transcript: prompts stand out, each tool call is
// one line, tool results are cut to a few lines, subagent work is marked.
import type { TranscriptEntry } from "../catalog/transcript.ts";
import { truncate } from "./table.ts";

const RESULT_LINES = 3;
const RESULT_LINE_WIDTH = 160;

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

/** A tool result cut to its first lines, saying how much was left out. */
export function shortResult(text: string): string {
  const lines = text.replace(/\s+$/, "").split("\n");
  const shown = lines.slice(0, RESULT_LINES).map((l) => truncate(l.replace(/\t/g, "  "), RESULT_LINE_WIDTH));
  const more = lines.length - shown.length;
  return shown.join("\n") + (more > 0 ? `\n… (${more} more line${more === 1 ? "" : "s"})` : "");
}

/** Turns entries into text, one call per entry, remembering which subagent the last one came from. */
export class TranscriptView {
  private readonly paint: Paint;
  private subagent: string | undefined;

  constructor(o: { color: boolean; width?: number }) {
    this.paint = o.color ? COLOR : PLAIN;
    this.width = Math.max(40, o.width ?? 120);
  }

  private readonly width: number;

  render(e: TranscriptEntry): string {
    const p = this.paint;
    let text: string;
    switch (e.kind) {
      case "prompt":
        text = `\n${p.bold(indent(e.text, "> ", "  "))}\n`;
        break;
      case "command":
        text = `\n${p.bold(`> ${e.text}`)}\n`;
        break;
      case "answer":
        text = `\n${e.text}\n`;
        break;
      case "tool":
        text = p.cyan(truncate(`  → ${e.tool}${e.text ? ` ${e.text.replace(/\s+/g, " ")}` : ""}`, this.width)) + "\n";
        break;
      case "result": {
        const body = shortResult(e.text || "(no output)");
        text = (e.error ? p.red : p.dim)(indent(body, "    ⎿ ", "      ")) + "\n";
        break;
      }
      case "compact":
        text = `\n${p.dim(indent(shortResult(`Compacted. ${e.text}`), "── ", "   "))}\n`;
        break;
      case "note":
        text = p.dim(`  (${e.text})`) + "\n";
        break;
    }
    return this.mark(e.subagent, text);
  }

  /** Subagent work: a header when it starts, and a bar before each of its lines. */
  private mark(subagent: string | undefined, text: string): string {
    const p = this.paint;
    let header = "";
    if (subagent !== this.subagent) {
      header = subagent ? `\n${p.magenta(`┌ subagent ${subagent}`)}\n` : `\n${p.magenta("└ back to the main conversation")}\n`;
      this.subagent = subagent;
    }
    if (!subagent) return header + text;
    const body = text.replace(/^\n/, "").replace(/\n$/, "");
    return header + body.split("\n").map((line) => `${p.magenta("│")} ${line}`).join("\n") + "\n";
  }

  /** Closes an open subagent block at the end. */
  end(): string {
    return this.subagent ? `${this.paint.magenta("└")}\n` : "";
  }
}
