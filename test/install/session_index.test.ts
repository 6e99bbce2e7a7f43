// The stale `sessions-index.json` cache (SESSIONS-FORMAT.md "Other state";
// install step 7): an entry for each new session, nothing else disturbed.
import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, realpathSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { install, receiver, source, stage, tempDir } from "./_stage.ts";

const NOW = new Date("2026-08-01T09:30:00.000Z");

/** The receiver's project folder for `into`, created ahead of the install (as Claude Code would have). */
function folderFor(config: string, into: string): string {
  const folder = join(config, "projects", realpathSync(into).replace(/[^A-Za-z0-9]/g, "-"));
  mkdirSync(folder, { recursive: true });
  return folder;
}

describe("sessions-index.json", () => {
  test("gains an entry for each installed session, keeping its other entries and fields", async () => {
    const src = source([
      { era: "2.0", cwd: "/home/bob/work/api", prompts: ["Why does the build fail on ARM?", "Fix it"], branch: "arm" },
      { era: "2.1", cwd: "/home/bob/work/api" },
    ]);
    const r = receiver();
    const into = tempDir();
    const folder = folderFor(r.config, into);
    const old = { sessionId: "0e4c5a2e-1111-4a2b-8c3d-000000000009", fullPath: "/x.jsonl", summary: "kept", futureField: [1, 2] };
    writeFileSync(join(folder, "sessions-index.json"), JSON.stringify({ version: 1, entries: [old], originalPath: "/keep/me" }, null, 2), { mode: 0o644 });
    const result = await install({ staged: src.sessions.map((s) => stage(s, src.config)), into, env: r.env, now: NOW });
    const index = JSON.parse(readFileSync(join(folder, "sessions-index.json"), "utf8"));
    expect(index.version).toBe(1);
    expect(index.originalPath).toBe("/keep/me");
    expect(index.entries[0]).toEqual(old);
    expect(index.entries.length).toBe(3);
    const first = index.entries.find((e: { sessionId: string }) => e.sessionId === src.sessions[0]!.id);
    expect(first).toEqual({
      sessionId: src.sessions[0]!.id,
      fullPath: join(folder, `${src.sessions[0]!.id}.jsonl`),
      fileMtime: NOW.getTime(),
      firstPrompt: "Why does the build fail on ARM?",
      messageCount: src.sessions[0]!.messages,
      created: src.sessions[0]!.created,
      modified: NOW.toISOString(),
      gitBranch: "arm",
      projectPath: result.target,
      isSidechain: false,
    });
    expect(statSync(join(folder, "sessions-index.json")).mode & 0o777).toBe(0o644);
  });

  test("replaces a stale entry for the same session id instead of adding a second", async () => {
    const src = source([{ era: "2.0", cwd: "/home/bob/work/api" }]);
    const r = receiver();
    const into = tempDir();
    const folder = folderFor(r.config, into);
    const id = src.sessions[0]!.id;
    writeFileSync(join(folder, "sessions-index.json"), JSON.stringify({ version: 1, entries: [{ sessionId: id, messageCount: 99 }] }));
    await install({ staged: [stage(src.sessions[0]!, src.config)], into, env: r.env });
    const index = JSON.parse(readFileSync(join(folder, "sessions-index.json"), "utf8"));
    expect(index.entries.length).toBe(1);
    expect(index.entries[0].messageCount).toBe(src.sessions[0]!.messages);
  });

  test("an unparseable or unexpected index is left byte for byte alone", async () => {
    for (const text of ['{"version":1,"entries":[{"sessionId":', '{"version":2,"entries":{"a":1}}', "[1,2,3]"]) {
      const src = source([{ era: "2.0", cwd: "/home/bob/work/api" }]);
      const r = receiver();
      const into = tempDir();
      const folder = folderFor(r.config, into);
      writeFileSync(join(folder, "sessions-index.json"), text);
      const result = await install({ staged: [stage(src.sessions[0]!, src.config)], into, env: r.env });
      expect(result.installed.length).toBe(1);
      expect(readFileSync(join(folder, "sessions-index.json"), "utf8")).toBe(text);
    }
  });

  test("is not created when the folder had none", async () => {
    const src = source([{ era: "2.1", cwd: "/home/bob/work/api" }]);
    const result = await install({ staged: [stage(src.sessions[0]!, src.config)], into: tempDir(), env: receiver().env });
    expect(existsSync(join(result.folder, "sessions-index.json"))).toBe(false);
  });

  test("gets no entry for a session skipped as identical", async () => {
    const src = source([{ era: "2.0", cwd: "/home/bob/work/api" }]);
    const r = receiver();
    const into = tempDir();
    const folder = folderFor(r.config, into);
    await install({ staged: [stage(src.sessions[0]!, src.config)], into, env: r.env });
    writeFileSync(join(folder, "sessions-index.json"), JSON.stringify({ version: 1, entries: [] }));
    await install({ staged: [stage(src.sessions[0]!, src.config)], into, env: r.env });
    expect(JSON.parse(readFileSync(join(folder, "sessions-index.json"), "utf8")).entries).toEqual([]);
  });
});
