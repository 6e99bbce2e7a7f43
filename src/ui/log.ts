// The one logger. Everything human goes to stderr so that stdout carries only a
// command's result (a table, a transcript, or --json lines) and pipes stay clean.
// Every message passes the sanitiser on its way out (a close reason or a
// "Receiver #N" warning can carry a peer's text): no call site can forget it.
import { createConsola, type ConsolaReporter } from "consola";
import { stripEscapes } from "./terminal_text.ts";

const base = createConsola({
  stdout: process.stderr,
  stderr: process.stderr,
  level: process.env.CCSHARE_QUIET ? 1 : 3,
  formatOptions: { date: false },
});
const reporters: ConsolaReporter[] = base.options.reporters;
base.setReporters([
  {
    log(logObj, ctx) {
      logObj.args = logObj.args.map((arg: unknown) => (typeof arg === "string" ? stripEscapes(arg) : arg));
      if (typeof logObj.message === "string") logObj.message = stripEscapes(logObj.message);
      for (const reporter of reporters) reporter.log(logObj, ctx);
    },
  },
]);

export const log = base.withTag("ccshare");

/** One warning for everything of the store the catalog could not read (it lists the rest). */
export function warnUnreadable(unreadable: readonly { path: string; reason: string }[]): void {
  const [first] = unreadable;
  if (!first) return;
  const more = unreadable.length > 1 ? ` and ${unreadable.length - 1} more` : "";
  log.warn(`Could not read ${first.path} (${first.reason})${more}; listed the rest.`);
}
