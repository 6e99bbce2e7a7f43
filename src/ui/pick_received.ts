// The receiver's choice from the sharer's catalog: --all, --session (ids or
// unique prefixes), or a picker. Everything shown is the peer's text, so it is
// stripped of terminal escapes first (DESIGN.md §5).
import { NothingSelectedError, SessionNotFoundError, AmbiguousSessionError, UsageError } from "../errors.ts";
import type { CatalogSession } from "../pack/records.ts";
import { formatAge, formatBytes } from "./format.ts";
import { log } from "./log.ts";
import { canPrompt, pickMany } from "./prompt.ts";
import { stripEscapes } from "./terminal_text.ts";

export interface ReceiveSelection {
  all?: boolean;
  ids: string[];
  yes?: boolean;
  json?: boolean;
}

export function describeSession(s: CatalogSession): string {
  const branch = s.branch ? ` (${stripEscapes(s.branch)})` : "";
  return `${stripEscapes(s.title).slice(0, 60)} — ${stripEscapes(s.project)}${branch}, ${s.messages} messages, ${formatAge(s.modified)}, ${formatBytes(s.bytes)}${redactedNote(s)}`;
}

/** Issue 17: the sharer's scan removed this many values; the receiver should know some text is missing. */
function redactedNote(s: CatalogSession): string {
  return s.redacted ? `, ${s.redacted} value${s.redacted === 1 ? "" : "s"} redacted by the sharer` : "";
}

export async function chooseFromCatalog(catalog: CatalogSession[], s: ReceiveSelection): Promise<string[]> {
  if (catalog.length === 0) throw new NothingSelectedError("The sharer offered no sessions.");
  if (s.ids.length > 0) return s.ids.map((prefix) => matchOne(catalog, prefix));
  if (s.all) return catalog.map((c) => c.id);
  if (!s.json) {
    log.info(`The sharer offers ${catalog.length} session${catalog.length === 1 ? "" : "s"}:`);
    for (const c of catalog) process.stderr.write(`  ${c.id.slice(0, 8)}  ${describeSession(c)}\n`);
  }
  if (catalog.length === 1 && s.yes) return [catalog[0]!.id];
  if (!canPrompt(s.yes || s.json)) {
    if (s.yes) return catalog.map((c) => c.id);
    throw new UsageError("Choose sessions with --all or --session ID (or run in a terminal to pick).");
  }
  return pickMany(
    "Sessions to receive (space to select, enter to confirm):",
    catalog.map((c) => ({ value: c.id, label: stripEscapes(c.title).slice(0, 70), hint: `${stripEscapes(c.project)} · ${formatAge(c.modified)} · ${formatBytes(c.bytes)}${c.redacted ? ` · ${c.redacted} redacted` : ""}` })),
  );
}

function matchOne(catalog: CatalogSession[], prefix: string): string {
  const matches = catalog.filter((c) => c.id.startsWith(prefix.toLowerCase()));
  if (matches.length === 1) return matches[0]!.id;
  if (matches.length === 0) throw new SessionNotFoundError(`The sharer does not offer a session starting with "${prefix}".`);
  throw new AmbiguousSessionError(`"${prefix}" matches ${matches.length} offered sessions: ${matches.map((m) => m.id).join(", ")}.`);
}
