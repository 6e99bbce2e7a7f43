// Questions to the person at the terminal. Only ever asked when stdin is a
// terminal and --yes was not given; scripts get a usage error instead. Esc or
// Ctrl-C cancels with exit 130 and a sentence saying nothing happened, in the
// words of the command (issue 12).
import { CancelledError, NothingSelectedError, UsageError } from "../errors.ts";
import { pick } from "./picker.ts";
import { withRawTerminal } from "./raw_terminal.ts";

export function canPrompt(yes?: boolean): boolean {
  return !yes && Boolean(process.stdin.isTTY) && Boolean(process.stderr.isTTY);
}

export interface Choice {
  value: string;
  label: string;
  hint?: string;
  /** More text the filter matches (a first prompt, a branch), not shown. */
  search?: string;
}

/** What a cancelled command did not do, for its message. */
export type Undone = "shared" | "exported" | "installed";

export function cancelled(undone?: Undone): CancelledError {
  // "nothing was installed" is the error classes' own sentence (errors.ts `refused`).
  if (undone === "installed") return new CancelledError("Cancelled", { refused: true });
  return new CancelledError(undone ? `Cancelled; nothing was ${undone}.` : "Cancelled.");
}

export interface PickManyOptions {
  undone: Undone;
  /** Selected when the list opens (one session offered to a receiver). */
  selected?: string[];
  noun?: string;
}

/** Pick several from one list that filters as you type. */
export async function pickMany(message: string, choices: Choice[], o: PickManyOptions): Promise<string[]> {
  const values = await pick({ title: message, items: choices, multiple: true, selected: o.selected, noun: o.noun ?? "session", cancelled: () => cancelled(o.undone) });
  if (values.length === 0) throw new NothingSelectedError("Nothing selected; nothing to do.");
  return values;
}

/** Pick one (Enter takes the highlighted row). */
export async function pickOne(message: string, choices: Choice[], o: { undone?: Undone; noun?: string } = {}): Promise<string> {
  const [value] = await pick({ title: message, items: choices, multiple: false, noun: o.noun ?? "choice", cancelled: () => cancelled(o.undone) });
  return value!;
}

/** Read a line without echoing it (for passphrases). */
export async function askHidden(question: string, o: { undone?: Undone } = {}): Promise<string> {
  if (!process.stdin.isTTY) throw new UsageError("No passphrase given: pass --passphrase or set CCSHARE_PASSPHRASE.");
  process.stderr.write(question);
  try {
    return await withRawTerminal(async (terminal) => {
      let text = "";
      for (;;) {
        for (const key of await terminal.nextKeys()) {
          if (key.name === "enter") return text;
          if (key.name === "interrupt" || key.name === "escape" || (key.name === "eof" && text === "")) throw cancelled(o.undone);
          if (key.name === "backspace") text = [...text].slice(0, -1).join("");
          else if (key.name === "clear-line") text = "";
          else if (key.name === "space") text += " ";
          else if (key.name === "char") text += key.text;
        }
      }
    });
  } finally {
    process.stderr.write("\n");
  }
}
