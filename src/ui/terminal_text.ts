// Session text is data, not terminal commands: a transcript (ours or a peer's)
// can hold escape sequences that recolour, retitle, move the cursor, write the
// clipboard (OSC 52) or fake links (OSC 8). Everything printed from a session
// goes through stripEscapes first (DESIGN.md §5).

// String sequences: OSC (ESC ]), DCS (ESC P), SOS (ESC X), PM (ESC ^), APC (ESC _)
// and their 8-bit forms, up to BEL or ST (ESC \ or 0x9c); unterminated ones to the end.
const STRING_SEQUENCE = String.raw`(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[\s\S]*?(?:\x07|\x1b\\|\x9c|$)`;
// CSI (ESC [ or 0x9b): parameter bytes, intermediate bytes, one final byte.
const CSI = String.raw`(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?`;
// Any other escape: ESC, intermediate bytes, one final byte.
const OTHER_ESCAPE = String.raw`\x1b[\x20-\x2f]*[\x30-\x7e]?`;
// C0 and C1 controls and DEL, except tab and newline.
const CONTROL = String.raw`[\x00-\x08\x0b-\x1f\x7f-\x9f]`;
const ESCAPES = new RegExp(`${STRING_SEQUENCE}|${CSI}|${OTHER_ESCAPE}|${CONTROL}`, "g");

/** Removes ANSI CSI, OSC and other escape sequences and control characters (except "\n" and "\t"). */
export function stripEscapes(text: string): string {
  return text.replace(ESCAPES, "");
}
