import { defineCommand } from "citty";
import { homedir } from "node:os";
import { listSessions } from "../catalog/catalog.ts";
import { projectsRoots } from "../catalog/paths.ts";
import type { CatalogEntry } from "../catalog/entry.ts";
import { formatAge, formatBytes } from "../ui/format.ts";
import { useColor } from "../ui/color.ts";
import { warnUnreadable } from "../ui/log.ts";
import { Output } from "../ui/output.ts";
import { renderTable, type Column } from "../ui/table.ts";
import { describe, jsonArgs, parseSince } from "./_shared.ts";
import { jsonLine } from "../ui/json_lines.ts";

const COLUMNS: Column[] = [
  { header: "ID" },
  { header: "TITLE", shrink: true, min: 12 },
  { header: "PROJECT", shrink: true, min: 12, keepEnd: true },
  { header: "BRANCH", shrink: true, min: 6, drop: 1 },
  { header: "MSGS", align: "right", drop: 3 },
  { header: "MODIFIED", drop: 4 },
  { header: "SIZE", align: "right", drop: 2 },
];

/** "~/src/app" for paths under this user's home. */
function shortPath(path: string, home = process.env.HOME || homedir()): string {
  return home && (path === home || path.startsWith(`${home}/`)) ? `~${path.slice(home.length)}` : path;
}

function row(e: CatalogEntry, now: number): string[] {
  return [e.id.slice(0, 8), e.title || "(untitled)", shortPath(e.project), e.branch, String(e.messages), formatAge(e.modified, now), formatBytes(e.bytes)];
}

export default defineCommand({
  meta: describe({
    name: "list",
    description: "List Claude Code sessions on this machine, newest first.",
    examples: [
      "ccshare list                         # every session",
      "ccshare list --project .             # the sessions of this directory",
      "ccshare list --since 3d --grep parser",
      "ccshare list --wide                  # titles and paths in full, however wide",
      "ccshare list --json | jq '.[0].id'   # the newest session's id",
    ],
  }),
  args: {
    project: { type: "string", description: "Only sessions recorded in this directory (default: all projects)", valueHint: "DIR" },
    since: { type: "string", description: "Only sessions modified since then: a date (2026-07-19) or an age (3d, 12h, 2w)", valueHint: "DATE" },
    grep: { type: "string", description: "Only sessions whose title or first prompt contains this text", valueHint: "TEXT" },
    wide: { type: "boolean", description: "Do not cut titles and paths to the terminal's width" },
    ...jsonArgs,
  },
  async run({ args }) {
    const { sessions, unreadable } = await listSessions({
      project: args.project,
      since: args.since === undefined ? undefined : parseSince(args.since),
      grep: args.grep,
    });
    warnUnreadable(unreadable);
    // Through Output: `ccshare list | head` ends quietly when head stops reading.
    const out = new Output();
    if (args.json) await out.write(jsonLine(sessions, 2));
    else if (sessions.length === 0) {
      const narrowed = args.project !== undefined || args.since !== undefined || args.grep !== undefined;
      await out.write(narrowed ? "No sessions match these filters.\n" : `No Claude Code sessions found in ${projectsRoots().join(" or ")}.\n`);
    } else {
      const color = useColor();
      const now = Date.now();
      await out.write(renderTable(COLUMNS, sessions.map((e) => row(e, now)), {
        width: process.stdout.isTTY && !args.wide ? process.stdout.columns : undefined,
        header: color ? (text) => `\x1b[1m${text}\x1b[22m` : undefined,
      }));
    }
    await out.flush();
  },
});
