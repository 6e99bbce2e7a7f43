// Which sessions a share or export carries: --session (repeatable), --all,
// --project, or the picker when a person is at the terminal (DESIGN.md §1).
import { findSession, listSessions } from "../catalog/catalog.ts";
import type { CatalogEntry } from "../catalog/entry.ts";
import { NothingSelectedError, UsageError } from "../errors.ts";
import { formatAge, formatBytes } from "./format.ts";
import { warnUnreadable } from "./log.ts";
import { canPrompt, pickMany } from "./prompt.ts";

export interface Selection {
  ids: string[];
  all?: boolean;
  project?: string;
  yes?: boolean;
  /** The command, for its words: "Sessions to export", "nothing was shared". */
  verb: "share" | "export";
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
  if (!canPrompt(s.yes)) throw new UsageError(`Choose what to ${s.verb} with --session ID, --all or --project DIR (or run in a terminal to pick).`);
  const ids = await pickMany(
    `Sessions to ${s.verb}`,
    entries.map((e) => ({
      value: e.id,
      label: e.title,
      hint: [e.project, e.branch, formatAge(e.modified), formatBytes(e.bytes)].filter(Boolean).join(" · "),
      search: `${e.firstPrompt}\n${e.id}`,
    })),
    { undone: s.verb === "share" ? "shared" : "exported" },
  );
  const chosen = new Set(ids);
  return entries.filter((e) => chosen.has(e.id));
}
