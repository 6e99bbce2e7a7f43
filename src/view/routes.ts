// What the viewer serves, under its secret base path: the catalog, a
// session's transcript page (its first page of messages), the pages after it
// and its subagents as fragments the page script inserts, the token totals,
// and the two assets. Sessions are found through the catalog; a subagent only
// by an id the session's own files have, so no path comes from the URL.
import { statSync } from "node:fs";
import { findSession, listSessions, sessionFiles } from "../catalog/catalog.ts";
import { conversation, outline, type Outline } from "../catalog/conversation.ts";
import type { CatalogEntry } from "../catalog/entry.ts";
import { subagentsOf, type Subagent } from "../catalog/subagents.ts";
import { CcshareError } from "../errors.ts";
import { receivedSessions } from "../install/received.ts";
import { formatTokens } from "../ui/format.ts";
import { VIEWER_CSS, VIEWER_JS } from "./assets.ts";
import { catalogPageHtml } from "./catalog_page.ts";
import { ConversationHtml } from "./conversation_html.ts";
import { pageEnd, pageStart, sessionHeaderHtml, type PageMode } from "./page.ts";

export interface Answer {
  status: number;
  type: string;
  body: string;
}

/** How much of a transcript file one page reads before it ends at the next prompt. */
export const PAGE_BYTES = 256 << 10;

type Env = Record<string, string | undefined>;
const HTML = "text/html; charset=utf-8";
const SESSION_PATH = /^\/s\/([0-9a-f-]{36})(?:\/(page|tokens|agent\/([A-Za-z0-9_-]{1,64})))?$/;

const notFound = (what: string): Answer => ({ status: 404, type: "text/plain; charset=utf-8", body: `${what}\n` });

export class ViewerRoutes {
  private known = new Map<string, CatalogEntry>();
  private outlines = new Map<string, Outline>();
  private readonly mode: PageMode;

  constructor(private readonly o: { base: string; env: Env; home: string }) {
    this.mode = { kind: "server", base: o.base };
  }

  async answer(path: string, query: URLSearchParams): Promise<Answer> {
    if (path === "/" || path === "") return this.catalog();
    if (path === "/assets/viewer.css") return { status: 200, type: "text/css; charset=utf-8", body: VIEWER_CSS };
    if (path === "/assets/viewer.js") return { status: 200, type: "text/javascript; charset=utf-8", body: VIEWER_JS };
    const match = SESSION_PATH.exec(path);
    if (!match) return notFound("Nothing here.");
    const entry = await this.session(match[1]!);
    if (!entry) return notFound("No such session on this machine.");
    const files = await sessionFiles(entry, this.o.env);
    const subagents = subagentsOf(files);
    const from = Math.max(0, Math.floor(Number(query.get("from") ?? 0)) || 0);
    const main = files[0]!.abs;
    if (match[2] === undefined) return this.transcript(entry, main, subagents, from);
    if (match[2] === "tokens") return { status: 200, type: "text/plain; charset=utf-8", body: formatTokens(this.outline(main, subagents).usage) };
    if (match[2] === "page") return this.fragment(entry.id, main, subagents, from, { claimed: () => this.outline(main, subagents).claimed });
    const agent = subagents.find((a) => a.agentId === match[3]);
    if (!agent) return notFound("No such subagent in this session.");
    return this.fragment(entry.id, agent.path, subagents, from, { agent });
  }

  private async catalog(): Promise<Answer> {
    const { sessions, unreadable } = await listSessions({ env: this.o.env });
    this.known = new Map(sessions.map((s) => [s.id, s]));
    return { status: 200, type: HTML, body: catalogPageHtml(sessions, { base: this.o.base, received: receivedSessions(this.o.env), home: this.o.home, unreadable: unreadable.length }) };
  }

  private async session(id: string): Promise<CatalogEntry | undefined> {
    try {
      const entry = this.known.get(id) ?? (await findSession(id, this.o.env));
      this.known.set(id, entry);
      return entry;
    } catch (error) {
      if (error instanceof CcshareError) return undefined;
      throw error;
    }
  }

  /** Token totals and subagent claims need the whole session: counted once per version of its file. */
  private outline(main: string, subagents: Subagent[]): Outline {
    const s = statSync(main);
    const key = `${main}:${s.size}:${s.mtimeMs}:${subagents.map((a) => `${a.agentId}:${a.bytes}`).join(",")}`;
    let found = this.outlines.get(key);
    if (!found) this.outlines.set(key, (found = outline(main, subagents)));
    return found;
  }

  private renderer(id: string, from: number, agent?: Subagent): ConversationHtml {
    const page = `s/${id}`;
    return new ConversationHtml({
      link: (anchor) => (agent ? `#${anchor}` : `${this.o.base}${page}${from ? `?from=${from}` : ""}#${anchor}`),
      subagentSource: (a) => `${page}/agent/${a.agentId}`,
      moreSource: (next) => (agent ? `${page}/agent/${agent.agentId}?from=${next}` : `${page}/page?from=${next}`),
    });
  }

  private events(path: string, subagents: Subagent[], html: ConversationHtml, o: { from: number; claimed?: () => Set<string>; listRest?: boolean }): string {
    const parts: string[] = [];
    for (const event of conversation(path, subagents, { inline: false, pageBytes: PAGE_BYTES, ...o })) parts.push(html.render(event));
    parts.push(html.end());
    return parts.join("");
  }

  private transcript(entry: CatalogEntry, main: string, subagents: Subagent[], from: number): Answer {
    const html = this.renderer(entry.id, from);
    const header = sessionHeaderHtml(entry, { mode: this.mode, usage: { src: `s/${entry.id}/tokens` }, received: receivedSessions(this.o.env).has(entry.id) });
    const linked = from > 0 ? `<p class="note">Showing the conversation from a linked message. <a href="${this.o.base}s/${entry.id}">Start from the beginning</a></p>` : "";
    const claimed = from > 0 ? { claimed: () => this.outline(main, subagents).claimed } : {};
    const body = this.events(main, subagents, html, { from, ...claimed });
    return { status: 200, type: HTML, body: `${pageStart(`${entry.title || entry.id} — ccshare`, this.mode)}${header}<main id="transcript">${linked}${body}</main>${pageEnd(this.mode)}` };
  }

  private fragment(id: string, path: string, subagents: Subagent[], from: number, o: { claimed?: () => Set<string>; agent?: Subagent }): Answer {
    const html = this.renderer(id, from, o.agent);
    return { status: 200, type: HTML, body: this.events(path, subagents, html, { from, claimed: o.claimed, listRest: !o.agent }) };
  }
}
