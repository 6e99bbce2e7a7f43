// The one interactive list (issue 12): sessions to share, export, receive or
// import, the LAN sharer to receive from, any choice. It filters as you type
// (title, project, branch, first prompt), Space selects, Ctrl-A selects all,
// arrows/PgUp/PgDn/Home/End move, Enter confirms, Esc or Ctrl-C cancels.
// Our own raw-mode list rather than consola's prompt: under the compiled Bun
// binary consola's text prompt echoed the filter and returned "undefined", and
// its multiselect draws every option (5,000 rows for 5,000 sessions).
//
// It draws a frame of fixed height on stderr: room is made once (the screen
// scrolls then, never later), the cursor position saved, and each redraw
// restores it and clears below, so no stray rows are left at any width. Rows
// are cut to the terminal's width, never wrapped.
import { useColor } from "./color.ts";
import type { Key } from "./keys.ts";
import { PickList, type PickItem } from "./pick_list.ts";
import { withRawTerminal, type RawTerminal } from "./raw_terminal.ts";
import { cellText, displayWidth, truncate } from "./table.ts";
import { plural } from "./format.ts";

export interface PickOptions {
  /** What is being chosen: "Sessions to export", "Which sharer?". */
  title: string;
  items: readonly PickItem[];
  /** Several (Space, Ctrl-A) or one. */
  multiple: boolean;
  /** Values selected when the list opens. */
  selected?: readonly string[];
  /** The counted thing: "session" gives "12 of 500 sessions". */
  noun?: string;
  /** The error Esc and Ctrl-C throw: the command says in its own words that nothing happened. */
  cancelled: () => Error;
}

const MAX_ROWS = 15;
/** The help line of keys, longest first: the first that fits the terminal is shown. */
const MULTIPLE_KEYS = [
  "  type to filter · ↑↓ PgUp PgDn Home End move · space select · ctrl-a all · enter confirm · esc cancel",
  "  type to filter · ↑↓ move · space select · ctrl-a all · enter confirm · esc cancel",
  "  ↑↓ move · space select · ^A all · enter ok · esc cancel",
];
const SINGLE_KEYS = ["  type to filter · ↑↓ PgUp PgDn Home End move · enter choose · esc cancel", "  type to filter · ↑↓ move · enter choose · esc cancel", "  ↑↓ move · enter choose · esc cancel"];

interface Style {
  dim(text: string): string;
  bold(text: string): string;
  accent(text: string): string;
}
const PLAIN: Style = { dim: (t) => t, bold: (t) => t, accent: (t) => t };
const COLOUR: Style = { dim: (t) => `\x1b[2m${t}\x1b[22m`, bold: (t) => `\x1b[1m${t}\x1b[22m`, accent: (t) => `\x1b[36m${t}\x1b[39m` };

/** Rows the list takes: up to MAX_ROWS, fewer on a short terminal, never more than there are items. */
export function listHeight(items: number, terminalRows: number): number {
  return Math.max(1, Math.min(items, MAX_ROWS, terminalRows - 5));
}

/** One line of at most `width` cells: `plain` parts are cut first from the end, then styled. */
function fit(parts: [text: string, style?: (t: string) => string][], width: number): string {
  let room = width;
  let out = "";
  for (const [text, style] of parts) {
    if (room <= 0) break;
    const cut = displayWidth(text) > room ? truncate(text, room) : text;
    room -= displayWidth(cut);
    out += style ? style(cut) : cut;
  }
  return out;
}

