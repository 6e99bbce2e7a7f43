// The rule set: gitleaks' published rules (vendored as data, see
// gitleaks_rules.json and scripts/vendor_gitleaks_rules.ts) plus ccshare's own,
// compiled once. A rule is keywords (the prefilter), a regular expression, an
// optional entropy threshold and allowlists, with gitleaks' meaning for each.
import gitleaks from "./gitleaks_rules.json" with { type: "json" };
import { KeywordFinder } from "./keywords.ts";
import { OWN_RULES } from "./own_rules.ts";
import type { AllowlistData, RuleData } from "./rule_data.ts";

export interface Allowlist {
  regexes: RegExp[];
  target: "secret" | "match" | "line";
  stopwords: string[];
  and: boolean;
}

export interface Rule {
  id: string;
  index: number;
  /** Global, with indices: run over a window, every match. */
  pattern: RegExp;
  /** The same, for a yes/no test of a window. */
  test: RegExp;
  keywords: string[];
  reach: number;
  /** RuleData.requires as bytes, or undefined. */
  requires: Uint8Array | undefined;
  entropy: number;
  secretGroup: number | undefined;
  allowlists: Allowlist[];
}

/**
 * How far before its keyword a match can start: gitleaks' `[\w.-]{0,50}?name`
 * prefixes, URL schemes, and OpenAI's key, whose keyword sits 66-82 characters in.
 */
export const REACH_BACK = 128;

/**
 * The expression for the yes/no window test. gitleaks' provider rules start
 * `[\w.-]{0,50}?` (any name before the provider's); it can match nothing, so
 * dropping it keeps every match while the engine no longer tries 50 lengths at
 * each position before the literal: it was most of the scan's cost.
 */
function testSource(source: string): string {
  for (;;) {
    const next = source.replace(/^((?:\(\?i:)?)\[\\w\.-\]\{0,\d+\}\?/, "$1");
    if (next === source) return source;
    source = next;
  }
}

function allowlist(a: AllowlistData): Allowlist {
  return {
    regexes: (a.regexes ?? []).map((r) => new RegExp(r.source, r.flags)),
    target: a.target === "match" || a.target === "line" ? a.target : "secret",
    stopwords: (a.stopwords ?? []).map((w) => w.toLowerCase()),
    and: a.condition?.toUpperCase() === "AND",
  };
}

export interface RuleSet {
  rules: Rule[];
  /** Applies to every rule (gitleaks' global allowlist). */
  allowlist: Allowlist;
  finder: KeywordFinder;
  /** For each keyword of `finder`, the rules that name it. */
  rulesOfKeyword: number[][];
  /** Where the rules come from, for `scan --json` and the note. */
  source: { gitleaks: string; rules: number };
}

function compile(data: RuleData[]): RuleSet {
  const rules = data.map((r, index): Rule => ({
    id: r.id,
    index,
    pattern: new RegExp(r.regex, `${r.flags}gd`),
    test: new RegExp(testSource(r.regex), r.flags),
    keywords: r.keywords,
    reach: r.reach,
    requires: r.requires === undefined ? undefined : new TextEncoder().encode(r.requires),
    entropy: r.entropy ?? 0,
    secretGroup: r.secretGroup,
    allowlists: (r.allowlists ?? []).map(allowlist),
  }));
  const keywords = [...new Set(rules.flatMap((r) => r.keywords))];
  const at = new Map(keywords.map((k, i) => [k, i]));
  const rulesOfKeyword = keywords.map(() => [] as number[]);
  for (const rule of rules) for (const k of new Set(rule.keywords)) rulesOfKeyword[at.get(k)!]!.push(rule.index);
  return {
    rules,
    allowlist: allowlist(gitleaks.allowlist),
    finder: new KeywordFinder(keywords),
    rulesOfKeyword,
    source: { gitleaks: gitleaks.version, rules: rules.length },
  };
}

let compiled: RuleSet | undefined;

/** Every rule, compiled on first use (~20 ms: 216 expressions and the keyword table). */
export function ruleSet(): RuleSet {
  return (compiled ??= compile([...(gitleaks.rules as RuleData[]), ...OWN_RULES]));
}
