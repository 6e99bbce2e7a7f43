// A session's lines as a person reads them: prompts, answers, thinking, tool
// calls and their results, commands, compactions; bookkeeping left out
// (SESSIONS-FORMAT.md "Lines"). Every text is escape-free (DESIGN.md §5), since
// transcripts may come from a peer; so is every string in a tool call's `input`.
import { stripEscapes } from "../ui/terminal_text.ts";
import { linesOf } from "./line_reader.ts";

export interface TranscriptImage {
  /** The media type as the line gives it (renderers allow only the ones they know). */
  type: string;
  /** Base64. */
  data: string;
}

export interface TranscriptEntry {
  kind: "prompt" | "answer" | "thinking" | "tool" | "result" | "command" | "compact" | "note";
  text: string;
  timestamp?: string;
  /** The line's uuid: where a link to this message points. */
  uuid?: string;
  /** tool and result: the tool's name. */
  tool?: string;
  /** tool: its tool_use id; result: the id of the call it answers (results pair by it, never by order). */
  id?: string;
  /** tool: the call's arguments. */
  input?: unknown;
  /** result: the tool reported an error. */
  error?: boolean;
  /** result of a Task/Agent call: the id of the subagent that ran it. */
  agent?: string;
  /** prompt and result: pictures pasted or returned by a tool. */
  images?: TranscriptImage[];
  /** answer: written by Claude Code, not the model (after a resume: "No response requested."). */
  synthetic?: boolean;
  /** answer, thinking, tool: the API message the line is part of (one response spans several lines). */
  message?: string;
  /** Set on a subagent's entries: its agent id ("sidechain" for 1.0.x inline lines). */
  subagent?: string;
}

type Json = Record<string, any>;
const utf8 = new TextDecoder();
const COMMAND_NAME = /<command-name>([^<]*)<\/command-name>/;
const COMMAND_ARGS = /<command-args>([^<]*)<\/command-args>/;
const COMMAND_STDOUT = /^<local-command-(?:stdout|stderr)>([\s\S]*)<\/local-command-(?:stdout|stderr)>$/;
const TAG = /^<[A-Za-z][\w:-]*(\s[^>]*)?>/;
const INTERRUPTED = /^\[Request interrupted by user[^\]]*\]$/;
/** A Task/Agent result names its subagent in a line of its text ("agentId: a1b2c3 (for resuming…)"): bookkeeping, not the report. */
const AGENT_ID = /\bagentId: ([A-Za-z0-9_-]{1,64})/;
const AGENT_LINE = /\n?^agentId: [A-Za-z0-9_-]{1,64}\b.*$/m;
const SYNTHETIC_MODEL = "<synthetic>";

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

/** The same value with every string in it escape-free. */
function clean(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return stripEscapes(value);
  if (!value || typeof value !== "object" || depth > 20) return value;
  if (Array.isArray(value)) return value.map((v) => clean(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [stripEscapes(k), clean(v, depth + 1)]));
}

function imagesOf(content: unknown): TranscriptImage[] {
  if (!Array.isArray(content)) return [];
  return content
    .filter((b: Json) => b?.type === "image" && b.source?.type === "base64" && typeof b.source.data === "string")
    .map((b: Json) => ({ type: String(b.source.media_type ?? ""), data: b.source.data as string }));
}

/** The subagent a Task/Agent result came from: `toolUseResult.agentId`, else the id its text names. */
function agentOf(line: Json, text: string): string | undefined {
  const id = line.toolUseResult?.agentId;
  if (typeof id === "string" && /^[A-Za-z0-9_-]{1,64}$/.test(id)) return id;
  return AGENT_ID.exec(text)?.[1];
}

function commandText(content: string): string {
  return `${COMMAND_NAME.exec(content)![1]!.trim()} ${COMMAND_ARGS.exec(content)?.[1]?.trim() ?? ""}`.trim();
}

