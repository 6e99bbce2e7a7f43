import { defineCommand } from "citty";
import { findSession, listSessions, offerSessions } from "../catalog/catalog.ts";
import { NothingSelectedError } from "../errors.ts";
import { scanSessions } from "../redact/sessions.ts";
import { log, warnUnreadable } from "../ui/log.ts";
import { progressBar } from "../ui/progress.ts";
import { describeFindings, findingsJson } from "../ui/secrets.ts";
import { describe, jsonArgs } from "./_shared.ts";
import { plural } from "../ui/format.ts";

export default defineCommand({
  meta: describe({
    name: "scan",
    description: "Look for secrets in sessions, as share and export do before sending; shares nothing.",
    examples: [
      "ccshare scan                      # every session on this machine",
      "ccshare scan 3f2a9c4e 9b1c77d0    # these sessions (ids or unique prefixes)",
      "ccshare scan --project .          # the sessions of this directory",
      "ccshare scan --json | jq '.values'",
    ],
  }),
  args: {
    ids: { type: "positional", required: false, description: "Session ids or unique prefixes (default: every session)", valueHint: "ID..." },
    project: { type: "string", description: "Only sessions recorded in this project directory", valueHint: "DIR" },
    ...jsonArgs,
  },
  async run({ args }) {
    const ids = (args._ as string[] | undefined) ?? [];
    const listed = ids.length > 0 ? { sessions: await Promise.all(ids.map((id) => findSession(id))), unreadable: [] } : await listSessions({ project: args.project });
    warnUnreadable(listed.unreadable);
    const entries = listed.sessions;
    if (entries.length === 0) throw new NothingSelectedError(args.project ? `No Claude Code sessions recorded in ${args.project}.` : "No Claude Code sessions found on this machine.");
    const unique = [...new Map(entries.map((e) => [e.id, e])).values()];
    const bar = args.json ? undefined : progressBar("Scanning for secrets");
    const offered = await offerSessions(unique);
    warnUnreadable(offered.unreadable);
    const report = await scanSessions(offered.sessions, { onProgress: (p) => bar?.update(p.bytes, p.total) });
    bar?.finish();
    if (args.json) {
      process.stdout.write(JSON.stringify({ event: "scan", scanned: unique.length, ...findingsJson(report) }) + "\n");
      return;
    }
    if (report.values === 0) {
      log.success(`No secrets found in ${plural(unique.length, "session")}.`);
      return;
    }
    process.stdout.write(`${describeFindings(report)}\n`);
    log.info("share and export redact these unless told --no-redact.");
  },
});
