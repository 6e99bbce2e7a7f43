// `share --qr`: the receive command as a QR code in the terminal, for a phone
// or a second laptop's camera (as croc does). The only importer of uqr.
// Two rows of modules per line of text (half blocks). Light modules are drawn
// as blocks, which reads right on a dark terminal; with colour allowed, the
// code carries its own colours (white on black), so it reads right on any.
import { encode } from "uqr";

const CELLS = [" ", "▄", "▀", "█"]; // [top light][bottom light]: 0 0, 0 1, 1 0, 1 1

/** The lines of a QR code of `text`; `colour` wraps each line in white-on-black. */
export function qrLines(text: string, o: { colour?: boolean } = {}): string[] {
  // ECC M: the code survives a glare or a crease; a receive command stays a small version at M.
  const { data } = encode(text, { ecc: "M", border: 2 });
  const light = (y: number, x: number) => y >= data.length || !data[y]![x];
  const lines: string[] = [];
  for (let y = 0; y < data.length; y += 2) {
    let line = "";
    for (let x = 0; x < data[y]!.length; x++) line += CELLS[(light(y, x) ? 2 : 0) + (light(y + 1, x) ? 1 : 0)];
    lines.push(o.colour ? `\x1b[97;40m${line}\x1b[39;49m` : line);
  }
  return lines;
}
