// Issue 17: a redacted session must still be a session. The real Claude Code
// resumes one against the loopback stand-in for the model API (DESIGN.md §6):
// it finds it, sends its conversation, and nothing it sends holds a secret,
// while the placeholders and the note standing in for a thinking block do
// arrive. The negative control resumes the same session unredacted.
import { beforeAll, expect, test } from "bun:test";
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import type { OfferedSession } from "../../src/catalog/entry.ts";
import { placeholder } from "../../src/redact/placeholder.ts";
import { redactSessions, scanSessions } from "../../src/redact/sessions.ts";
import { install, receiver, tempDir, type SentSession } from "../install/_stage.ts";
import { leaked, secretSession } from "../redact/_redact.ts";
import { claudeCodeExecutable } from "../support/claude_code.ts";
import { resumeWith } from "../support/resume.ts";

let claude = "";
beforeAll(() => {
  claude = claudeCodeExecutable();
}, 600_000);

/** The offered files in a dir of their own, sent from there through the receive path (install/_stage.ts). */
function staged(offer: OfferedSession, project: string): SentSession {
  const dir = tempDir("ccshare-sent-");
  for (const f of offer.files) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    copyFileSync(f.abs, join(dir, f.path));
  }
  return { id: offer.entry.id, project, dir, files: offer.files.map((f) => f.path) };
}

async function resumed(offer: OfferedSession, cwd: string) {
  const r = receiver();
  const target = tempDir("ccshare-target-");
  await install({ staged: [staged(offer, cwd)], into: target, env: r.env });
  return resumeWith(claude, offer.entry.id, target, r);
}

test("claude resumes a redacted session and sends its conversation without a single secret", async () => {
  const { session, offer } = secretSession("resume");
  const redacted = await redactSessions(await scanSessions([offer]));
  try {
    const run = await resumed(redacted.sessions[0]!, session.cwd);
    expect(run.output).not.toContain("No conversation found with session ID");
    expect([run.code, run.output.trim()]).toEqual([0, "Understood, continuing."]);
    const sent = run.bodies.join("\n");
    for (const text of [...session.texts, "continue"]) expect([text, sent.includes(text)]).toEqual([text, true]);
    expect(leaked(Buffer.from(sent), session.secrets.map((c) => c.value))).toEqual([]);
    expect(sent).toContain(JSON.stringify(placeholder("github-pat")).slice(1, -1));
    expect(sent).toContain("A thinking block was removed before sharing");
  } finally {
    redacted.dispose();
  }
}, 180_000);

test("negative control: the same session unredacted sends its secrets", async () => {
  const { session, offer } = secretSession("resume");
  const run = await resumed(offer, session.cwd);
  expect(run.code).toBe(0);
  expect(leaked(Buffer.from(run.bodies.join("\n")), session.secrets.map((c) => c.value)).length).toBeGreaterThan(0);
}, 180_000);
