// The shape of a rule as data: what gitleaks_rules.json holds for each vendored
// rule and own_rules.ts for ccshare's. rule.ts compiles them.

export interface PatternData { source: string; flags: string }

export interface AllowlistData {
  regexes?: PatternData[];
  /** What the regexes are matched against: the secret (default), the whole match, or its line. */
  target?: string;
  stopwords?: string[];
  /** "AND": every kind of check given must allow; otherwise any one does. */
  condition?: string;
}

export interface RuleData {
  id: string;
  description: string;
  regex: string;
  flags: string;
  /** Lower-case; the rule runs only where one occurs. */
  keywords: string[];
  /** How far past the start of its keyword a match can end. */
  reach: number;
  /**
   * Text every match contains, looked for in the raw bytes near the keyword
   * before the expression runs: a cheap no for keywords that occur often
   * ("://" in every URL; the password rule needs an "@").
   */
  requires?: string;
  /** Shannon entropy (bits per character) the secret must exceed. */
  entropy?: number;
  /** Which capture group is the secret; 0 = the whole match; absent = the first non-empty group. */
  secretGroup?: number;
  allowlists?: AllowlistData[];
}

