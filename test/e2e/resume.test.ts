// The proof the product works (DESIGN.md §6): sessions handed over as a user
// does it (the compiled binary's export, then import: the receive path of
// install/incoming.ts) are resumed by the real Claude Code, which sends the installed conversation to
// a loopback stand-in for the model API (SESSIONS-FORMAT.md "Resume, and what
// an install must do").
//
// Measured with Claude Code 2.1.330: `--resume <id>` finds an explicit id in ANY
// project folder (with -p and interactively), so it cannot tell whether the
// install chose the right folder. `--continue` can: it takes the latest session
// of the folder named after the directory it runs in, and starts a new
// conversation otherwise. So every install is checked both ways, and the
// negative controls show each check can fail.
import { beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { FixtureSession, SessionSpec } from "../fixtures/store.ts";
import { receiver, source, tempDir } from "../install/_stage.ts";
import { handOver } from "../support/hand_over.ts";
import { claudeCodeExecutable } from "../support/claude_code.ts";
import { startModelApi } from "../support/model_api.ts";
import { resumeWith, type Resumed } from "../support/resume.ts";

const NOT_FOUND = "No conversation found with session ID";

let claude = "";
beforeAll(() => {
  claude = claudeCodeExecutable();
}, 600_000);

/** One session written by the fixture generator into a sharer's store. */
function shared(spec: SessionSpec): { session: FixtureSession; sourceConfig: string } {
  const src = source([spec]);
  return { session: src.sessions[0]!, sourceConfig: src.config };
}

/** The main conversation's texts (the fixture also lists its subagents' prompts, which a resume does not send). */
function conversationTexts(session: FixtureSession): string[] {
  return session.texts.filter((t) => !t.startsWith("Find the callers of parse"));
}

/** Whether each text was sent (a compact failure message, not a 100 KB request body). */
function sentTexts(run: Resumed, texts: string[]): Record<string, boolean> {
  const sent = run.bodies.join("\n");
  return Object.fromEntries(texts.map((t) => [t, sent.includes(JSON.stringify(t).slice(1, -1))]));
}

function expectResumed(run: Resumed, session: FixtureSession): void {
  expect(run.output).not.toContain(NOT_FOUND);
  expect(run.bodies.length).toBeGreaterThan(0);
  // Every prompt and answer of the installed conversation reaches the model, then the new prompt.
  const texts = [...conversationTexts(session), "continue"];
  expect(sentTexts(run, texts)).toEqual(Object.fromEntries(texts.map((t) => [t, true])));
  expect([run.code, run.output.trim()]).toEqual([0, "Understood, continuing."]);
}

describe("the model API stand-in", () => {
  test("answers a plain and a streamed request the way the Messages API does, and records both", async () => {
    const api = startModelApi({ reply: "pong" });
    try {
      const post = (body: unknown) => fetch(`${api.url}/v1/messages?beta=true`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      const plain = await (await post({ model: "m", messages: [{ role: "user", content: "ping-1" }] })).json();
      expect(plain).toMatchObject({ type: "message", role: "assistant", model: "m", content: [{ type: "text", text: "pong" }], stop_reason: "end_turn" });
      const streamed = await (await post({ model: "m", stream: true, messages: [{ role: "user", content: "ping-2" }] })).text();
      const events = [...streamed.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
      expect(events).toEqual(["message_start", "content_block_start", "ping", "content_block_delta", "content_block_stop", "message_delta", "message_stop"]);
      expect(streamed).toContain('"text_delta","text":"pong"');
      expect((await fetch(`${api.url}/api/hello`)).status).toBe(404);
      expect(api.messageBodies().map((b) => JSON.parse(b).messages[0].content)).toEqual(["ping-1", "ping-2"]);
      expect(api.requests.map((r) => `${r.method} ${r.path}`).at(-1)).toBe("GET /api/hello");
    } finally {
      await api.close();
    }
  });
});

describe("claude after install", () => {
  for (const era of ["1.0", "2.0", "2.1"] as const) {
    test(`resumes a ${era} session by its id and sends its conversation to the model`, async () => {
      const { session, sourceConfig } = shared({ era, cwd: "/home/alice/src/app", subagents: 2, tools: 2, seed: `e2e-${era}` });
      const r = receiver();
      const target = tempDir("ccshare-target-");
      const result = await handOver({ id: session.id, from: sourceConfig, to: r.config, into: target });
      expect(result.installed.map((i) => i.id)).toEqual([session.id]);
      expectResumed(await resumeWith(claude, session.id, target, r), session);
    }, 120_000);

    test(`continues a ${era} session as the latest one of the target directory`, async () => {
      // No 1.0 inline sidechains here: 2.1.330's session lister drops such a file
      // ("filtered from /resume: isSidechain=true" in its debug log) wherever it is.
      const subagents = era === "1.0" ? 0 : 1;
      const { session, sourceConfig } = shared({ era, cwd: "C:\\Users\\Bob\\app", subagents, seed: `e2e-continue-${era}` });
      const r = receiver();
      const target = tempDir("ccshare-target-");
      await handOver({ id: session.id, from: sourceConfig, to: r.config, into: target });
      expectResumed(await resumeWith(claude, "latest", target, r), session);
    }, 120_000);
  }

  test("negative control: a session installed for another directory is not the one continued in the target", async () => {
    const { session, sourceConfig } = shared({ era: "2.1", cwd: "/home/alice/src/app", seed: "e2e-negative" });
    const r = receiver();
    const elsewhere = tempDir("ccshare-elsewhere-");
    const target = tempDir("ccshare-target-");
    await handOver({ id: session.id, from: sourceConfig, to: r.config, into: elsewhere });
    const run = await resumeWith(claude, "latest", target, r);
    // Claude Code starts a new conversation: the model gets the prompt but none of the installed texts.
    expect(sentTexts(run, [session.texts[0]!, "continue"])).toEqual({ [session.texts[0]!]: false, continue: true });
  }, 120_000);

  test("negative control: a session that is not installed is reported as not found", async () => {
    const { session, sourceConfig } = shared({ era: "2.1", cwd: "/home/alice/src/app", seed: "e2e-absent" });
    const someoneElse = receiver();
    const r = receiver();
    const target = tempDir("ccshare-target-");
    await handOver({ id: session.id, from: sourceConfig, to: someoneElse.config, into: target });
    const run = await resumeWith(claude, session.id, target, r);
    expect(run.output).toContain(`${NOT_FOUND}: ${session.id}`);
    expect(run.bodies).toEqual([]);
    expect(run.code).not.toBe(0);
  }, 120_000);

  test("resumes a session that was given a new id under that new id", async () => {
    const { session, sourceConfig } = shared({ era: "2.1", cwd: "/home/alice/src/app", subagents: 1, seed: "e2e-renamed" });
    const r = receiver();
    const target = tempDir("ccshare-target-");
    await handOver({ id: session.id, from: sourceConfig, to: r.config, into: target });
    // The same id arrives again with different content (the sharer edited the conversation).
    const transcript = join(sourceConfig, "projects", session.folder, `${session.id}.jsonl`);
    writeFileSync(transcript, readFileSync(transcript, "utf8").replaceAll(session.texts[0]!, "The renamed variant asks about marker-renamed-7731"));
    const result = await handOver({ id: session.id, from: sourceConfig, to: r.config, into: target });
    const newId = result.installed[0]!.newId!;
    expect(newId).toMatch(/^[0-9a-f-]{36}$/);
    const renamed = await resumeWith(claude, newId, target, r);
    expect(renamed.output).not.toContain(NOT_FOUND);
    expect(sentTexts(renamed, ["marker-renamed-7731", session.texts[0]!])).toEqual({ "marker-renamed-7731": true, [session.texts[0]!]: false });
    expectResumed(await resumeWith(claude, session.id, target, r), session);
  }, 120_000);

  test("continues a session installed into a directory whose path is over 200 characters", async () => {
    const { session, sourceConfig } = shared({ era: "2.1", cwd: "/home/alice/src/app", seed: "e2e-long" });
    const r = receiver();
    const target = join(tempDir("ccshare-target-"), "a-rather-long-directory-name-".repeat(8), "project");
    mkdirSync(target, { recursive: true });
    const result = await handOver({ id: session.id, from: sourceConfig, to: r.config, into: target });
    expect(result.folder.length - join(r.config, "projects/").length).toBeGreaterThan(200);
    expectResumed(await resumeWith(claude, "latest", target, r), session);
  }, 120_000);

  test("continues a session installed into a directory with an accent and an emoji in its name", async () => {
    const { session, sourceConfig } = shared({ era: "2.1", cwd: "/Users/alice/src/café", seed: "e2e-unicode" });
    const r = receiver();
    const target = join(tempDir("ccshare-target-"), "café", "😀 proj");
    mkdirSync(target, { recursive: true });
    await handOver({ id: session.id, from: sourceConfig, to: r.config, into: target });
    expectResumed(await resumeWith(claude, "latest", realpathSync(target), r), session);
  }, 120_000);

  test("continues a session installed into a directory whose name is stored decomposed (NFD)", async () => {
    const { session, sourceConfig } = shared({ era: "2.1", cwd: "/Users/alice/src/café", seed: "e2e-nfd" });
    const r = receiver();
    const target = join(tempDir("ccshare-target-"), "cafe\u0301");
    mkdirSync(target);
    await handOver({ id: session.id, from: sourceConfig, to: r.config, into: target });
    expectResumed(await resumeWith(claude, "latest", target, r), session);
  }, 120_000);

  test("continues a session installed with CLAUDE_CODE_PROJECT_DIR_NAME set for both", async () => {
    const { session, sourceConfig } = shared({ era: "2.1", cwd: "/home/alice/src/app", seed: "e2e-dirname" });
    const r = receiver();
    const target = tempDir("ccshare-target-");
    const result = await handOver({ id: session.id, from: sourceConfig, to: r.config, into: target, env: { CLAUDE_CODE_PROJECT_DIR_NAME: "team-project" } });
    expect(result.folder).toBe(join(r.config, "projects", "team-project"));
    expectResumed(await resumeWith(claude, "latest", target, r, { CLAUDE_CODE_PROJECT_DIR_NAME: "team-project" }), session);
  }, 120_000);
});
