// The sharer's choice (ui/secrets.ts): --no-redact sends the originals,
// --redact and the default without a terminal redact, and a scan that finds
// nothing hands the sessions on untouched. (Tests have no terminal, so the
// question itself is never asked here.)
import { expect, test } from "bun:test";
import { writeSession } from "../fixtures/store.ts";
import { describeFindings, sessionsToSend } from "../../src/ui/secrets.ts";
import { scanSessions } from "../../src/redact/sessions.ts";
import { entryFor, leaked, offered, secretSession } from "./_redact.ts";
import { join } from "node:path";
import { readFileSync } from "node:fs";

test("--no-redact sends the original files", async () => {
  const { offer } = secretSession();
  const out = await sessionsToSend([offer], { redact: false, yes: true });
  expect(out.sessions[0]!.files.map((f) => f.abs)).toEqual(offer.files.map((f) => f.abs));
  expect(out.sessions[0]!.entry.redacted).toBeUndefined();
  out.dispose();
});

for (const [name, choice] of [["--redact", { redact: true }], ["--yes without a flag", { yes: true }], ["no terminal and no flag", {}]] as const) {
  test(`${name} redacts`, async () => {
    const { session, offer } = secretSession();
    const out = await sessionsToSend([offer], choice);
    try {
      expect(out.values).toBeGreaterThan(0);
      const bytes = Buffer.concat(out.sessions[0]!.files.map((f) => readFileSync(f.abs)));
      expect(leaked(bytes, session.secrets.map((c) => c.value))).toEqual([]);
    } finally {
      out.dispose();
    }
  });
}

test("a scan that finds nothing hands the sessions on as they are", async () => {
  const { config } = secretSession();
  const plain = writeSession(config, { era: "2.1", cwd: "/home/alice/src/other" });
  const files = plain.files.map((p) => offered(join(config, "projects", plain.folder, p), p));
  const out = await sessionsToSend([{ entry: entryFor(plain.id), files }], {});
  expect(out.sessions[0]!.files).toEqual(files);
  expect(out.values).toBe(0);
});

test("the summary names rule, session title, count and a masked preview, and never a secret", async () => {
  const { session, offer } = secretSession();
  const text = describeFindings(await scanSessions([offer]));
  expect(text).toMatch(/^Found \d+ secrets in 1 session/);
  expect(text).toContain("Deploy keys");
  expect(text).toMatch(/github-pat\s+1\s+ghp_…/);
  expect(leaked(Buffer.from(text), session.secrets.map((c) => c.value))).toEqual([]);
});
