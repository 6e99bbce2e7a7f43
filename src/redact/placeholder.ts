// What a redacted value becomes, and how a secret is shown to the sharer.
// The placeholder says what it is: a resumed model copies bare masks like
// `***` into new tool calls (SESSIONS-FORMAT.md), but reads a sentence.

export function placeholder(rule: string): string {
  return `[REDACTED:${rule} — removed before sharing; ask the sender or re-derive it]`;
}

/**
 * Stands in for a whole thinking block that held a secret: a thinking block is
 * signed over its exact text, so it can be dropped but never edited.
 */
export function thinkingRemoved(rules: readonly string[]): string {
  return `[A thinking block was removed before sharing because it held a secret (${[...new Set(rules)].join(", ")}); the reasoning in it is not available.]`;
}

/**
 * A preview that identifies a secret without giving it away: its first and
 * last few characters (`AKIA…XW9V`), fewer for short ones, and only the
 * header line of a PEM block.
 */
export function mask(secret: string): string {
  const pem = /^-----BEGIN [A-Z0-9 _-]{0,100}-----/.exec(secret);
  if (pem) return `${pem[0]}…`;
  const flat = secret.replace(/\s+/g, " ");
  const shown = Math.min(4, Math.floor(flat.length / 5));
  if (shown === 0) return "…";
  return `${flat.slice(0, shown)}…${flat.slice(-shown)}`;
}
