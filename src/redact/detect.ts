// Finding secrets in one string, with gitleaks' meaning for a rule: the
// expression matches, the secret is its secret group (or first non-empty
// group, or the whole match), its entropy exceeds the rule's threshold, and no
// allowlist allows it. Expressions run only on windows around a keyword, never
// over a whole 100 KB tool result: JavaScript's engines backtrack where RE2
// does not, and a window bounds what that can cost.
import { REACH_BACK, type Allowlist, type Rule } from "./rule.ts";

export interface Secret {
  /** UTF-16 offsets of the secret in the string searched. */
  start: number;
  end: number;
  rule: Rule;
}

/** Shannon entropy in bits per character (gitleaks' shannonEntropy, over code points). */
export function entropy(text: string): number {
  if (text.length === 0) return 0;
  const counts = new Map<string, number>();
  let length = 0;
  for (const ch of text) {
    counts.set(ch, (counts.get(ch) ?? 0) + 1);
    length++;
  }
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** `text` with ASCII letters lower-cased and every offset kept. */
function asciiLower(text: string): string {
  const lower = text.toLowerCase();
  // toLowerCase() only grows a string (İ -> i̇): the same length means every offset held.
  return lower.length === text.length ? lower : text.replace(/[A-Z]+/g, (s) => s.toLowerCase());
}

function lineAround(text: string, start: number, end: number): string {
  const from = text.lastIndexOf("\n", start - 1) + 1;
  const to = text.indexOf("\n", end);
  return text.slice(from, to < 0 ? text.length : to);
}

function allowed(lists: readonly Allowlist[], secret: string, match: string, line: () => string): boolean {
  for (const a of lists) {
    const target = a.target === "match" ? match : a.target === "line" ? line() : secret;
    const byRegex = a.regexes.some((r) => r.test(target));
    const lower = secret.toLowerCase();
    const byStopword = a.stopwords.some((w) => lower.includes(w));
    if (a.and) {
      const checks = [...(a.regexes.length ? [byRegex] : []), ...(a.stopwords.length ? [byStopword] : [])];
      if (checks.length > 0 && checks.every(Boolean)) return true;
    } else if (byRegex || byStopword) return true;
  }
  return false;
}

/** Every match of `rule` in text[from, to), as secrets with offsets into `text`. */
function matchWindow(text: string, from: number, to: number, rule: Rule, global: Allowlist, out: Secret[]): void {
  const window = text.slice(from, to);
  const pattern = rule.pattern;
  pattern.lastIndex = 0;
  for (let m = pattern.exec(window); m !== null; m = pattern.exec(window)) {
    if (m[0].length === 0) {
      pattern.lastIndex++;
      continue;
    }
    const indices = m.indices!;
    let group = rule.secretGroup;
    if (group === undefined) {
      group = 0;
      for (let g = 1; g < m.length; g++) {
        if (m[g]) {
          group = g;
          break;
        }
      }
    }
    const span = indices[group];
    if (!span) continue;
    let [start, end] = span;
    // gitleaks trims newlines off a whole-match secret (a PEM block's last line).
    while (group === 0 && end > start && window[end - 1] === "\n") end--;
    const secret = window.slice(start, end);
    if (rule.entropy > 0 && entropy(secret) <= rule.entropy) continue;
    const line = () => lineAround(window, start, end);
    if (allowed([global], secret, m[0], line) || allowed(rule.allowlists, secret, m[0], line)) continue;
    out.push({ start: from + start, end: from + end, rule });
  }
}

/**
 * The secrets `rules` find in `text`, sorted by start; overlapping ones merged
 * into one (the earlier rule names it), so each is one value to redact.
 */
export function findSecrets(text: string, rules: Iterable<Rule>, global: Allowlist): Secret[] {
  let lower: string | undefined;
  const found: Secret[] = [];
  for (const rule of rules) {
    lower ??= asciiLower(text);
    const starts: number[] = [];
    for (const keyword of rule.keywords) {
      for (let at = lower.indexOf(keyword); at >= 0; at = lower.indexOf(keyword, at + 1)) starts.push(at);
    }
    if (starts.length === 0) continue;
    starts.sort((a, b) => a - b);
    // A window reaches 2 x reach past its keyword, so every keyword within
    // `reach` of it has its whole match inside: those are not searched again.
    let covered = -1;
    for (const at of starts) {
      if (at <= covered) continue;
      matchWindow(text, Math.max(0, at - REACH_BACK), Math.min(text.length, at + 2 * rule.reach), rule, global, found);
      covered = at + rule.reach;
    }
  }
  return merge(found);
}

function merge(found: Secret[]): Secret[] {
  if (found.length < 2) return found;
  found.sort((a, b) => a.start - b.start || b.end - a.end || a.rule.index - b.rule.index);
  const merged: Secret[] = [found[0]!];
  for (const s of found.slice(1)) {
    const last = merged[merged.length - 1]!;
    if (s.start < last.end) last.end = Math.max(last.end, s.end);
    else merged.push({ ...s });
  }
  return merged;
}
