// Rules ccshare adds to gitleaks' set, for credentials the issue names that
// gitleaks has no rule for (its generic-api-key rule is left out: see
// scripts/vendor_gitleaks_rules.ts). Same shape as the vendored rules.
import type { RuleData } from "./rule_data.ts";

/** Values that stand for a secret rather than being one: documentation and templates use them. */
const PLACEHOLDER = String.raw`^(?:pass(?:word|wd)?|pwd|secret|changeme|change_me|example|test|dummy|foo|bar|user(?:name)?|admin|guest|anonymous|x+|\*+|\.+|<[^>]*>|\[[^\]]*\]|\{[^}]*\}|%[a-z]|your[-_a-z]*)$`;

export const OWN_RULES: RuleData[] = [
  {
    id: "connection-url-password",
    description: "A password in a connection URL (scheme://user:password@host), as database, queue and proxy URLs carry them.",
    // The scheme reaches back up to 21 characters before the keyword "://"; the
    // host is part of the match so that an allowlist can see it.
    regex: String.raw`\b[a-zA-Z][a-zA-Z0-9+.-]{1,20}://[^\s/?#@:'"\x60\\<>]{1,128}:([^\s/?#@'"\x60\\<>]{3,128})@[a-zA-Z0-9\[][\w.\-\[\]:%]{0,253}`,
    flags: "",
    keywords: ["://"],
    reach: 600,
    requires: "@",
    allowlists: [
      { regexes: [{ source: PLACEHOLDER, flags: "i" }, { source: String.raw`^\$`, flags: "" }] },
      // Documentation's example hosts (RFC 2606): `new URL('http://abc:xyz@example.com')` in
      // @types/node was the only false positive in 440 MB of headers, JS and Perl.
      { target: "match", regexes: [{ source: String.raw`@(?:[\w-]+\.)*(?:example\.(?:com|org|net)|[\w-]+\.(?:example|test|invalid))\b`, flags: "i" }] },
    ],
  },
  {
    id: "env-assignment",
    description: "A KEY=value line (as in .env files and shell commands) whose name says secret and whose value looks random.",
    // Starts a line, follows a space, quote or separator, or follows an escaped
    // newline (the raw JSON a prefilter sees). The name is upper-case, as
    // environment variables are; the value stops at quotes, spaces and escapes.
    regex: String.raw`(?:^|[\s"'\x60;&|(]|\\[nrt])(?:export\s+)?((?:[A-Z0-9]+_){0,8}[A-Z0-9]*(?:KEY|TOKEN|SECRET|PASSWORD|PASSWD|PWD|PASS|CREDENTIALS?|AUTH)(?:_[A-Z0-9]+){0,3})=(["']?)([^\s"'\x60\\$<>{}()|;&#,]{8,512})`,
    flags: "",
    keywords: ["key=", "token=", "secret=", "password=", "passwd=", "pwd=", "pass=", "credentials=", "credential=", "auth=", "_base="],
    reach: 600,
    secretGroup: 3,
    entropy: 3.5,
    allowlists: [{ regexes: [{ source: PLACEHOLDER, flags: "i" }, { source: String.raw`^(?:true|false|none|null|yes|no|on|off|\d+)$`, flags: "i" }, { source: String.raw`^[./~]`, flags: "" }] }],
  },
  {
    id: "aws-secret-access-key",
    description: "An AWS secret access key next to its name (credentials files, env lines, `aws sts` JSON output).",
    regex: String.raw`\b(?:aws_?)?secret_?access_?key(?:\\?["'\x60])?\s*(?:=|:|=>)\s*(?:\\?["'\x60])?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])`,
    flags: "i",
    keywords: ["secret_access_key", "secretaccesskey", "aws_secret_key", "awssecretkey"],
    reach: 256,
    entropy: 4,
    allowlists: [{ regexes: [{ source: "EXAMPLEKEY$", flags: "" }] }],
  },
  {
    id: "aws-session-token",
    description: "An AWS session token next to its name (env lines, `aws sts` JSON output).",
    regex: String.raw`\b(?:aws_?)?session_?token(?:\\?["'\x60])?\s*(?:=|:|=>)\s*(?:\\?["'\x60])?([A-Za-z0-9/+]{100,2000}={0,2})`,
    flags: "i",
    keywords: ["session_token", "sessiontoken"],
    reach: 2_200,
    entropy: 4,
  },
];
