// The redact step as share and export run it: scan the chosen sessions,
// report what was found (masked), and hand on sessions whose files with
// findings point at redacted copies in a private folder that is removed after.
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { placeholder } from "../../src/redact/placeholder.ts";
import { asScanned, redactSessions, scanSessions } from "../../src/redact/sessions.ts";
import { writeSession } from "../fixtures/store.ts";
import { entryFor, leaked, offered, secretSession } from "./_redact.ts";
import { join } from "node:path";

describe("a session holding every kind of credential, in every place one can be", () => {
  test("the scan reports each kind with a count and a masked preview, never the secret", async () => {
    const { session, offer } = secretSession();
    const report = await scanSessions([offer]);
    expect(report.findings).toHaveLength(1);
    const found = report.findings[0]!;
    const kinds = new Set(found.rules.map((r) => r.rule));
    // curl -u deploy:<pypi token> is reported as the curl rule's value.
    for (const c of session.secrets) if (c.rule !== "pypi-upload-token") expect(kinds).toContain(c.rule);
    expect(found.values).toBe(report.values);
    expect(found.thinkingBlocks).toBe(1);
    expect(leaked(Buffer.from(JSON.stringify(report.findings)), session.secrets.map((c) => c.value))).toEqual([]);
  });

  test("the redacted copies hold none of the secrets, keep every line valid JSON, and keep every uuid and sessionId", async () => {
    const { session, offer } = secretSession();
    const redacted = await redactSessions(await scanSessions([offer]));
    try {
      const [out] = redacted.sessions;
      expect(out!.files.map((f) => f.path)).toEqual(offer.files.map((f) => f.path));
      for (const [i, file] of out!.files.entries()) {
        const bytes = readFileSync(file.abs);
        expect(file.size).toBe(bytes.length);
        expect(leaked(bytes, session.secrets.map((c) => c.value))).toEqual([]);
        if (!file.path.endsWith(".jsonl")) continue;
        const original = readFileSync(offer.files[i]!.abs, "utf8").split("\n");
        const lines = bytes.toString("utf8").split("\n");
        expect(lines.length).toBe(original.length);
        for (const [k, l] of lines.entries()) {
          if (!l) continue;
          const before = JSON.parse(original[k]!);
          const after = JSON.parse(l);
          for (const key of ["uuid", "parentUuid", "sessionId", "type", "timestamp", "cwd"]) expect(after[key]).toEqual(before[key]);
        }
      }
      expect(readFileSync(out!.files[0]!.abs, "utf8")).toContain(placeholder("github-pat"));
    } finally {
      redacted.dispose();
    }
  });

  test("the entry says how many values were removed, and its title and first prompt are redacted too", async () => {
    const { session, offer } = secretSession();
    const github = session.secrets.find((c) => c.rule === "github-pat")!.value;
    offer.entry.firstPrompt = `Deploy needs ${github}`;
    const report = await scanSessions([offer]);
    const redacted = await redactSessions(report);
    try {
      const entry = redacted.sessions[0]!.entry;
      expect(entry.redacted).toBe(report.values);
      expect(entry.firstPrompt).toBe(`Deploy needs ${placeholder("github-pat")}`);
      expect(entry.bytes).toBe(redacted.sessions[0]!.files.reduce((n, f) => n + f.size, 0));
    } finally {
      redacted.dispose();
    }
  });

  test("the copies live in a private folder that dispose() removes; files without findings stay the originals", async () => {
    const { offer, config } = secretSession();
    const plain = writeSession(config, { era: "2.1", cwd: "/home/alice/src/other", tools: 2 });
    const plainFiles = plain.files.map((p) => offered(join(config, "projects", plain.folder, p), p));
    const redacted = await redactSessions(await scanSessions([offer, { entry: entryFor(plain.id), files: plainFiles }]));
    const copies = redacted.sessions[0]!.files.filter((f) => !offer.files.some((o) => o.abs === f.abs));
    expect(copies.length).toBeGreaterThan(0);
    const root = dirname(dirname(copies.find((f) => f.path.endsWith(".jsonl") && !f.path.includes("/"))!.abs));
    expect(statSync(root).mode & 0o777).toBe(0o700);
    for (const f of copies) expect(statSync(f.abs).mode & 0o777).toBe(0o600);
    expect(redacted.sessions[1]!.files.map((f) => f.abs)).toEqual(plainFiles.map((f) => f.abs));
    expect(redacted.sessions[1]!.entry.redacted).toBeUndefined();
    redacted.dispose();
    expect(existsSync(root)).toBe(false);
    redacted.dispose();
  });

  test("sending as is keeps every original file, at the size that was scanned", async () => {
    const { offer } = secretSession();
    const report = await scanSessions([offer]);
    const asIs = asScanned(report);
    expect(asIs.sessions[0]!.files).toEqual(offer.files);
    expect(asIs.values).toBe(0);
  });
});