/** The frame: a title line, the filter, `height` rows, a line of what is scrolled off, the keys. */
export function renderFrame(list: PickList, o: Pick<PickOptions, "title" | "multiple" | "noun">, view: { width: number; height: number; style?: Style }): string[] {
  const s = view.style ?? PLAIN;
  const width = Math.max(10, view.width - 1); // the last column would wrap on some terminals
  const noun = o.noun ?? "item";
  const total = list.items.length;
  const counts = [list.filter ? `${list.matches.length} of ${plural(total, noun)}` : plural(total, noun)];
  if (o.multiple) counts.push(`${list.selected.size} selected`);
  const lines = [fit([["? ", s.accent], [o.title, s.bold], [`  ${counts.join(", ")}`, s.dim]], width)];
  lines.push(fit(list.filter ? [["  filter: "], [cellText(list.filter)], ["▏"]] : [["  filter: "], ["type to narrow the list", s.dim]], width));
  const { rows, above, below } = list.window(view.height);
  for (const at of rows) {
    const item = list.items[at]!;
    const here = at === list.current;
    const mark = o.multiple ? (list.selected.has(at) ? "[x] " : "[ ] ") : "";
    const label = cellText(item.label) || "(untitled)";
    lines.push(fit([[here ? "❯ " : "  ", s.accent], [mark + label, here ? s.bold : undefined], [item.hint ? `  ${cellText(item.hint)}` : "", s.dim]], width));
  }
  if (rows.length === 0) lines.push(fit([[`  nothing matches "${cellText(list.filter)}"`, s.dim]], width));
  while (lines.length < view.height + 2) lines.push("");
  lines.push(fit([[[above ? `  ↑ ${above} more` : "", below ? `  ↓ ${below} more` : ""].join(""), s.dim]], width));
  const keys = (o.multiple ? MULTIPLE_KEYS : SINGLE_KEYS).find((k) => displayWidth(k) <= width) ?? (o.multiple ? MULTIPLE_KEYS : SINGLE_KEYS).at(-1)!;
  lines.push(fit([[keys, s.dim]], width));
  return lines;
}

/** What a key does to the list: "done" on Enter, "cancel" on Esc/Ctrl-C/Ctrl-D, else it was applied. */
export function applyKey(list: PickList, key: Key, o: { multiple: boolean; height: number }): "done" | "cancel" | "more" {
  switch (key.name) {
    case "enter":
      return list.result().length > 0 ? "done" : "more";
    case "escape":
    case "interrupt":
    case "eof":
      return "cancel";
    case "up":
      list.move(-1);
      break;
    case "down":
      list.move(1);
      break;
    case "pageup":
      list.move(-o.height);
      break;
    case "pagedown":
      list.move(o.height);
      break;
    case "home":
      list.move(-Infinity);
      break;
    case "end":
      list.move(Infinity);
      break;
    case "space":
      if (o.multiple) list.toggle();
      else list.type(" ");
      break;
    case "select-all":
      if (o.multiple) list.toggleAll();
      break;
    case "backspace":
      list.erase();
      break;
    case "delete-word":
      list.erase({ word: true });
      break;
    case "clear-line":
      list.erase({ all: true });
      break;
    case "char":
      list.type(key.text);
      break;
  }
  return "more";
}

async function run(terminal: RawTerminal, o: PickOptions): Promise<string[]> {
  const list = new PickList(o.items, { selected: o.selected });
  const height = listHeight(o.items.length, terminal.rows);
  const style = useColor(process.stderr) ? COLOUR : PLAIN;
  const frame = height + 4;
  // Room for the frame, scrolled now; then the top-left is saved and every redraw starts there.
  terminal.write(`${"\n".repeat(frame - 1)}\x1b[${frame - 1}A\r\x1b7`);
  const draw = () => terminal.write(`\x1b8\x1b[J${renderFrame(list, o, { width: terminal.columns, height, style }).join("\r\n")}`);
  const close = (summary: string) => terminal.write(`\x1b8\x1b[J${summary}`);
  terminal.onResize(draw);
  draw();
  for (;;) {
    for (const key of await terminal.nextKeys()) {
      const outcome = applyKey(list, key, { multiple: o.multiple, height });
      if (outcome === "cancel") {
        close("");
        throw o.cancelled();
      }
      if (outcome === "done") {
        const chosen = list.result();
        const what = o.multiple ? `${chosen.length} selected` : cellText(o.items.find((i) => i.value === chosen[0])!.label);
        close(`${fit([["✔ ", style.accent], [`${o.title}: `], [what, style.bold]], terminal.columns - 1)}\n`);
        return chosen;
      }
    }
    draw();
  }
}

/** Shows the list until Enter (the chosen values) or Esc/Ctrl-C (`o.cancelled()` is thrown). */
export function pick(o: PickOptions): Promise<string[]> {
  return withRawTerminal((terminal) => run(terminal, o), { hideCursor: true });
}
