// The frame every viewer page shares: head, Content-Security-Policy, the
// stylesheet and script (linked on a server, inline in a file), and the
// header of a transcript (title, facts, tokens, the resume command).
import type { CatalogEntry } from "../catalog/entry.ts";
import type { UsageTotals } from "../catalog/usage.ts";
import { resumeCommand } from "../install/resume_command.ts";
import { formatBytes, formatTokens } from "../ui/format.ts";
import { cspHash, VIEWER_CSS, VIEWER_JS } from "./assets.ts";
import { escapeHtml, timeHtml } from "./html.ts";

/** Pages served by `ccshare view` (under a secret base path), or one self-contained file. */
export type PageMode = { kind: "server"; base: string } | { kind: "file" };

/** Nothing but our own script and stylesheet, pictures carried in the page, and requests back to us. */
export const SERVER_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** A file may run only its own inline script and style, and load nothing at all. */
export function fileCsp(): string {
  return `default-src 'none'; script-src ${cspHash(VIEWER_JS)}; style-src ${cspHash(VIEWER_CSS)}; img-src data:; base-uri 'none'; form-action 'none'`;
}

export function pageStart(title: string, mode: PageMode): string {
  const head = mode.kind === "server"
    ? `<link rel="stylesheet" href="${escapeHtml(mode.base)}assets/viewer.css">`
    : `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(fileCsp())}"><style>${VIEWER_CSS}</style>`;
  const base = mode.kind === "server" ? ` data-base="${escapeHtml(mode.base)}"` : "";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="no-referrer"><link rel="icon" href="data:,">
<title>${escapeHtml(title)}</title>${head}</head><body${base}>`;
}

export function pageEnd(mode: PageMode): string {
  const script = mode.kind === "server" ? `<script src="${escapeHtml(mode.base)}assets/viewer.js"></script>` : `<script>${VIEWER_JS}</script>`;
  return `${script}</body></html>\n`;
}

function fact(name: string, value: string): string {
  return value ? `<div><dt>${name}</dt><dd>${value}</dd></div>` : "";
}

export interface HeaderOptions {
  mode: PageMode;
  /** The totals, or where the page script fetches them (counting a big session takes a while). */
  usage: UsageTotals | { src: string };
  received?: boolean;
}

/** Title, project, branch, dates, counts, tokens, and the line that resumes the session. */
export function sessionHeaderHtml(entry: CatalogEntry, o: HeaderOptions): string {
  const tokens = "src" in o.usage ? `<span id="tokens" data-src="${escapeHtml(o.usage.src)}">counting…</span>` : `<span id="tokens">${escapeHtml(formatTokens(o.usage))}</span>`;
  const nav = o.mode.kind === "server" ? `<nav><a href="${escapeHtml(o.mode.base)}">← All sessions</a></nav>` : "";
  return `<header class="session">${nav}<h1>${escapeHtml(entry.title || "(untitled)")}${o.received ? `<span class="badge received">received</span>` : ""}</h1>
<dl class="facts">${fact("Project", escapeHtml(entry.project))}${fact("Branch", escapeHtml(entry.branch))}${fact("Created", timeHtml(entry.created))}${fact("Modified", timeHtml(entry.modified))}${fact("Messages", String(entry.messages))}${fact("Subagents", entry.subagents ? String(entry.subagents) : "")}${fact("Size", formatBytes(entry.bytes))}${fact("Claude Code", escapeHtml(entry.version))}${fact("Tokens", tokens)}</dl>
<div class="resume"><code id="resume-command">${escapeHtml(resumeCommand(entry.project || ".", entry.id))}</code><button type="button" data-copy="resume-command">Copy</button></div>
<div class="tools-bar"><button type="button" data-expand>Open all tool calls</button></div>
</header>`;
}