/** Entries of one parsed line. `toolNames` remembers each call's tool, for its result. */
export function entriesOf(line: Json, toolNames: Map<string, string>): TranscriptEntry[] {
  const out: TranscriptEntry[] = [];
  const stamp: Partial<TranscriptEntry> = {
    ...(typeof line.timestamp === "string" ? { timestamp: line.timestamp } : {}),
    ...(typeof line.uuid === "string" ? { uuid: line.uuid } : {}),
  };
  const add = (e: TranscriptEntry) => out.push({ ...stamp, ...e, text: stripEscapes(e.text), ...(e.tool ? { tool: stripEscapes(e.tool) } : {}) });
  const content = line.message?.content;
  if (line.type === "user" && !line.isMeta) {
    if (line.isCompactSummary) return add({ kind: "compact", text: textOf(content) }), out;
    const blocks = typeof content === "string" ? [{ type: "text", text: content }] : Array.isArray(content) ? content : [];
    const images = imagesOf(blocks);
    for (const b of blocks as Json[]) {
      if (b?.type === "tool_result") {
        const id = typeof b.tool_use_id === "string" ? b.tool_use_id : "";
        const text = textOf(b.content);
        const tool = toolNames.get(id) ?? "";
        const agent = tool === "Task" || tool === "Agent" ? agentOf(line, text) : undefined;
        const pictures = imagesOf(b.content);
        add({ kind: "result", text: agent ? text.replace(AGENT_LINE, "") : text, tool, id, error: b.is_error === true, ...(agent ? { agent } : {}), ...(pictures.length ? { images: pictures } : {}) });
      } else if (b?.type === "text" && typeof b.text === "string") {
        const text = b.text.trim();
        const stdout = COMMAND_STDOUT.exec(text);
        if (COMMAND_NAME.test(text)) add({ kind: "command", text: commandText(text) });
        else if (stdout) { if (stdout[1]!.trim()) add({ kind: "result", text: stdout[1]!.trim() }); }
        else if (INTERRUPTED.test(text)) add({ kind: "note", text: "Interrupted by the user" });
        else if (!TAG.test(text) && text) add({ kind: "prompt", text, ...(images.length ? { images: images.splice(0) } : {}) });
      }
    }
    if (images.length) add({ kind: "prompt", text: images.map(() => "[image]").join(" "), images });
  } else if (line.type === "assistant" && Array.isArray(content)) {
    const message = typeof line.message.id === "string" ? { message: line.message.id as string } : {};
    const synthetic = line.message.model === SYNTHETIC_MODEL;
    for (const b of content as Json[]) {
      if (b?.type === "text" && typeof b.text === "string" && b.text.trim()) add({ kind: "answer", text: b.text.trim(), ...message, ...(synthetic ? { synthetic } : {}) });
      else if (b?.type === "thinking" && typeof b.thinking === "string" && b.thinking.trim()) add({ kind: "thinking", text: b.thinking.trim(), ...message });
      else if (b?.type === "redacted_thinking") add({ kind: "thinking", text: "(redacted by the API)", ...message });
      else if (b?.type === "tool_use" && typeof b.name === "string") {
        const id = typeof b.id === "string" ? b.id : "";
        if (id) toolNames.set(id, b.name);
        add({ kind: "tool", tool: b.name, text: toolSummary(b.name, b.input), id, input: clean(b.input ?? {}), ...message });
      }
    }
  } else if (line.type === "system") {
    if (line.subtype === "compact_boundary") add({ kind: "note", text: "Conversation compacted" });
    else if (line.subtype === "api_error" || line.level === "error") add({ kind: "note", text: `Error: ${typeof line.content === "string" ? line.content : "API error"}` });
    else if (line.subtype === "local_command" && typeof line.content === "string") {
      const stdout = COMMAND_STDOUT.exec(line.content.trim());
      if (COMMAND_NAME.test(line.content)) add({ kind: "command", text: commandText(line.content) });
      else if (stdout?.[1]?.trim()) add({ kind: "result", text: stdout[1].trim() });
    }
  }
  return out;
}

/** What a file's line gave: its entries, where it starts in the file, and the tokens of its API message. */
export interface TranscriptLine {
  offset: number;
  entries: TranscriptEntry[];
  usage?: MessageUsage;
}

/** The usage an assistant line reports for its API message (repeated on each line of the message). */
export interface MessageUsage {
  message: string;
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

const count = (value: unknown) => (typeof value === "number" && Number.isFinite(value) && value > 0 ? value : 0);

function usageOf(line: Json): MessageUsage | undefined {
  const usage = line.type === "assistant" ? line.message?.usage : undefined;
  if (!usage || typeof usage !== "object" || typeof line.message.id !== "string") return undefined;
  return { message: line.message.id, input: count(usage.input_tokens), output: count(usage.output_tokens), cacheRead: count(usage.cache_read_input_tokens), cacheWrite: count(usage.cache_creation_input_tokens) };
}

/**
 * The lines of one transcript file from byte `from` (a line start), read as a
 * stream. `subagent` marks every entry (a subagent's own file).
 */
export function* transcriptLines(path: string, o: { subagent?: string; from?: number } = {}): Generator<TranscriptLine> {
  const toolNames = new Map<string, string>();
  const mark = o.subagent ? { subagent: o.subagent } : {};
  for (const { buf, start, end, cut, offset } of linesOf(path, { from: o.from })) {
    if (cut) {
      yield { offset, entries: [{ kind: "note", text: "a line too long to show was left out", ...mark }] };
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
    const entries = entriesOf(line, toolNames);
    const usage = usageOf(line);
    if (entries.length || usage) yield { offset, entries: subagent ? entries.map((e) => ({ ...e, subagent })) : entries, ...(usage ? { usage } : {}) };
  }
}

/** The entries of one transcript file, read as a stream. */
export function* transcriptEntries(path: string, o: { subagent?: string } = {}): Generator<TranscriptEntry> {
  for (const line of transcriptLines(path, o)) yield* line.entries;
}
