// Questions to the person at the terminal. Only ever asked when stdin is a
// terminal and --yes was not given; scripts get a usage error instead.
import { NothingSelectedError, UsageError } from "../errors.ts";
import { log } from "./log.ts";

export function canPrompt(yes?: boolean): boolean {
  return !yes && Boolean(process.stdin.isTTY) && Boolean(process.stderr.isTTY);
}

export interface Choice {
  value: string;
  label: string;
  hint?: string;
}

/** Pick several: a filter first (type part of a title or project; Enter for all), then a checklist. */
export async function pickMany(message: string, choices: Choice[]): Promise<string[]> {
  let shown = choices;
  if (choices.length > 15) {
    const filter = String(await log.prompt("Filter (part of a title or project, Enter for all):", { type: "text", cancel: "reject" })).trim().toLowerCase();
    if (filter) shown = choices.filter((c) => `${c.label} ${c.hint ?? ""}`.toLowerCase().includes(filter));
    if (shown.length === 0) throw new NothingSelectedError(`No session matches "${filter}".`);
  }
  const picked = (await log.prompt(message, {
    type: "multiselect",
    required: false,
    cancel: "reject",
    options: shown.map((c) => ({ value: c.value, label: c.label, hint: c.hint })),
  })) as unknown as (string | { value: string })[];
  const values = picked.map((p) => (typeof p === "string" ? p : p.value));
  if (values.length === 0) throw new NothingSelectedError("Nothing selected; nothing to do.");
  return values;
}

export async function pickOne(message: string, choices: Choice[]): Promise<string> {
  const picked = (await log.prompt(message, {
    type: "select",
    cancel: "reject",
    options: choices.map((c) => ({ value: c.value, label: c.label, hint: c.hint })),
  })) as unknown as string | { value: string };
  return typeof picked === "string" ? picked : picked.value;
}

/** Read a line without echoing it (for passphrases). */
export async function askHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) throw new UsageError("No passphrase given: pass --passphrase or set CCSHARE_PASSPHRASE.");
  process.stderr.write(question);
  stdin.setRawMode(true);
  stdin.resume();
  try {
    return await new Promise<string>((resolve, reject) => {
      let text = "";
      const onData = (chunk: Buffer) => {
        for (const ch of chunk.toString("utf8")) {
          if (ch === "\r" || ch === "\n") {
            stdin.off("data", onData);
            return resolve(text);
          }
          if (ch === "\u0003") {
            stdin.off("data", onData);
            return reject(new NothingSelectedError("Cancelled."));
          }
          if (ch === "\u007f" || ch === "\b") text = text.slice(0, -1);
          else if (ch >= " ") text += ch;
        }
      };
      stdin.on("data", onData);
    });
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
    process.stderr.write("\n");
  }
}
