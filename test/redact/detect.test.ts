// Each kind of credential is found by its rule, in the text it usually comes
// in; what only looks like one (placeholders, example keys, low-entropy values,
// ids and hashes) is not; and no rule's expression can be made to run long.
import { describe, expect, test } from "bun:test";
import { findSecrets } from "../../src/redact/detect.ts";
import { ruleSet } from "../../src/redact/rule.ts";
import { credentials, Noise } from "../fixtures/secrets.ts";

const set = ruleSet();
const find = (text: string) => findSecrets(text, set.rules, set.allowlist).map((s) => ({ rule: s.rule.id, secret: text.slice(s.start, s.end) }));

describe("each kind of credential", () => {
  for (const c of credentials()) {
    test(`${c.rule} is found, and the secret is exactly the value`, () => {
      expect(find(`Here it is:\n${c.inContext}\nthanks`)).toEqual([{ rule: c.rule, secret: c.value }]);
    });
  }

  test("at least 20 kinds, among them every kind the issue names", () => {
    const kinds = new Set(credentials().map((c) => c.rule));
    expect(kinds.size).toBeGreaterThanOrEqual(20);
    for (const named of ["aws-access-token", "aws-secret-access-key", "github-pat", "github-fine-grained-pat", "gitlab-pat", "slack-bot-token", "stripe-access-token", "anthropic-api-key", "openai-api-key", "gcp-api-key", "npm-access-token", "private-key", "jwt", "connection-url-password", "env-assignment"]) {
      expect(kinds).toContain(named);
    }
  });
});

describe("what is not a secret", () => {
  const noise = new Noise("not secrets");
  const clean = [
    "AKIAIOSFODNN7EXAMPLE", // AWS's documentation key
    "postgres://user:password@localhost:5432/db",
    "mysql://root:${MYSQL_PASSWORD}@db/app",
    "https://<user>:<password>@example.com/repo.git",
    "const options = new URL('http://abc:xyz@example.com');",
    "amqp://guest:Zq8vR2mT@broker.example:5672/",
    "https://docs.python.org/3/library/urllib.parse.html",
    "SECRET_KEY=changeme",
    "API_TOKEN=$GITHUB_TOKEN",
    "DB_PASSWORD=aaaaaaaaaaaaaaaa",
    "sorted(items, key=len)",
    "export KEY_FILE=/etc/ssl/private/server.key",
    `sessionId: ${"3f2a9c4e-8b1d-4c6e-9a7f-2d5e8c1b4a90"}`,
    `sha256 ${noise.of("0123456789abcdef", 64)}`,
    "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
    "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n-----END PUBLIC KEY-----",
    "ghp_short",
    "curl -u user:pass https://example.com",
    'curl -H "Authorization: Bearer $TOKEN" https://api.example.com',
  ];
  for (const text of clean) {
    test(`${JSON.stringify(text.slice(0, 50))} is not reported`, () => {
      expect(find(text)).toEqual([]);
    });
  }
});

test("a secret found by two rules is one value, named by one of them", () => {
  const [aws] = credentials().filter((c) => c.rule === "aws-secret-access-key");
  const found = find(`AWS_SECRET_ACCESS_KEY=${aws!.value}`);
  expect(found.map((f) => f.secret)).toEqual([aws!.value]);
});

test("gitleaks' entropy threshold holds: a value of one repeated character is not a token", () => {
  expect(find(`ghp_${"a".repeat(36)}`)).toEqual([]);
  expect(find(`ghp_${new Noise("x").of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789", 36)}`)).toHaveLength(1);
});

describe("hostile text", () => {
  // JavaScript's engines backtrack where RE2 does not: windows bound each
  // expression's input, so cost grows with the text, never explodes. The
  // slowest here (~1 s) is 100 KB of "curl curl ...": each occurrence looks
  // up to 1,000 characters ahead for its -H, as gitleaks' rule does.
  const floods = [
    (k: string) => `${k} `.repeat(20_000),
    (k: string) => k + "a".repeat(100_000),
    (k: string) => `${k}=`.repeat(10_000) + "\n".repeat(1000),
    (k: string) => `curl ${k} ` + "x ".repeat(50_000) + "\\\n".repeat(1000),
    (k: string) => k + "-".repeat(50_000) + "KEY-----",
  ];
  test("no keyword flood makes any rule run long", () => {
    const keywords = [...new Set(set.rules.flatMap((r) => r.keywords))];
    let slowest = { ms: 0, what: "" };
    for (const flood of floods) {
      for (const k of keywords) {
        const text = flood(k);
        const started = performance.now();
        findSecrets(text, set.rules.filter((r) => r.keywords.includes(k)), set.allowlist);
        const ms = performance.now() - started;
        if (ms > slowest.ms) slowest = { ms, what: `${k} / ${floods.indexOf(flood)}` };
      }
    }
    expect(slowest.ms).toBeLessThan(4_000);
  }, 120_000);
});
