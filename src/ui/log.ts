// The one logger. Everything human goes to stderr so that stdout carries only a
// command's result (a table, a transcript, or --json lines) and pipes stay clean.
import { createConsola } from "consola";

export const log = createConsola({
  stdout: process.stderr,
  stderr: process.stderr,
  level: process.env.CCSHARE_QUIET ? 1 : 3,
  formatOptions: { date: false },
}).withTag("ccshare");

/** One warning for everything of the store the catalog could not read (it lists the rest). */
export function warnUnreadable(unreadable: readonly { path: string; reason: string }[]): void {
  const [first] = unreadable;
  if (!first) return;
  const more = unreadable.length > 1 ? ` and ${unreadable.length - 1} more` : "";
  log.warn(`Could not read ${first.path} (${first.reason})${more}; listed the rest.`);
}
