// Turns gitleaks' published rule set (config/gitleaks.toml, MIT) into the data
// file src/redact/gitleaks_rules.json that ccshare's scanner reads. Only data
// crosses over: ids, descriptions, regular expressions, keywords, entropy
// thresholds and allowlists. No gitleaks program code is used.
//
//   bun scripts/vendor_gitleaks_rules.ts <gitleaks checkout> [--out src/redact/gitleaks_rules.json]
//
// gitleaks writes Go RE2 expressions; the translation below rewrites the few
// constructs JavaScript spells differently, and every result is compiled here
// so that a rule that cannot be translated stops the script rather than the
// scanner.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const repo = process.argv[2];
if (!repo) throw new Error("usage: bun scripts/vendor_gitleaks_rules.ts <gitleaks checkout> [--out FILE]");
const outAt = process.argv.indexOf("--out");
const out = outAt > 0 ? process.argv[outAt + 1]! : join(import.meta.dir, "../src/redact/gitleaks_rules.json");
const git = (...args: string[]) => execFileSync("git", ["--git-dir", repo, ...args], { encoding: "utf8" });
const commit = git("rev-parse", "HEAD").trim();
const version = git("describe", "--tags", "HEAD").trim();
const toml = Bun.TOML.parse(git("show", "HEAD:config/gitleaks.toml")) as GitleaksConfig;
const license = git("show", "HEAD:LICENSE").trim();

interface GitleaksAllowlist { regexes?: string[]; regexTarget?: string; stopwords?: string[]; condition?: string; paths?: string[]; commits?: string[] }
interface GitleaksRule { id: string; description: string; regex?: string; keywords?: string[]; entropy?: number; secretGroup?: number; path?: string; allowlists?: GitleaksAllowlist[] }
interface GitleaksConfig { allowlist: GitleaksAllowlist; rules: GitleaksRule[] }

/**
 * Rules left out, each for a measured or stated reason. Keyword rates are per MB of
 * the bench corpus (Python sources and /usr/share/doc text, bench/redact.bench.ts).
 */
const EXCLUDED: Record<string, string> = {
  "generic-api-key": "its keywords (key, auth, api, access, token) occur ~1,300 times per MB of source code, and it matches any assignment of a random-looking value; ccshare's env-assignment rule covers KEY=value lines instead",
  "pkcs12-file": "matches file paths only; transcripts are not files of a repository",
  "freemius-secret-key": "bound to PHP file paths",
  "hashicorp-tf-password": "bound to Terraform file paths",
  "kubernetes-secret-yaml": "bound to YAML file paths",
  "nuget-config-password": "bound to nuget.config file paths",
  "twilio-api-key": "its only keyword, \"sk\", occurs ~230 times per MB of prose and code, and the bare pattern SK + 32 hex digits has no context to confirm it",
  "lob-api-key": "its keywords test_ and live_ occur ~170 times per MB of Python sources",
  "lob-pub-api-key": "its keywords test_pub, live_pub and _pub occur ~14 times per MB and the pattern has no context",
  "authress-service-client-access-key": "its keywords sc_ and ext_ occur ~40 times per MB of sources",
};

/** Keywords replaced because the published ones occur too often for a prefilter. */
const KEYWORDS: Record<string, { keywords: string[]; reason: string }> = {
  jwt: { keywords: ["eyj"], reason: "\"ey\" occurs ~700 times per MB of text (they, key, eye); a JWT's header is base64 of '{\"', which starts \"eyJ\"" },
  "vault-service-token": { keywords: ["hvs."], reason: "\"s.\" occurs ~1,700 times per MB of text; legacy s.-prefixed tokens are therefore not found" },
};

/** Rules whose capture groups only name alternatives (the secret is the whole match). */
const WHOLE_MATCH = new Set(["jwt-base64"]);

/** How far past its keyword a match can reach where maxLength() cannot tell (unbounded patterns; default 4 KiB). */
const REACH: Record<string, number> = { "private-key": 32_768, jwt: 8_192, "pypi-upload-token": 2_048, "curl-auth-header": 2_048, "curl-auth-user": 2_048 };

/**
 * Rewrites of patterns whose backtracking is not linear in JavaScript (RE2
 * guarantees linear time; JavaScript's engines backtrack). Same intent,
 * bounded lines.
 */
