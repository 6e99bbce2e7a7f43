// A plain text table for the terminal. Cells may come from a peer's catalog,
// so each one is escape-stripped and flattened to one line before printing.
import { stripEscapes } from "./terminal_text.ts";

export interface Column {
  header: string;
  align?: "left" | "right";
  /** May be cut when the table is wider than the terminal (the widest shrinkable column goes first). */
  shrink?: boolean;
  /** Never narrower than this when shrinking. */
  min?: number;
  /** Cut the start instead of the end (paths: the last folders say the most). */
  keepEnd?: boolean;
  /** Left out when even shrunk columns do not fit; the lowest goes first. */
  drop?: number;
}

// East Asian wide and fullwidth characters, and emoji, take two cells (emoji
// outside the listed blocks too, like ✨: a row counted short would wrap).
const WIDE = /\p{Emoji_Presentation}|[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{1f300}-\u{1f64f}\u{1f900}-\u{1f9ff}\u{20000}-\u{3fffd}]/u;
const ZERO_WIDTH = /[\u0300-\u036f\u200b-\u200f\u2060\ufe00-\ufe0f]/u;

function charWidth(ch: string): number {
  return ZERO_WIDTH.test(ch) ? 0 : WIDE.test(ch) ? 2 : 1;
}

/** Terminal cells a string takes. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += charWidth(ch);
  return width;
}

/** Cut to at most `width` cells, ending with "…" when cut. */
export function truncate(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  let out = "";
  let used = 0;
  for (const ch of text) {
    const w = charWidth(ch);
    if (used + w > width - 1) break;
    out += ch;
    used += w;
  }
  return `${out}…`;
}

/** Cut to at most `width` cells from the start, beginning with "…" when cut. */
export function truncateStart(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  const chars = [...text];
  let out = "";
  let used = 0;
  for (let i = chars.length - 1; i >= 0; i--) {
    const w = charWidth(chars[i]!);
    if (used + w > width - 1) break;
    out = chars[i] + out;
    used += w;
  }
  return `…${out}`;
}

/** One line, no escapes: what a cell may show. */
export function cellText(value: string): string {
  return stripEscapes(value).replace(/\s+/g, " ").trim();
}

function pad(text: string, width: number, align: "left" | "right" = "left"): string {
  const gap = " ".repeat(Math.max(0, width - displayWidth(text)));
  return align === "right" ? gap + text : text + gap;
}

/**
 * Renders rows under headers, columns two spaces apart. With `width`, shrinkable
 * columns are cut (with "…") until the table fits, and on a terminal too narrow
 * even for that, each line is cut at its edge: a row never wraps.
 */
export function renderTable(columns: Column[], rows: string[][], o: { width?: number; header?: (text: string) => string } = {}): string {
  const cells = rows.map((row) => columns.map((_, i) => cellText(row[i] ?? "")));
  const widths = columns.map((c, i) => Math.max(displayWidth(c.header), ...cells.map((r) => displayWidth(r[i]!))));
  if (o.width) {
    const narrowest = columns.reduce((sum, c, i) => sum + (c.shrink ? Math.min(widths[i]!, c.min ?? displayWidth(c.header)) : widths[i]!), 0) + 2 * (columns.length - 1);
    const droppable = columns.filter((c) => c.drop !== undefined).sort((a, b) => a.drop! - b.drop!)[0];
    if (narrowest > o.width && droppable) {
      const at = columns.indexOf(droppable);
      return renderTable(columns.filter((_, i) => i !== at), rows.map((r) => r.filter((_, i) => i !== at)), o);
    }
    let over = widths.reduce((a, b) => a + b, 0) + 2 * (columns.length - 1) - o.width;
    const min = columns.map((c) => c.min ?? displayWidth(c.header));
    // Level the widest shrinkable columns down together, one cell at a time.
    while (over > 0) {
      let widest = -1;
      for (let i = 0; i < columns.length; i++) {
        if (columns[i]!.shrink && widths[i]! > min[i]! && (widest === -1 || widths[i]! > widths[widest]!)) widest = i;
      }
      if (widest === -1) break;
      widths[widest]!--;
      over--;
    }
  }
  const cut = (text: string, i: number) => (columns[i]!.keepEnd ? truncateStart : truncate)(text, widths[i]!);
  const fit = (text: string) => (o.width ? truncate(text, o.width) : text);
  const line = (r: string[]) => fit(r.map((text, i) => pad(cut(text, i), widths[i]!, columns[i]!.align)).join("  ").trimEnd());
  const header = line(columns.map((c) => c.header));
  return [o.header ? o.header(header) : header, ...cells.map(line)].join("\n") + "\n";
}
