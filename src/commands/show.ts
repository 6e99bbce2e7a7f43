import { defineCommand } from "citty";
import { closeSync, openSync, readSync } from "node:fs";
import { basename } from "node:path";
import { findSession, sessionFiles } from "../catalog/catalog.ts";
import { linesOf } from "../catalog/line_reader.ts";
import { AGENT_FILE } from "../catalog/paths.ts";
import { transcriptEntries, type TranscriptEntry } from "../catalog/transcript.ts";
import { UsageError } from "../errors.ts";
import { useColor } from "../ui/color.ts";
import { Output } from "../ui/output.ts";
import { stripEscapes } from "../ui/terminal_text.ts";
import { TranscriptView } from "../ui/transcript_view.ts";
import { describe, jsonArgs } from "./_shared.ts";

/** The main transcript, then each subagent's (2.0.x sibling files, 2.1.x `<id>/subagents/`). */
async function* entriesOfSession(id: string): AsyncGenerator<TranscriptEntry> {
  const entry = await findSession(id);
  const files = await sessionFiles(entry);
  yield* transcriptEntries(files[0]!.abs);
  for (const file of files.slice(1)) {
    const name = basename(file.path);
    if (AGENT_FILE.test(name)) yield* transcriptEntries(file.abs, { subagent: name.slice("agent-".length, -".jsonl".length) });
  }
}

/** The file as it is; on a terminal, line by line with escape sequences removed. */
async function printRaw(path: string, out: Output): Promise<void> {
  if (process.stdout.isTTY) {
    const utf8 = new TextDecoder();
    for (const { buf, start, end } of linesOf(path)) {
      await out.write(`${stripEscapes(utf8.decode(buf.subarray(start, end)))}\n`);
      if (!out.open) return;
    }
    return;
  }
  const fd = openSync(path, "r");
  try {
    for (;;) {
      const chunk = new Uint8Array(256 * 1024);
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0 || !out.open) break;
      await out.write(chunk.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
}

export default defineCommand({
  meta: describe({
    name: "show",
    description: "Print a session's transcript: prompts, answers, tool calls (one line each), subagents marked.",
    examples: [
      "ccshare show 3f2a9c4e            # a unique prefix of the id is enough",
      "ccshare show 3f2a9c4e --json     # the normalised entries, for scripts",
      "ccshare show 3f2a9c4e --raw      # the JSONL lines as stored",
    ],
  }),
  args: {
    id: { type: "positional", description: "The session id, or its first characters", required: true, valueHint: "ID" },
    raw: { type: "boolean", description: "Print the file's lines as stored (escape sequences removed on a terminal)" },
    ...jsonArgs,
  },
  async run({ args }) {
    if (args.raw && args.json) throw new UsageError("Choose one of --raw and --json.");
    const out = new Output();
    if (args.raw) {
      const [file] = await sessionFiles(await findSession(args.id));
      await printRaw(file!.abs, out);
    } else if (args.json) {
      let first = true;
      await out.write("[");
      for await (const entry of entriesOfSession(args.id)) {
        await out.write(`${first ? "\n" : ",\n"}  ${JSON.stringify(entry)}`);
        first = false;
        if (!out.open) return;
      }
      await out.write(first ? "]\n" : "\n]\n");
    } else {
      const view = new TranscriptView({ color: useColor(), width: process.stdout.isTTY ? process.stdout.columns : undefined });
      for await (const entry of entriesOfSession(args.id)) {
        await out.write(view.render(entry));
        if (!out.open) return;
      }
      await out.write(view.end());
    }
    await out.flush();
  },
});
