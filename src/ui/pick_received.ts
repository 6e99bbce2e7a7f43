// The receiver's choice from the sharer's (or a bundle's) catalog: --all,
// --session (ids or unique prefixes), or the picker. Everything shown is the
// peer's text, so it is stripped of terminal escapes first (DESIGN.md §5).
import { NothingSelectedError, SessionNotFoundError, AmbiguousSessionError, UsageError } from "../errors.ts";
import type { CatalogSession } from "../pack/records.ts";
import { formatAge, formatBytes, plural } from "./format.ts";
import { log } from "./log.ts";
import { canPrompt, pickMany } from "./prompt.ts";
import { stripEscapes } from "./terminal_text.ts";

export interface ReceiveSelection {
  all?: boolean;
  ids: string[];
  yes?: boolean;
  json?: boolean;
  /** Where the catalog came from, for the messages: a live sharer or a bundle file. */
  from: "sharer" | "bundle";
}

export function describeSession(s: CatalogSession): string {
  const branch = s.branch ? ` (${stripEscapes(s.branch)})` : "";
  return `${stripEscapes(s.title).slice(0, 60)} — ${stripEscapes(s.project)}${branch}, ${s.messages} messages, ${formatAge(s.modified)}, ${formatBytes(s.bytes)}${redactedNote(s)}`;
}

/** Issue 17: the sharer's scan removed this many values; the receiver should know some text is missing. */
function redactedNote(s: CatalogSession): string {
  return s.redacted ? `, ${plural(s.redacted, "value")} redacted by the sharer` : "";
}

const WORDS = {
  sharer: { none: "The sharer offered no sessions", offers: "The sharer offers", missing: "The sharer does not offer a session starting with", matches: "offered sessions" },
  bundle: { none: "The bundle holds no sessions", offers: "The bundle holds", missing: "The bundle holds no session starting with", matches: "sessions in the bundle" },
};

export async function chooseFromCatalog(catalog: CatalogSession[], s: ReceiveSelection): Promise<string[]> {
  const words = WORDS[s.from];
  if (catalog.length === 0) throw new NothingSelectedError(words.none, { refused: true });
  if (s.ids.length > 0) return s.ids.map((prefix) => matchOne(catalog, prefix, s.from));
  if (s.all) return catalog.map((c) => c.id);
  if (catalog.length === 1 && s.yes) return [catalog[0]!.id];
  if (!canPrompt(s.yes || s.json)) {
    if (s.yes) return catalog.map((c) => c.id);
    if (!s.json) {
      log.info(`${words.offers} ${plural(catalog.length, "session")}:`);
      for (const c of catalog) process.stderr.write(`  ${stripEscapes(c.id).slice(0, 8)}  ${describeSession(c)}\n`);
    }
    throw new UsageError("Choose sessions with --all or --session ID (or run in a terminal to pick).");
  }
  return pickMany(
    "Sessions to receive",
    catalog.map((c) => ({
      value: c.id,
      label: c.title,
      hint: [c.project, c.branch, formatAge(c.modified), formatBytes(c.bytes), c.redacted ? `${c.redacted} redacted` : ""].filter(Boolean).join(" · "),
      search: `${c.firstPrompt}\n${c.id}`,
    })),
    // One session offered: it starts selected, so Enter takes it.
    { undone: "installed", selected: catalog.length === 1 ? [catalog[0]!.id] : [] },
  );
}

function matchOne(catalog: CatalogSession[], prefix: string, from: ReceiveSelection["from"]): string {
  const matches = catalog.filter((c) => c.id.startsWith(prefix.toLowerCase()));
  if (matches.length === 1) return matches[0]!.id;
  const shown = JSON.stringify(stripEscapes(prefix));
  if (matches.length === 0) throw new SessionNotFoundError(`${WORDS[from].missing} ${shown}`, { refused: true });
  throw new AmbiguousSessionError(`${shown} matches ${matches.length} ${WORDS[from].matches}: ${matches.map((m) => stripEscapes(m.id)).join(", ")}`, { refused: true });
}
