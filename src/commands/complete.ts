// `ccshare __complete KIND WORD`: what the shell completion scripts ask while
// a person presses Tab (ui/completion.ts). Hidden: not a command for people.
// One candidate a line, "value<TAB>description" (bash keeps the value).
import { defineCommand } from "citty";
import { knownSessions } from "../catalog/known_sessions.ts";
import { codeCandidates } from "../ui/code_prompt.ts";
import { cellText, truncate } from "../ui/table.ts";

/** Enough to choose from; a shell lists them all, so not the whole store. */
const MAX = 50;

export default defineCommand({
  meta: { name: "__complete", description: "Candidates for shell completion.", hidden: true },
  args: {
    kind: { type: "positional", required: true, description: "session or code", valueHint: "session|code" },
    word: { type: "positional", required: false, description: "What is typed so far", default: "" },
  },
  async run({ args }) {
    const word = String(args.word ?? "");
    let lines: string[] = [];
    if (args.kind === "session") {
      lines = (await knownSessions(word)).slice(0, MAX).map((s) => `${s.id}\t${truncate(cellText(s.title) || "(untitled)", 60)}`);
    } else if (args.kind === "code") lines = codeCandidates(word);
    if (lines.length) process.stdout.write(`${lines.join("\n")}\n`);
  },
});
