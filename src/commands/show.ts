import { defineCommand } from "citty";
import { closeSync, openSync, readSync } from "node:fs";
import { findSession, sessionFiles } from "../catalog/catalog.ts";
import { conversation } from "../catalog/conversation.ts";
import { linesOf } from "../catalog/line_reader.ts";
import { subagentsOf } from "../catalog/subagents.ts";
import { transcriptEntries } from "../catalog/transcript.ts";
import { UsageCount } from "../catalog/usage.ts";
import { UsageError } from "../errors.ts";
import { useColor } from "../ui/color.ts";
import { finish, Output } from "../ui/output.ts";
import { startPager } from "../ui/pager.ts";
import { stripEscapes } from "../ui/terminal_text.ts";
import { TranscriptView } from "../ui/transcript_view.ts";
import { describe, jsonArgs } from "./_shared.ts";
import { jsonLine } from "../ui/json_lines.ts";

/** The file as it is; on a terminal, line by line with escape sequences removed. */
async function printRaw(path: string, out: Output, terminal: boolean): Promise<void> {
  if (terminal) {
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
    description: "Print a session's transcript: prompts, answers, tool calls with their results, subagents where they ran.",
    examples: [
      "ccshare show 3f2a9c4e                        # a unique prefix of the id is enough",
      "ccshare show 3f2a9c4e --thinking             # thinking in full, not one dimmed line",
      "ccshare show 3f2a9c4e --html --out s.html    # one self-contained page, to attach to an issue",
      "ccshare show 3f2a9c4e --json                 # the normalised entries, for scripts",
      "ccshare show 3f2a9c4e --raw                  # the JSONL lines as stored",
    ],
  }),
  args: {
    id: { type: "positional", description: "The session id, or its first characters", required: true, valueHint: "ID" },
    thinking: { type: "boolean", description: "Show thinking in full (and, with --json, its entries)" },
    html: { type: "boolean", description: "One self-contained HTML page (styles and script inline, nothing fetched)" },
    out: { type: "string", description: "With --html: write the page to this file instead of stdout", valueHint: "FILE" },
    raw: { type: "boolean", description: "Print the file's lines as stored (escape sequences removed on a terminal)" },
    ...jsonArgs,
  },
  async run({ args }) {
    if ([args.raw, args.json, args.html].filter(Boolean).length > 1) throw new UsageError("Choose one of --raw, --json and --html.");
    if (args.out !== undefined && !args.html) throw new UsageError("--out writes the --html page; add --html.");
    const entry = await findSession(args.id);
    const files = await sessionFiles(entry);
    if (args.html) {
      const { writeTranscriptHtml } = await import("../view/html_file.ts");
      await writeTranscriptHtml(entry, files, args.out);
      return;
    }
    if (args.json) {
      // The normalised entries: the main transcript, then each subagent's; pictures and call arguments stay in the file.
      const out = new Output();
      let first = true;
      await out.write("[");
      for (const file of [{ path: files[0]!.abs, agentId: undefined as string | undefined }, ...subagentsOf(files).map((a) => ({ path: a.path, agentId: a.agentId }))]) {
        for (const e of transcriptEntries(file.path, { subagent: file.agentId })) {
          if (e.kind === "thinking" && !args.thinking) continue;
          const { input: _input, images, ...shown } = e;
          await out.write(`${first ? "\n" : ",\n"}  ${jsonLine(images ? { ...shown, images: images.length } : shown).trimEnd()}`);
          first = false;
          if (!out.open) return;
        }
      }
      await out.write(first ? "]\n" : "\n]\n");
      return await out.flush();
    }
    const terminal = Boolean(process.stdout.isTTY);
    const paging = await startPager();
    const out = new Output(paging.stream);
    try {
      if (args.raw) await printRaw(files[0]!.abs, out, terminal);
      else {
        const view = new TranscriptView({ color: useColor(), width: terminal ? process.stdout.columns : undefined, thinking: args.thinking });
        const usage = new UsageCount();
        await out.write(view.header(entry));
        for (const event of conversation(files[0]!.abs, subagentsOf(files), { inline: true, usage })) {
          await out.write(view.render(event));
          if (!out.open) break;
        }
        if (out.open) await out.write(view.end(usage.totals()));
      }
      await finish(out, paging.stream);
    } finally {
      await paging.done();
    }
  },
});
