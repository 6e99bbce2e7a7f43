// install(): sessions of every era land in the receiver's project folder with
// their cwd moved to the target, fresh mtimes and private modes, never
// overwriting another session (SESSIONS-FORMAT.md install steps 3-8).
import { describe, expect, test } from "bun:test";
import { appendFileSync, chmodSync, readFileSync, readdirSync, realpathSync, statSync } from "node:fs";
import { join } from "node:path";
import { ProtocolError } from "../../src/errors.ts";
import { resumeCommand } from "../../src/install/resume_command.ts";
import { writeSession } from "../fixtures/store.ts";
import { install, parsedLines, receiver, source, stage, tempDir, tree } from "./_stage.ts";

const NOW = new Date("2026-08-01T09:30:00.000Z");

describe("install", () => {
  test("puts a session of each era in the target's folder with every top-level cwd moved to the target", async () => {
    const src = source([
      { era: "1.0", cwd: "/Users/alice/src/legacy", subagents: 1 },
      { era: "2.0", cwd: "/home/bob/work/api", subagents: 2 },
      { era: "2.1", cwd: "/home/alice/src/app", subagents: 2, tools: 2 },
    ]);
    const r = receiver();
    const target = realpathSync(tempDir());
    const result = await install({ staged: src.sessions.map((s) => stage(s, src.config)), into: target, env: r.env, now: NOW });
    expect(result.installed.map((i) => i.id)).toEqual(src.sessions.map((s) => s.id));
    expect(result.skipped).toEqual([]);
    for (const session of src.sessions) {
      const text = readFileSync(join(result.folder, `${session.id}.jsonl`), "utf8");
      const cwds = parsedLines(text).filter((l) => "cwd" in l).map((l) => l.cwd);
      expect(cwds.length).toBeGreaterThan(0);
      expect(new Set(cwds)).toEqual(new Set([target]));
      // Tool inputs keep the sharer's paths: only the recorded cwd moves.
      expect(text).toContain(`"file_path":"${session.cwd}/src/parser-0.ts"`);
    }
  });

  test("keeps every byte except the rewritten cwd values", async () => {
    const src = source([{ era: "2.1", cwd: "/home/alice/src/app", subagents: 1, tail: "torn" }]);
    const s = src.sessions[0]!;
    const r = receiver();
    const result = await install({ staged: [stage(s, src.config)], into: tempDir(), env: r.env });
    const original = readFileSync(join(src.config, "projects", s.folder, `${s.id}.jsonl`), "utf8");
    const installed = readFileSync(join(result.folder, `${s.id}.jsonl`), "utf8");
    expect(installed).toBe(original.replaceAll(`"cwd":"${s.cwd}"`, `"cwd":"${result.target}"`));
    // The torn last line is copied as it was (its cwd included: it does not parse).
    expect(installed.endsWith("cut by a cra")).toBe(true);
  });

  test("rewrites the cwd of a 5 MB line and nothing else in it, not even a tool input's cwd", async () => {
    const src = source([{ era: "2.1", cwd: "/home/alice/src/app" }]);
    const s = src.sessions[0]!;
    const staged = stage(s, src.config);
    const big = JSON.stringify({ type: "user", message: { content: [{ type: "tool_result", content: `"cwd":"${s.cwd}" \\ \n`.repeat(200_000), input: { cwd: s.cwd } }] }, cwd: `${s.cwd}/sub`, sessionId: s.id });
    appendFileSync(join(staged.dir, `${s.id}.jsonl`), `${big}\n`);
    const result = await install({ staged: [staged], into: tempDir(), env: receiver().env });
    const last = readFileSync(result.installed[0]!.path, "utf8").split("\n").at(-2)!;
    expect(big.length).toBeGreaterThan(5_000_000);
    expect(last).toBe(big.replace(`"cwd":"${s.cwd}/sub"`, `"cwd":"${result.target}/sub"`));
  });

  test("copies a line that is not valid UTF-8 byte for byte", async () => {
    const src = source([{ era: "2.0", cwd: "/home/bob/work/api_v2.0", invalidUtf8: true }]);
    const s = src.sessions[0]!;
    const r = receiver();
    const result = await install({ staged: [stage(s, src.config)], into: tempDir(), env: r.env });
    const installed = readFileSync(join(result.folder, `${s.id}.jsonl`));
    expect(installed.includes(Buffer.from([0xff, 0xfe, 0xc3, 0x28]))).toBe(true);
  });

  test("installs 2.1 subagent transcripts, their meta files, workflows and tool results under the session folder", async () => {
    const src = source([{ era: "2.1", cwd: "/home/alice/src/app", subagents: 3, tools: 2 }]);
    const s = src.sessions[0]!;
    const r = receiver();
    const result = await install({ staged: [stage(s, src.config)], into: tempDir(), env: r.env });
    const files = tree(result.folder).filter((p) => !p.endsWith("/"));
    expect(files).toEqual([...s.files].sort());
    expect(s.files.some((f) => f.includes("/subagents/workflows/"))).toBe(true);
    expect(s.files.some((f) => f.includes("/tool-results/"))).toBe(true);
    const agent = s.files.find((f) => f.includes("/subagents/agent-") && f.endsWith(".jsonl"))!;
    const cwds = parsedLines(readFileSync(join(result.folder, agent), "utf8")).map((l) => l.cwd);
    expect(new Set(cwds)).toEqual(new Set([result.target]));
    const toolResult = s.files.find((f) => f.includes("/tool-results/"))!;
    expect(readFileSync(join(result.folder, toolResult))).toEqual(readFileSync(join(src.config, "projects", s.folder, toolResult)));
  });

  test("installs 2.0 agent files beside the session with their cwd moved", async () => {
    const src = source([{ era: "2.0", cwd: "/home/bob/work/api", subagents: 2 }]);
    const s = src.sessions[0]!;
    const r = receiver();
    const result = await install({ staged: [stage(s, src.config)], into: tempDir(), env: r.env });
    const agents = readdirSync(result.folder).filter((n) => n.startsWith("agent-"));
    expect(agents.length).toBe(2);
    for (const name of agents) {
      const lines = parsedLines(readFileSync(join(result.folder, name), "utf8"));
      expect(lines.every((l) => l.cwd === result.target && l.sessionId === s.id)).toBe(true);
    }
  });

  test("gives every installed file and folder a fresh mtime", async () => {
    const src = source([{ era: "2.1", cwd: "/home/alice/src/app", subagents: 2, tools: 1 }]);
    const s = src.sessions[0]!;
    expect(statSync(join(src.config, "projects", s.folder, `${s.id}.jsonl`)).mtime.getTime()).toBeLessThan(NOW.getTime() - 86_400_000);
    const r = receiver();
    const result = await install({ staged: [stage(s, src.config)], into: tempDir(), env: r.env, now: NOW });
    for (const path of tree(result.folder)) expect([path, statSync(join(result.folder, path)).mtime.getTime()]).toEqual([path, NOW.getTime()]);
  });

  test("defaults the mtime to the time of the install", async () => {
    const src = source([{ era: "2.1", cwd: "/home/alice/src/app" }]);
    const before = Date.now();
    const result = await install({ staged: [stage(src.sessions[0]!, src.config)], into: tempDir(), env: receiver().env });
    expect(statSync(result.installed[0]!.path).mtime.getTime()).toBeGreaterThanOrEqual(before - 1000);
  });

  test("makes files 0600 and folders 0700, whatever the staged modes were", async () => {
    const src = source([{ era: "2.1", cwd: "/home/alice/src/app", subagents: 2, tools: 1 }]);
    const staged = stage(src.sessions[0]!, src.config);
    for (const file of staged.files) chmodSync(join(staged.dir, file), 0o644);
    const result = await install({ staged: [staged], into: tempDir(), env: receiver().env });
    for (const path of tree(result.folder)) {
      expect([path, statSync(join(result.folder, path)).mode & 0o777]).toEqual([path, path.endsWith("/") ? 0o700 : 0o600]);
    }
  });

  test("skips a session that is already installed with identical content", async () => {
    const src = source([{ era: "2.1", cwd: "/home/alice/src/app", subagents: 1 }]);
    const s = src.sessions[0]!;
    const r = receiver();
    const into = tempDir();
    const first = await install({ staged: [stage(s, src.config)], into, env: r.env, now: NOW });
    const before = readFileSync(first.installed[0]!.path);
    const second = await install({ staged: [stage(s, src.config)], into, env: r.env });
    expect(second.installed).toEqual([]);
    expect(second.skipped).toEqual([{ id: s.id, reason: "already up to date" }]);
    expect(readFileSync(first.installed[0]!.path)).toEqual(before);
    expect(statSync(first.installed[0]!.path).mtime.getTime()).toBe(NOW.getTime());
  });

  test("gives a different session with the same id a new id in its file name, folder name and every line's sessionId", async () => {
    const src = source([{ era: "2.1", cwd: "/home/alice/src/app", subagents: 2, tools: 1 }]);
    const s = src.sessions[0]!;
    const r = receiver();
    const into = tempDir();
    const first = await install({ staged: [stage(s, src.config)], into, env: r.env });
    const existing = readFileSync(first.installed[0]!.path);
    // The sharer continued the session: same id, more lines.
    const continued = stage(s, src.config);
    appendFileSync(join(continued.dir, `${s.id}.jsonl`), `${JSON.stringify({ type: "last-prompt", lastPrompt: "one more thing", sessionId: s.id })}\n`);
    const second = await install({ staged: [continued], into, env: r.env });
    const renamed = second.installed[0]!;
    expect(renamed.id).toBe(s.id);
    expect(renamed.newId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const newId = renamed.newId!;
    expect(renamed.path).toBe(join(second.folder, `${newId}.jsonl`));
    expect(readFileSync(first.installed[0]!.path)).toEqual(existing);
    const lines = parsedLines(readFileSync(renamed.path, "utf8"));
    const ids = lines.filter((l) => "sessionId" in l).map((l) => l.sessionId);
    expect(new Set(ids)).toEqual(new Set([newId]));
    // Its title says whose fork it is (the catalog's title: the id, in this helper).
    expect(lines.at(-1)).toEqual({ type: "custom-title", customTitle: `${s.id} (fork of ${s.id.slice(0, 8)})`, sessionId: newId });
    const subagentFiles = s.files.filter((f) => f.endsWith(".jsonl") && f.startsWith(`${s.id}/`));
    expect(subagentFiles.length).toBe(2);
    for (const file of subagentFiles) {
      const moved = join(second.folder, newId + file.slice(s.id.length));
      expect(new Set(parsedLines(readFileSync(moved, "utf8")).map((l) => l.sessionId))).toEqual(new Set([newId]));
    }
    expect(tree(join(second.folder, newId)).length).toBe(tree(join(second.folder, s.id)).length);
  });

  test("a renamed fork keeps the parent's id on the lines it copied from the parent", async () => {
    const src = source([{ era: "2.1", cwd: "/home/alice/src/app", seed: "parent" }]);
    const parent = src.sessions[0]!;
    const fork = writeSession(src.config, { era: "2.1", cwd: parent.cwd, forkOf: parent, seed: "fork" });
    const r = receiver();
    const into = tempDir();
    const taken = stage(fork, src.config);
    await install({ staged: [taken], into, env: r.env });
    const changed = stage(fork, src.config);
    appendFileSync(join(changed.dir, `${fork.id}.jsonl`), `${JSON.stringify({ type: "custom-title", customTitle: "x", sessionId: fork.id })}\n`);
    const result = await install({ staged: [changed], into, env: r.env });
    const ids = new Set(parsedLines(readFileSync(result.installed[0]!.path, "utf8")).filter((l) => "sessionId" in l).map((l) => l.sessionId));
    expect(ids).toEqual(new Set([parent.id, result.installed[0]!.newId]));
  });

  test("hostile: a session sent twice in one stream is refused, and nothing is installed", async () => {
    const src = source([{ era: "2.1", cwd: "/home/alice/src/app" }]);
    const s = src.sessions[0]!;
    const r = receiver();
    await expect(install({ staged: [stage(s, src.config), stage(s, src.config)], into: tempDir(), env: r.env })).rejects.toBeInstanceOf(ProtocolError);
    expect(tree(join(r.config, "projects")).filter((p) => !p.endsWith("/"))).toEqual([]);
  });

  test("uses sourceProject as the root to move, so a session started in a subfolder keeps its place", async () => {
    const src = source([{ era: "2.1", cwd: "/home/alice/src/app/packages/api" }]);
    const result = await install({ staged: [stage(src.sessions[0]!, src.config)], into: tempDir(), sourceProject: "/home/alice/src/app", env: receiver().env });
    const cwds = new Set(parsedLines(readFileSync(result.installed[0]!.path, "utf8")).filter((l) => "cwd" in l).map((l) => l.cwd));
    expect(cwds).toEqual(new Set([`${result.target}/packages/api`]));
  });

  test("moves a Windows session's cwd to the POSIX target", async () => {
    const src = source([{ era: "2.0", cwd: "C:\\Users\\Bob\\My Proj", subagents: 1 }]);
    const result = await install({ staged: [stage(src.sessions[0]!, src.config)], into: tempDir(), env: receiver().env });
    const cwds = new Set(parsedLines(readFileSync(result.installed[0]!.path, "utf8")).filter((l) => "cwd" in l).map((l) => l.cwd));
    expect(cwds).toEqual(new Set([result.target]));
  });

  test("leaves no staging folder behind", async () => {
    const src = source([{ era: "2.1", cwd: "/home/alice/src/app", subagents: 1 }]);
    const result = await install({ staged: [stage(src.sessions[0]!, src.config)], into: tempDir(), env: receiver().env });
    expect(readdirSync(result.folder).filter((n) => n.startsWith(".ccshare-staging"))).toEqual([]);
  });
});

describe("resumeCommand", () => {
  test("leaves a plain path unquoted", () => {
    expect(resumeCommand("/home/me/proj", "3f2a9c4e-8b1d-4c6e-9a7f-2d5e8c1b4a90")).toBe("cd /home/me/proj && claude --resume 3f2a9c4e-8b1d-4c6e-9a7f-2d5e8c1b4a90");
  });

  test("single-quotes a path with spaces, quotes or shell characters", () => {
    expect(resumeCommand("/home/me/it's my $proj", "id")).toBe(`cd '/home/me/it'\\''s my $proj' && claude --resume id`);
  });

  test("double-quotes a Windows path", () => {
    expect(resumeCommand("C:\\Users\\Ann\\My Proj", "id")).toBe(`cd "C:\\Users\\Ann\\My Proj" && claude --resume id`);
  });
});
