// A session's lines as a person reads them: prompts, answers, tool calls and
// their results, commands, compactions; thinking and bookkeeping left out
// (SESSIONS-FORMAT.md "Lines"). Every text is escape-free (DESIGN.md §5), since
// transcripts may come from a peer.
import { stripEscapes } from "../ui/terminal_text.ts";
import { linesOf } from "./line_reader.ts";

export interface TranscriptEntry {
  kind: "prompt" | "answer" | "tool" | "result" | "command" | "compact" | "note";
  text: string;
  timestamp?: string;
  /** tool and result: the tool's name. */
  tool?: string;
  /** result: the tool reported an error. */
  error?: boolean;
  /** Set on a subagent's entries: its agent id ("sidechain" for 1.0.x inline lines). */
  subagent?: string;
}

type Json = Record<string, any>;
const utf8 = new TextDecoder();
const COMMAND_NAME = /<command-name>([^<]*)<\/command-name>/;
const COMMAND_ARGS = /<command-args>([^<]*)<\/command-args>/;
const COMMAND_STDOUT = /^<local-command-(?:stdout|stderr)>([\s\S]*)<\/local-command-(?:stdout|stderr)>$/;
const TAG = /^<[A-Za-z][\w:-]*(\s[^>]*)?>/;

/** The one argument that says what a tool call did (a path, a command, a pattern). */
const KEY_ARGUMENT: Record<string, string[]> = {
  Read: ["file_path"], Write: ["file_path"], Edit: ["file_path"], MultiEdit: ["file_path"], NotebookEdit: ["notebook_path"],
  Bash: ["command"], Grep: ["pattern"], Glob: ["pattern"], LS: ["path"], WebFetch: ["url"], WebSearch: ["query"],
  Task: ["description", "prompt"], Agent: ["description", "prompt"], Skill: ["skill", "command"], SlashCommand: ["command"],
};

export function toolSummary(name: string, input: unknown): string {
  const args = (input && typeof input === "object" ? input : {}) as Json;
  if (name === "TodoWrite" && Array.isArray(args.todos)) return `${args.todos.length} todos`;
  const key = (KEY_ARGUMENT[name] ?? []).find((k) => typeof args[k] === "string") ?? Object.keys(args).find((k) => typeof args[k] === "string");
  return key ? String(args[key]) : "";
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((b: Json) => (b?.type === "text" && typeof b.text === "string" ? b.text : b?.type === "image" ? "[image]" : "")).filter(Boolean).join("\n");
}

/** Entries of one parsed line. */
export function entriesOf(line: Json, toolNames: Map<string, string>): TranscriptEntry[] {
  const out: TranscriptEntry[] = [];
  const add = (e: TranscriptEntry) => out.push({ ...e, text: stripEscapes(e.text), ...(e.tool ? { tool: stripEscapes(e.tool) } : {}) });
  const timestamp = typeof line.timestamp === "string" ? { timestamp: line.timestamp } : {};
  const content = line.message?.content;
  if (line.type === "user" && !line.isMeta) {
    if (line.isCompactSummary) return add({ kind: "compact", text: textOf(content), ...timestamp }), out;
    const blocks = typeof content === "string" ? [{ type: "text", text: content }] : Array.isArray(content) ? content : [];
    for (const b of blocks as Json[]) {
      if (b?.type === "tool_result") {
        add({ kind: "result", text: textOf(b.content), tool: toolNames.get(b.tool_use_id) ?? "", error: b.is_error === true, ...timestamp });
      } else if (b?.type === "image") add({ kind: "prompt", text: "[image]", ...timestamp });
      else if (b?.type === "text" && typeof b.text === "string") {
        const text = b.text.trim();
        const command = COMMAND_NAME.exec(text);
        const stdout = COMMAND_STDOUT.exec(text);
        if (command) add({ kind: "command", text: `${command[1]!.trim()} ${COMMAND_ARGS.exec(text)?.[1]?.trim() ?? ""}`.trim(), ...timestamp });
        else if (stdout) { if (stdout[1]!.trim()) add({ kind: "result", text: stdout[1]!.trim(), ...timestamp }); }
        else if (!TAG.test(text) && text) add({ kind: "prompt", text, ...timestamp });
      }
    }
  } else if (line.type === "assistant" && Array.isArray(content)) {
    for (const b of content as Json[]) {
      if (b?.type === "text" && typeof b.text === "string" && b.text.trim()) add({ kind: "answer", text: b.text.trim(), ...timestamp });
      else if (b?.type === "tool_use" && typeof b.name === "string") {
        if (typeof b.id === "string") toolNames.set(b.id, b.name);
        add({ kind: "tool", tool: b.name, text: toolSummary(b.name, b.input), ...timestamp });
      }
    }
  } else if (line.type === "system") {
    if (line.subtype === "compact_boundary") add({ kind: "note", text: "Conversation compacted", ...timestamp });
    else if (line.subtype === "api_error" || line.level === "error") add({ kind: "note", text: `Error: ${typeof line.content === "string" ? line.content : "API error"}`, ...timestamp });
    else if (line.subtype === "local_command" && typeof line.content === "string") {
      const command = COMMAND_NAME.exec(line.content);
      const stdout = COMMAND_STDOUT.exec(line.content.trim());
      if (command) add({ kind: "command", text: `${command[1]!.trim()} ${COMMAND_ARGS.exec(line.content)?.[1]?.trim() ?? ""}`.trim(), ...timestamp });
      else if (stdout?.[1]?.trim()) add({ kind: "result", text: stdout[1].trim(), ...timestamp });
    }
  }
  return out;
}

/** The entries of one transcript file, read as a stream. `subagent` marks every entry (a subagent's own file). */
export function* transcriptEntries(path: string, o: { subagent?: string } = {}): Generator<TranscriptEntry> {
  const toolNames = new Map<string, string>();
  const mark = o.subagent ? { subagent: o.subagent } : {};
  for (const { buf, start, end, cut } of linesOf(path)) {
    if (cut) {
      yield { kind: "note", text: "a line too long to show was left out", ...mark };
      continue;
    }
    let line: Json;
    try {
      line = JSON.parse(utf8.decode(buf.subarray(start, end)));
    } catch {
      continue; // a torn line (SESSIONS-FORMAT.md "Quirks")
    }
    if (!line || typeof line !== "object") continue;
    const subagent = o.subagent ?? (line.isSidechain === true ? (typeof line.agentId === "string" ? stripEscapes(line.agentId) : "sidechain") : undefined);
    for (const entry of entriesOf(line, toolNames)) yield subagent ? { ...entry, subagent } : entry;
  }
}