const PATTERNS: Record<string, { from: string; to: string; reason: string }> = {
  "curl-auth-header": {
    from: String.raw`\bcurl\b(?:.*?|.*?(?:[\r\n]{1,2}.*?){1,5})[ \t\n\r]`,
    to: String.raw`\bcurl\b(?:[^\r\n]{0,1000}?(?:\\\r?\n[^\r\n]{0,1000}?){0,5})[ \t\n\r]`,
    reason: "nested lazy .*? inside {1,5} backtracks polynomially in JavaScript; a command continues on the next line only after a backslash",
  },
  "curl-auth-user": {
    from: String.raw`\bcurl\b(?:.*|.*(?:[\r\n]{1,2}.*){1,5})[ \t\n\r]`,
    to: String.raw`\bcurl\b(?:[^\r\n]{0,1000}?(?:\\\r?\n[^\r\n]{0,1000}?){0,5})[ \t\n\r]`,
    reason: "nested greedy .* inside {1,5} backtracks polynomially in JavaScript; a command continues on the next line only after a backslash",
  },
};

const POSIX: Record<string, string> = { alnum: "a-zA-Z0-9", alpha: "a-zA-Z", digit: "0-9", lower: "a-z", upper: "A-Z", xdigit: "0-9a-fA-F", space: "\\s", word: "\\w" };

/**
 * Go RE2 -> JavaScript. Handles: a leading (?i) (a flag), (?i) in the middle
 * of a group (JavaScript's (?i:...) modifier over the rest of that group),
 * POSIX classes, \z and \A, (?P<name>, and a `]` first in a class (literal in
 * RE2, "match anything" as `[^]` in JavaScript).
 */
export function translate(go: string): { source: string; flags: string } {
  let flags = "";
  let src = go;
  if (src.startsWith("(?i)")) {
    flags = "i";
    src = src.slice(4);
  }
  let outText = "";
  // For each open group: how many modifier groups opened inside it must close with it.
  const closers: number[] = [0];
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === "\\") {
      const next = src[i + 1];
      if (next === "z") outText += "$";
      else if (next === "A") outText += "^";
      else outText += c + (next ?? "");
      i++;
      continue;
    }
    if (c === "[") {
      // Copy a character class, translating POSIX names and a leading `]`.
      let j = i + 1;
      let cls = "[";
      if (src[j] === "^") (cls += "^"), j++;
      if (src[j] === "]") (cls += "\\]"), j++;
      for (; j < src.length && src[j] !== "]"; j++) {
        if (src[j] === "\\") {
          cls += src[j]! + src[j + 1]!;
          j++;
        } else if (src[j] === "[" && src[j + 1] === ":") {
          const end = src.indexOf(":]", j);
          const name = src.slice(j + 2, end);
          if (!POSIX[name]) throw new Error(`unknown POSIX class [:${name}:]`);
          cls += POSIX[name];
          j = end + 1;
        } else cls += src[j];
      }
      outText += cls + "]";
      i = j;
      continue;
    }
    if (src.startsWith("(?i)", i)) {
      outText += "(?i:";
      closers[closers.length - 1]!++;
      i += 3;
      continue;
    }
    if (src.startsWith("(?P<", i)) {
      outText += "(?<";
      closers.push(0);
      i += 3;
      continue;
    }
    if (c === "(") {
      outText += c;
      closers.push(0);
      continue;
    }
    if (c === ")") {
      outText += ")".repeat(closers.pop() ?? 0) + ")";
      continue;
    }
    outText += c;
  }
  outText += ")".repeat(closers.pop() ?? 0);
  new RegExp(outText, flags); // throws on anything left untranslatable
  return { source: outText, flags };
}

/**
 * The longest text a (translated) expression can match, or Infinity: a bound
 * on how far past its keyword a match can end, which sizes the windows the
 * scanner tests (a window 2 KB wide where 150 characters do made the
 * "[\w.-]{0,50}?provider" rules the scan's slowest part).
 */
