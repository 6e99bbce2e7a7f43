// Conversation events as HTML: a section per prompt and per run of the
// assistant's work; each tool call a <details> (closed) holding its result;
// thinking closed too; a subagent inside the call that ran it. The same for
// `view` pages and `show --html` files, so they read alike.
import type { ConversationEvent } from "../catalog/conversation.ts";
import { subagentTitle, type Subagent } from "../catalog/subagents.ts";
import type { TranscriptItem } from "../catalog/tool_calls.ts";
import type { TranscriptEntry } from "../catalog/transcript.ts";
import { escapeHtml, pictureHtml, timeHtml } from "./html.ts";
import { markdownHtml } from "./markdown.ts";
import { callHtml, resultHtml } from "./tool_html.ts";

export interface ConversationHtmlOptions {
  /** Where a message's link points ("#m-…" in a file; with the page's start on a server). */
  link(anchor: string): string;
  /** Given: subagents load when their call is opened, from this address. Absent: they are inline. */
  subagentSource?: (subagent: Subagent) => string;
  /** Where the "more" of a page loads from. */
  moreSource?: (from: number) => string;
}

/** One level of nesting: the main conversation, or a subagent's inside its call. */
interface Level {
  section: "assistant" | undefined;
  call?: TranscriptItem;
}

const ANCHOR = /^[A-Za-z0-9_-]{1,80}$/;

export class ConversationHtml {
  private levels: Level[] = [{ section: undefined }];
  /** The call whose subagent's events come next. */
  private calling: TranscriptItem | undefined;

  constructor(private readonly o: ConversationHtmlOptions) {}

  render(event: ConversationEvent): string {
    switch (event.kind) {
      case "item":
        return this.item(event.item, event.subagent);
      case "subagent": {
        const call = this.calling;
        this.calling = undefined;
        // One no call claimed stands on its own, after the conversation.
        const before = call ? "" : this.closeSection();
        this.levels.push({ section: undefined, call });
        const head = escapeHtml(subagentTitle(event.subagent, call?.entry));
        return call
          ? `<div class="subagent" data-agent="${escapeHtml(event.subagent.agentId)}"><div class="subagent-head">Subagent · ${head}</div>`
          : `${before}<details class="subagent-alone"><summary>Subagent · ${head}</summary><div class="subagent" data-agent="${escapeHtml(event.subagent.agentId)}">`;
      }
      case "end":
        return this.closeLevel();
      case "more":
        return `${this.closeSection()}<div class="more" data-src="${escapeHtml(this.o.moreSource?.(event.from) ?? "")}"><button type="button">Show more</button></div>`;
    }
  }

  /** Closes whatever is open (the end of a page or file). */
  end(): string {
    let html = "";
    while (this.levels.length > 1) html += this.closeLevel();
    return html + this.closeSection();
  }

  /** A subagent's transcript ends: then its call's result, and the call closes. */
  private closeLevel(): string {
    const close = this.closeSection();
    const level = this.levels.length > 1 ? this.levels.pop()! : undefined;
    if (!level?.call) return `${close}</div></details>`;
    return `${close}</div>${level.call.result ? resultHtml(level.call.entry, level.call.result) : noResult()}</div></details>`;
  }

  private get level(): Level {
    return this.levels.at(-1)!;
  }

  private closeSection(): string {
    if (!this.level.section) return "";
    this.level.section = undefined;
    return "</section>";
  }

  private meta(e: TranscriptEntry, who: string): string {
    const anchor = e.uuid && ANCHOR.test(e.uuid) ? `m-${e.uuid}` : "";
    const time = timeHtml(e.timestamp);
    const when = time && anchor ? `<a class="time" href="${escapeHtml(this.o.link(anchor))}" title="Link to this message">${time}</a>` : time;
    return `<div class="meta"><span class="who">${who}</span>${when}</div>`;
  }

  private open(kind: string, e: TranscriptEntry): string {
    const anchor = e.uuid && ANCHOR.test(e.uuid) ? ` id="m-${e.uuid}"` : "";
    return `<section class="msg ${kind}"${anchor}>`;
  }

  private item(item: TranscriptItem, subagent: Subagent | undefined): string {
    const e = item.entry;
    switch (e.kind) {
      case "prompt":
        return `${this.closeSection()}${this.open("user", e)}${this.meta(e, e.subagent ? "Task" : "You")}<div class="text">${escapeHtml(e.text)}</div>${(e.images ?? []).map(pictureHtml).join("")}</section>`;
      case "command":
        return `${this.closeSection()}${this.open("user command", e)}${this.meta(e, "You")}<div class="text"><code>${escapeHtml(e.text)}</code></div></section>`;
      case "compact":
        return `${this.closeSection()}<details class="compact"${e.uuid && ANCHOR.test(e.uuid) ? ` id="m-${e.uuid}"` : ""}><summary>Summary the conversation continued from</summary><div class="md">${markdownHtml(e.text)}</div></details>`;
      case "note":
        return `${this.closeSection()}<div class="note${e.text === "Conversation compacted" ? " boundary" : ""}">${escapeHtml(e.text)}</div>`;
      default:
        return this.assistant(item, subagent);
    }
  }

  private assistant(item: TranscriptItem, subagent: Subagent | undefined): string {
    const e = item.entry;
    let html = "";
    if (!this.level.section) {
      this.level.section = "assistant";
      html += `${this.open("assistant", e)}${this.meta(e, "Claude")}`;
    }
    switch (e.kind) {
      case "answer":
        return html + (e.synthetic ? `<p class="synthetic">Claude Code wrote “${escapeHtml(e.text)}” (not the model)</p>` : `<div class="md">${markdownHtml(e.text)}</div>`);
      case "thinking":
        return html + `<details class="thinking"><summary>Thinking</summary><div class="md">${markdownHtml(e.text)}</div></details>`;
      case "result":
        return html + `<div class="orphan">${resultHtml(undefined, e)}</div>`;
      default:
        return html + this.call(item, subagent);
    }
  }

  private call(item: TranscriptItem, subagent: Subagent | undefined): string {
    const e = item.entry;
    const title = subagent ? subagentTitle(subagent, e) : e.text.replace(/\s+/g, " ");
    const badge = item.result?.error ? `<span class="badge error">error</span>` : !item.result ? `<span class="badge">no result</span>` : "";
    const open = `<details class="tool" data-tool="${escapeHtml(e.tool ?? "")}"${e.id && ANCHOR.test(e.id) ? ` id="t-${e.id}"` : ""}><summary><span class="tool-name">${escapeHtml(e.tool ?? "")}</span> <span class="tool-arg">${escapeHtml(title.slice(0, 300))}</span>${badge}</summary><div class="body">${callHtml(e)}`;
    if (subagent && !this.o.subagentSource) {
      this.calling = item;
      return open;
    }
    const lazy = subagent ? `<div class="subagent lazy" data-src="${escapeHtml(this.o.subagentSource!(subagent))}"><div class="subagent-head">Subagent · ${escapeHtml(subagentTitle(subagent, e))}</div><p class="note">Loading…</p></div>` : "";
    return `${open}${lazy}${item.result ? resultHtml(e, item.result) : noResult()}</div></details>`;
  }
}

function noResult(): string {
  return `<p class="note">(no result was recorded)</p>`;
}
