// What a tool call shows when opened: Edit and MultiEdit as diffs, Write as
// the file it wrote, Read with its line numbers, Bash with its output, a todo
// list as a list; any other tool as its arguments and result. Long texts are
// cut: a page shows what was done, `ccshare show --raw` has every byte.
import type { TranscriptEntry } from "../catalog/transcript.ts";
import { lineDiff } from "./diff.ts";
import { escapeHtml, pictureHtml } from "./html.ts";
import { markdownHtml } from "./markdown.ts";
import { plural } from "../ui/format.ts";

type Args = Record<string, unknown>;
const MAX_LINES = 400;
const MAX_CHARS = 64 << 10;
/** Claude Code's Read result: `cat -n` numbers and an arrow before each line. */
const NUMBERED = /^ *(\d+)→(.*)$/;

const str = (value: unknown) => (typeof value === "string" ? value : "");

/** The text cut to MAX_LINES lines and MAX_CHARS characters, and what was left out. */
function cut(text: string): { lines: string[]; left: string } {
  const short = text.length > MAX_CHARS ? text.slice(0, MAX_CHARS) : text;
  const lines = short.replace(/\n$/, "").split("\n");
  const more = text.length > MAX_CHARS ? text.slice(MAX_CHARS).split("\n").length - 1 : 0;
  const hidden = Math.max(0, lines.length - MAX_LINES) + more;
  return { lines: lines.slice(0, MAX_LINES), left: hidden > 0 ? `<p class="note">… ${plural(hidden, "more line")} not shown</p>` : text.length > MAX_CHARS ? `<p class="note">… cut at ${MAX_CHARS} characters</p>` : "" };
}

function pre(text: string, cls = "out"): string {
  if (!text) return "";
  const { lines, left } = cut(text);
  return `<pre class="${cls}">${escapeHtml(lines.join("\n"))}</pre>${left}`;
}

function numbered(rows: { n: number | string; text: string }[], cls = "code"): string {
  return `<pre class="${cls} numbered">${rows.map((r) => `<span class="ln">${escapeHtml(String(r.n))}</span>${escapeHtml(r.text)}`).join("\n")}</pre>`;
}

function path(value: unknown): string {
  return str(value) ? `<div class="path">${escapeHtml(str(value))}</div>` : "";
}

function diffHtml(before: string, after: string): string {
  if (before.length + after.length > 4 * MAX_CHARS) return `${pre(before, "diff del")}${pre(after, "diff add")}`;
  const rows = lineDiff(before, after).slice(0, 2 * MAX_LINES);
  const cls = { "-": "del", "+": "add", " ": "same", "…": "gap" } as const;
  // Block spans, one per line: they break lines themselves (and in copied text).
  return `<pre class="diff">${rows.map((r) => `<span class="${cls[r.kind]}">${r.kind === "…" ? "⋯ " : `${r.kind} `}${escapeHtml(r.text)}</span>`).join("")}</pre>`;
}

function readHtml(result: string): string {
  const { lines, left } = cut(result);
  const rows = lines.map((line) => NUMBERED.exec(line));
  if (rows.length === 0 || rows.some((m) => !m)) return pre(result);
  return numbered(rows.map((m) => ({ n: m![1]!, text: m![2]! }))) + left;
}

function todosHtml(todos: unknown): string {
  if (!Array.isArray(todos)) return "";
  const items = todos.map((t: Args) => {
    const status = ["completed", "in_progress", "pending"].includes(str(t?.status)) ? str(t.status) : "pending";
    return `<li class="todo ${status.replace("_", "-")}">${escapeHtml(str(t?.content) || str(t?.activeForm))}</li>`;
  });
  return `<ul class="todos">${items.join("")}</ul>`;
}

function argumentsHtml(input: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(input, null, 2) ?? "";
  } catch {
    text = "";
  }
  return text && text !== "{}" ? pre(text, "args") : "";
}

/** The call's own part: what it was asked to do. */
export function callHtml(call: TranscriptEntry): string {
  const a = (call.input && typeof call.input === "object" ? call.input : {}) as Args;
  switch (call.tool) {
    case "Edit":
      return `${path(a.file_path)}${a.replace_all === true ? `<p class="note">every occurrence</p>` : ""}${diffHtml(str(a.old_string), str(a.new_string))}`;
    case "MultiEdit":
      return path(a.file_path) + (Array.isArray(a.edits) ? a.edits.map((e: Args) => diffHtml(str(e?.old_string), str(e?.new_string))).join("") : "");
    case "Write": {
      const { lines, left } = cut(str(a.content));
      return `${path(a.file_path)}${numbered(lines.map((text, i) => ({ n: i + 1, text })))}${left}`;
    }
    case "Read":
      return path(a.file_path);
    case "Bash":
      return `${str(a.description) ? `<p class="about">${escapeHtml(str(a.description))}</p>` : ""}${pre(`$ ${str(a.command)}`, "cmd")}`;
    case "TodoWrite":
      return todosHtml(a.todos);
    case "Task":
    case "Agent":
      return str(a.prompt) ? `<details class="prompt"><summary>Prompt</summary>${pre(str(a.prompt), "text")}</details>` : "";
    default:
      return argumentsHtml(call.input);
  }
}

/** The result's part: output, with pictures the tool returned. */
export function resultHtml(call: TranscriptEntry | undefined, result: TranscriptEntry): string {
  const pictures = (result.images ?? []).map(pictureHtml).join("");
  const cls = result.error ? "out error" : "out";
  // The text of a result that is only pictures is "[image]" per picture: the pictures say it better.
  const text = pictures && /^(\[image\]\s*)+$/.test(result.text) ? "" : result.text;
  let body: string;
  if (call?.tool === "Read" && !result.error) body = readHtml(result.text);
  else if ((call?.tool === "Edit" || call?.tool === "MultiEdit" || call?.tool === "Write" || call?.tool === "TodoWrite") && !result.error) body = `<p class="note">${escapeHtml(result.text.split("\n")[0] ?? "")}</p>`;
  else if ((call?.tool === "Task" || call?.tool === "Agent") && !result.error) body = `<div class="md report">${markdownHtml(result.text)}</div>`;
  else body = pre(text, cls) || (pictures ? "" : `<p class="note">(no output)</p>`);
  return `<div class="result">${body}${pictures}</div>`;
}