export function maxLength(source: string): number {
  let i = 0;
  const alternatives = (): number => {
    let best = sequence();
    while (source[i] === "|") {
      i++;
      best = Math.max(best, sequence());
    }
    return best;
  };
  const sequence = (): number => {
    let total = 0;
    while (i < source.length && source[i] !== "|" && source[i] !== ")") total += atom() * quantifier();
    return total;
  };
  const atom = (): number => {
    const c = source[i++]!;
    if (c === "(") {
      if (source[i] === "?") {
        // (?:  (?<name>  (?i:  (?-i:  (?=  (?!
        const close = source.slice(i).search(/[:>=!]/);
        i += close + 1;
      }
      const inner = alternatives();
      i++; // ")"
      return inner;
    }
    if (c === "[") {
      if (source[i] === "^") i++;
      if (source[i] === "]") i++;
      while (source[i] !== "]") i += source[i] === "\\" ? 2 : 1;
      i++;
      return 1;
    }
    if (c === "\\") {
      const e = source[i++]!;
      if (e === "b" || e === "B") return 0;
      if (e === "x") i += 2;
      return 1;
    }
    return c === "^" || c === "$" ? 0 : 1;
  };
  const quantifier = (): number => {
    const c = source[i];
    let times = 1;
    if (c === "*" || c === "+") (times = Infinity), i++;
    else if (c === "?") (times = 1), i++;
    else if (c === "{") {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i));
      if (m) {
        times = m[2] === undefined ? Number(m[1]) : m[3] === "" ? Infinity : Number(m[3]);
        i += m[0].length;
      }
    }
    if (source[i] === "?") i++; // lazy
    return times;
  };
  const n = alternatives();
  if (i !== source.length) throw new Error(`maxLength: stopped at ${i} of ${source}`);
  return n;
}

function allowlists(lists: GitleaksAllowlist[] | undefined) {
  const kept = (lists ?? []).filter((a) => !a.paths?.length && !a.commits?.length);
  if (kept.length === 0) return undefined;
  return kept.map((a) => ({
    ...(a.regexes ? { regexes: a.regexes.map((r) => translate(r)) } : {}),
    ...(a.regexTarget ? { target: a.regexTarget } : {}),
    ...(a.stopwords ? { stopwords: a.stopwords } : {}),
    ...(a.condition ? { condition: a.condition } : {}),
  }));
}

const rules = [];
for (const rule of toml.rules) {
  if (EXCLUDED[rule.id]) continue;
  if (!rule.regex || rule.path) throw new Error(`${rule.id}: path rules must be listed in EXCLUDED`);
  let regex = rule.regex;
  const rewrite = PATTERNS[rule.id];
  if (rewrite) {
    if (!regex.includes(rewrite.from)) throw new Error(`${rule.id}: the pattern changed upstream; review PATTERNS`);
    regex = regex.replace(rewrite.from, rewrite.to);
  }
  const { source, flags } = translate(regex);
  const keywords = KEYWORDS[rule.id]?.keywords ?? rule.keywords;
  if (!keywords?.length) throw new Error(`${rule.id}: no keywords; the prefilter needs some`);
  rules.push({
    id: rule.id,
    description: rule.description,
    regex: source,
    flags,
    keywords: keywords.map((k) => k.toLowerCase()),
    reach: REACH[rule.id] ?? Math.min(4_096, maxLength(source)),
    ...(rule.entropy ? { entropy: rule.entropy } : {}),
    ...(rule.secretGroup ? { secretGroup: rule.secretGroup } : {}),
    ...(WHOLE_MATCH.has(rule.id) ? { secretGroup: 0 } : {}),
    ...(allowlists(rule.allowlists) ? { allowlists: allowlists(rule.allowlists) } : {}),
  });
}

const data = {
  source: `https://github.com/gitleaks/gitleaks/blob/${commit}/config/gitleaks.toml`,
  version: `${version} (${commit})`,
  license,
  note: "Generated by scripts/vendor_gitleaks_rules.ts; do not edit by hand. Regular expressions are translated from Go RE2 to JavaScript; see that script for what was excluded or changed and why.",
  excluded: EXCLUDED,
  keywordsChanged: Object.fromEntries(Object.entries(KEYWORDS).map(([id, k]) => [id, k.reason])),
  patternsChanged: Object.fromEntries(Object.entries(PATTERNS).map(([id, p]) => [id, p.reason])),
  allowlist: { regexes: (toml.allowlist.regexes ?? []).map((r) => translate(r)), stopwords: toml.allowlist.stopwords ?? [] },
  rules,
};
writeFileSync(out, JSON.stringify(data, null, 1) + "\n");
console.log(`${rules.length} rules from gitleaks ${version} -> ${out} (${readFileSync(out).length} bytes)`);
