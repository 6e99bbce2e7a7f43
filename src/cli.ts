#!/usr/bin/env bun
// The root command: lazy sub-commands and one place that turns errors into an
// exit code and one sentence. Nothing else lives here.
import { defineCommand } from "citty";
import { runCli } from "./ui/run.ts";
import { VERSION } from "./version.ts";
import { describe } from "./commands/_shared.ts";

const main = defineCommand({
  meta: describe({
    name: "ccshare",
    version: VERSION,
    description: "Share Claude Code sessions, end-to-end encrypted, over the LAN or a relay.",
    examples: [
      "ccshare list                                  # your sessions, newest first",
      "ccshare show 3f2a9c4e                         # read one",
      "ccshare view                                  # browse them all in your browser",
      "ccshare share                                 # pick sessions, print a code, serve on the LAN",
      "ccshare receive K7P2QX-orbit-maple-tiger-flute  # on the other machine",
      "ccshare export --all --out sessions.ccs       # a sealed file for CI artifacts",
    ],
  }),
  subCommands: {
    list: () => import("./commands/list.ts").then((m) => m.default),
    show: () => import("./commands/show.ts").then((m) => m.default),
    view: () => import("./commands/view.ts").then((m) => m.default),
    share: () => import("./commands/share.ts").then((m) => m.default),
    receive: () => import("./commands/receive.ts").then((m) => m.default),
    relay: () => import("./commands/relay.ts").then((m) => m.default),
    export: () => import("./commands/export.ts").then((m) => m.default),
    scan: () => import("./commands/scan.ts").then((m) => m.default),
    import: () => import("./commands/import.ts").then((m) => m.default),
    completion: () => import("./commands/completion.ts").then((m) => m.completionCommand((): unknown => main)),
    // Hidden: what the completion scripts ask on Tab (session ids and titles, code words).
    __complete: () => import("./commands/complete.ts").then((m) => m.default),
  },
});

/**
 * One line per command for the root --help, so that it loads no command module
 * (start-up time). test/cli.test.ts checks each matches the command's own meta.
 */
export const SUMMARIES: Record<string, string> = {
  list: "List Claude Code sessions on this machine, newest first.",
  show: "Print a session's transcript: prompts, answers, tool calls with their results, subagents where they ran.",
  view: "Browse sessions in your web browser: a read-only viewer on 127.0.0.1 until Ctrl-C.",
  share: "Share sessions: print a code and serve them on the LAN (and through a relay with --relay).",
  receive: "Receive shared sessions and install them so `claude --resume` finds them.",
  relay: "Run a WebSocket relay that glues sharers to receivers; it forwards only ciphertext.",
  export: "Write sessions to a sealed bundle file (for CI artifacts, attachments, offline copies).",
  import: "Install the sessions of a bundle file written by `ccshare export` (or just --list them).",
  scan: "Look for secrets in sessions, as share and export do before sending; shares nothing.",
  completion: "Print a shell completion script for bash, zsh or fish.",
};

if (import.meta.main) await runCli(main, process.argv.slice(2), SUMMARIES);
