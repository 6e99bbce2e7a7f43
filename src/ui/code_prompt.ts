// `ccshare receive` with no code on a terminal asks for it (issue 13: a code
// on argv is visible to other local users in `ps`; issue 18: the words
// complete as you type, as magic-wormhole's do). The room is shown as typed
// (it is public); the words are the secret, shown as dots, with a note on the
// word being typed (how many list words it could be) and Tab to complete it.
import { isListWord, wordsStartingWith } from "../crypto/passphrase.ts";
import { useColor } from "./color.ts";
import { cancelled } from "./prompt.ts";
import { withRawTerminal, type RawTerminal } from "./raw_terminal.ts";

export const CODE_QUESTION = "Code: ";

/** The typed code as it is drawn: room in clear, the rest masked. */
export function maskCode(text: string): string {
  const dash = text.search(/[-\s]/);
  if (dash < 0) return text;
  return text.slice(0, dash) + text.slice(dash).replace(/[^-\s]/g, "•");
}

/** The word being typed (after the room and the last separator), or undefined while the room is typed. */
function currentWord(text: string): string | undefined {
  if (!/[-\s]/.test(text)) return undefined;
  return /[^-\s]*$/.exec(text)![0];
}

/** Every completion of the word being typed: the code as it would read with each list word that fits. */
export function codeCandidates(text: string): string[] {
  const word = currentWord(text);
  if (word === undefined) return [];
  const before = text.slice(0, text.length - word.length);
  return wordsStartingWith(word).map((w) => before + w);
}

/** What Tab does: the word completed (and a "-" after it) when only one fits, else as far as all candidates agree. */
export function completeCode(text: string): string {
  const candidates = codeCandidates(text);
  if (candidates.length === 0) return text;
  if (candidates.length === 1) return `${candidates[0]}-`;
  let common = candidates[0]!;
  for (const c of candidates) while (!c.startsWith(common)) common = common.slice(0, -1);
  return common.length > text.length ? common : text;
}

/** The note after the input: how the word being typed stands. */
export function wordNote(text: string): string {
  if (text === "") return "the code the sharer gave you; Enter alone looks for sharers on this network";
  const word = currentWord(text);
  if (!word) return "";
  const candidates = wordsStartingWith(word).length;
  if (isListWord(word)) return candidates > 1 ? "a list word (or the start of another)" : "a list word";
  if (candidates === 0) return "not a word of ccshare's list";
  return candidates === 1 ? "Tab completes it" : `${candidates} list words start so; Tab completes`;
}

async function ask(terminal: RawTerminal): Promise<string> {
  const dim = useColor(process.stderr) ? (t: string) => `\x1b[2m${t}\x1b[22m` : (t: string) => t;
  let text = "";
  // One line, never wrapped (a wrapped line would be left behind by the next redraw):
  // the note goes first, then the start of a long code scrolls out of view.
  const line = () => {
    const room = terminal.columns - 1 - CODE_QUESTION.length;
    const masked = maskCode(text);
    const shown = masked.length > room ? `…${masked.slice(masked.length - room + 1)}` : masked;
    const note = wordNote(text);
    const fits = note && shown.length + note.length + 4 <= room;
    return `\r\x1b[2K${CODE_QUESTION}${shown}${fits ? `  ${dim(`(${note})`)}\x1b[${note.length + 4}D` : ""}`;
  };
  const draw = () => terminal.write(line());
  draw();
  for (;;) {
    for (const key of await terminal.nextKeys()) {
      if (key.name === "enter") {
        terminal.write(`\r\x1b[2K${CODE_QUESTION}${maskCode(text).slice(0, terminal.columns - 1 - CODE_QUESTION.length)}\n`);
        return text.trim();
      }
      if (key.name === "interrupt" || key.name === "escape" || (key.name === "eof" && text === "")) {
        terminal.write("\n");
        throw cancelled("installed");
      }
      if (key.name === "tab") text = completeCode(text);
      else if (key.name === "backspace") text = [...text].slice(0, -1).join("");
      else if (key.name === "clear-line") text = "";
      else if (key.name === "delete-word") text = text.replace(/[^-\s]*[-\s]?$/, "");
      else if (key.name === "space") text += " ";
      else if (key.name === "char") text += key.text;
    }
    draw();
  }
}

/** Asks for the code; undefined when Enter was pressed alone (then: look for sharers on the LAN). */
export async function askCode(): Promise<string | undefined> {
  const typed = await withRawTerminal(ask);
  // "K7P2QX orbit maple ...": the room's separator typed as a space is still the room's.
  // The "-" Tab leaves after the last word is not part of the code.
  return typed === "" ? undefined : typed.replace(/^([0-9A-Za-z]{6})\s+/, "$1-").replace(/[-\s]+$/, "");
}
