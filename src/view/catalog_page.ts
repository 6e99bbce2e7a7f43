// The viewer's first page: every session on this machine, newest first, the
// received ones marked, with search as you type (titles and first prompts)
// and filters by project and date. Rows are rendered here; the page script
// only hides and shows them.
import type { CatalogEntry } from "../catalog/entry.ts";
import { formatAge, formatBytes, plural } from "../ui/format.ts";
import { truncateStart } from "../ui/table.ts";
import { escapeHtml } from "./html.ts";
import { pageEnd, pageStart, type PageMode } from "./page.ts";

function shortPath(path: string, home: string): string {
  return home && (path === home || path.startsWith(`${home}/`)) ? `~${path.slice(home.length)}` : path;
}

function row(e: CatalogEntry, received: boolean, base: string, home: string, now: number): string {
  const title = escapeHtml(e.title || "(untitled)");
  const prompt = e.firstPrompt && e.firstPrompt !== e.title ? `<div class="first-prompt">${escapeHtml(e.firstPrompt)}</div>` : "";
  return `<tr data-project="${escapeHtml(e.project)}" data-modified="${escapeHtml(e.modified.slice(0, 10))}" data-received="${received ? 1 : 0}">`
    + `<td><a class="title" href="${escapeHtml(`${base}s/${e.id}`)}">${title}</a>${received ? `<span class="badge received">received</span>` : ""}${prompt}</td>`
    + `<td class="project" title="${escapeHtml(e.project)}">${escapeHtml(truncateStart(shortPath(e.project, home), 36))}</td>`
    + `<td>${escapeHtml(e.branch)}</td><td class="num">${e.messages}</td>`
    + `<td class="when" title="${escapeHtml(e.modified)}">${escapeHtml(formatAge(e.modified, now))}</td><td class="num">${escapeHtml(formatBytes(e.bytes))}</td></tr>`;
}

export function catalogPageHtml(sessions: CatalogEntry[], o: { base: string; received: Set<string>; home: string; unreadable?: number; now?: number }): string {
  const mode: PageMode = { kind: "server", base: o.base };
  const now = o.now ?? Date.now();
  const projects = [...new Set(sessions.map((s) => s.project))].sort();
  const options = projects.map((p) => `<option value="${escapeHtml(p)}">${escapeHtml(shortPath(p, o.home))}</option>`).join("");
  const received = sessions.filter((s) => o.received.has(s.id)).length;
  const body = sessions.length === 0
    ? `<p class="empty">No Claude Code sessions on this machine yet.</p>`
    : `<table class="sessions" id="sessions"><thead><tr><th>Title</th><th>Project</th><th>Branch</th><th>Msgs</th><th>Modified</th><th>Size</th></tr></thead><tbody>${sessions.map((s) => row(s, o.received.has(s.id), o.base, o.home, now)).join("\n")}</tbody></table>`;
  return `${pageStart("Claude Code sessions — ccshare", mode)}
<header class="catalog"><h1>Claude Code sessions</h1><p class="count"><span id="shown">${sessions.length}</span> of ${sessions.length} sessions${received ? `, ${received} received` : ""}</p>
<form class="filters" role="search"><input type="search" id="q" placeholder="Search titles and prompts  ( / )" autocomplete="off" autofocus aria-label="Search titles and prompts">
<select id="project" aria-label="Project"><option value="">All projects</option>${options}</select>
<label>Since <input type="date" id="since"></label>${received ? `<label><input type="checkbox" id="received"> Received only</label>` : ""}</form></header>
${o.unreadable ? `<p class="note">${plural(o.unreadable, "file")} of the store could not be read; \`ccshare list\` names them.</p>` : ""}<main>${body}</main>${pageEnd(mode)}`;
}
