// Which sessions a share or export carries: --session (repeatable), --all,
// --project, or a picker when a person is at the terminal (DESIGN.md §1).
import { findSession, listSessions } from "../catalog/catalog.ts";
import type { CatalogEntry } from "../catalog/entry.ts";
import { NothingSelectedError, UsageError } from "../errors.ts";
import { formatAge, formatBytes } from "./format.ts";
import { warnUnreadable } from "./log.ts";
import { canPrompt, pickMany } from "./prompt.ts";
import { stripEscapes } from "./terminal_text.ts";

export interface Selection {
  ids: string[];
  all?: boolean;
  project?: string;
  yes?: boolean;
}

export async function pickSessionsToShare(s: Selection): Promise<CatalogEntry[]> {
  if (s.ids.length > 0) {
    const found = await Promise.all(s.ids.map((id) => findSession(id)));
    return [...new Map(found.map((e) => [e.id, e])).values()];
  }
  const { sessions: entries, unreadable } = await listSessions({ project: s.project });
  warnUnreadable(unreadable);
  if (entries.length === 0) {
    throw new NothingSelectedError(s.project ? `No Claude Code sessions recorded in ${s.project}.` : "No Claude Code sessions found on this machine.");
  }
  if (s.all || (s.project && !canPrompt(s.yes))) return entries;
  if (!canPrompt(s.yes)) throw new UsageError("Choose what to share with --session ID, --all or --project DIR (or run in a terminal to pick).");
  const ids = await pickMany(
    "Sessions to share (space to select, enter to confirm):",
    entries.map((e) => ({ value: e.id, label: stripEscapes(e.title).slice(0, 70), hint: `${stripEscapes(e.project)} · ${formatAge(e.modified)} · ${formatBytes(e.bytes)}` })),
  );
  const chosen = new Set(ids);
  return entries.filter((e) => chosen.has(e.id));
}
