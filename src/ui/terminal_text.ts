// Text from a peer, a bundle or a session is data, not terminal commands: it
// can hold escape sequences that recolour, retitle, move the cursor, write the
// clipboard (OSC 52) or fake links (OSC 8), and bidirectional overrides that
// make a line read differently from what it says ("Trojan Source"). Everything
// printed from a session goes through stripEscapes (DESIGN.md §5); the error
// printer (ui/run.ts) and the logger (ui/log.ts) put every message through it
// too, so no call site can forget a peer's string.

// String sequences: OSC (ESC ]), DCS (ESC P), SOS (ESC X), PM (ESC ^), APC (ESC _)
// and their 8-bit forms, up to BEL or ST (ESC \ or 0x9c); unterminated ones to the end.
const STRING_SEQUENCE = String.raw`(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[\s\S]*?(?:\x07|\x1b\\|\x9c|$)`;
// CSI (ESC [ or 0x9b): parameter bytes, intermediate bytes, one final byte.
const CSI = String.raw`(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?`;
// Any other escape: ESC, intermediate bytes, one final byte.
const OTHER_ESCAPE = String.raw`\x1b[\x20-\x2f]*[\x30-\x7e]?`;
// C0 and C1 controls and DEL, except tab and newline.
const CONTROL = String.raw`[\x00-\x08\x0b-\x1f\x7f-\x9f]`;
// Bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069).
const BIDI = String.raw`[\u202a-\u202e\u2066-\u2069]`;
const ESCAPES = new RegExp(`${STRING_SEQUENCE}|${CSI}|${OTHER_ESCAPE}|${CONTROL}|${BIDI}`, "g");

/** Removes escape sequences, control characters (except "\n" and "\t") and bidirectional overrides. */
export function stripEscapes(text: string): string {
  return text.replace(ESCAPES, "");
}

/** stripEscapes, on one line: what a one-sentence message may show (a peer cannot start a fake line). */
export function oneLine(text: string): string {
  return stripEscapes(text).replace(/[\t\n]+/g, " ");
}
