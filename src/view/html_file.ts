// `ccshare show ID --html`: one self-contained page (style and script inline,
// a CSP that lets it load nothing), rendered as `view` renders a transcript,
// with every page and subagent in place, for attaching to an issue or a PR.
import { createWriteStream, openSync } from "node:fs";
import type { Writable } from "node:stream";
import { conversation, outline } from "../catalog/conversation.ts";
import type { CatalogEntry, SessionFile } from "../catalog/entry.ts";
import { subagentsOf } from "../catalog/subagents.ts";
import { fromFsError } from "../errors.ts";
import { finish, Output } from "../ui/output.ts";
import { ConversationHtml } from "./conversation_html.ts";
import { pageEnd, pageStart, sessionHeaderHtml, type PageMode } from "./page.ts";

/** Writes the page to `out` (a file, created 0600) or stdout. */
export async function writeTranscriptHtml(entry: CatalogEntry, files: SessionFile[], outPath?: string): Promise<void> {
  let fd: number | undefined;
  try {
    // Opened first: a path that cannot be written fails before the session is read.
    if (outPath) fd = openSync(outPath, "w", 0o600);
  } catch (error) {
    throw fromFsError(error, `writing ${outPath}`);
  }
  const main = files[0]!.abs;
  const subagents = subagentsOf(files);
  // The header shows the token totals: a first pass counts them.
  const { usage } = outline(main, subagents);
  const stream: Writable = fd === undefined ? process.stdout : createWriteStream("", { fd });
  const out = new Output(stream);
  const mode: PageMode = { kind: "file" };
  try {
    await out.write(pageStart(`${entry.title || entry.id} — ccshare`, mode));
    await out.write(sessionHeaderHtml(entry, { mode, usage }));
    await out.write(`<main id="transcript">`);
    const html = new ConversationHtml({ link: (anchor) => `#${anchor}` });
    for (const event of conversation(main, subagents, { inline: true })) {
      await out.write(html.render(event));
      if (!out.open) break; // stdout's reader left, or the file failed: finish() says which
    }
    if (out.open) await out.write(`${html.end()}</main>${pageEnd(mode)}`);
    await finish(out, stream);
  } catch (error) {
    throw outPath ? fromFsError(error, `writing ${outPath}`) : error;
  }
}
