import { describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { findSession, listSessions, sessionFiles } from "../../src/catalog/catalog.ts";
import { writeSession } from "../fixtures/store.ts";
import { tempHome } from "./_env.ts";


describe("storage layouts", () => {
  test("2.1.x subagents under <id>/subagents/ (workflows one level deeper) are counted and travel with the session", async () => {
    const { configDir, env } = tempHome();
    const s = writeSession(configDir, { era: "2.1", cwd: "/home/alice/src/app", subagents: 3, tools: 1 });
    const [entry] = (await listSessions({ env })).sessions;
    expect(entry!.subagents).toBe(3);
    const files = (await sessionFiles(entry!, env)).map((f) => f.path);
    expect(files[0]).toBe(`${s.id}.jsonl`);
    expect(files.sort()).toEqual([...s.files].sort());
    expect(files.some((f) => f.includes("/subagents/workflows/wf_"))).toBe(true);
    expect(files.some((f) => f.includes("/tool-results/"))).toBe(true);
  });

  test("2.0.x sibling agent files belong to the session named in their lines", async () => {
    const { configDir, env } = tempHome();
    const mine = writeSession(configDir, { era: "2.0", cwd: "/home/alice/src/app", subagents: 2, seed: "mine" });
    const theirs = writeSession(configDir, { era: "2.0", cwd: "/home/alice/src/app", subagents: 1, seed: "theirs" });
    const byId = new Map(((await listSessions({ env })).sessions).map((e) => [e.id, e]));
    expect(byId.get(mine.id)!.subagents).toBe(2);
    expect(byId.get(theirs.id)!.subagents).toBe(1);
    const files = await sessionFiles(byId.get(mine.id)!, env);
    expect(files.map((f) => f.path).sort()).toEqual([...mine.files].sort());
    expect(files.every((f) => f.abs.endsWith(f.path) && f.size > 0)).toBe(true);
  });

  test("bytes are the session file plus its folder and its agent files", async () => {
    const { configDir, env } = tempHome();
    const s = writeSession(configDir, { era: "2.1", cwd: "/home/alice/src/app", subagents: 2 });
    const [entry] = (await listSessions({ env })).sessions;
    const files = await sessionFiles(entry!, env);
    expect(entry!.bytes).toBe(files.reduce((n, f) => n + f.size, 0));
    expect(entry!.bytes).toBe(s.bytes);
    expect(entry!.bytes).toBeGreaterThan(files[0]!.size);
  });

  test("1.0.x inline sidechain lines are not messages and not subagent files", async () => {
    const { configDir, env } = tempHome();
    const s = writeSession(configDir, { era: "1.0", cwd: "/Users/alice/src/legacy", subagents: 2 });
    const [entry] = (await listSessions({ env })).sessions;
    expect(entry).toMatchObject({ messages: s.messages, subagents: 0, title: s.title, version: "1.0.72" });
  });

  test("the project is the recorded cwd, never the folder name decoded", async () => {
    const { configDir, env } = tempHome();
    const paths = ["C:\\Users\\Bob\\My Proj", "/tmp/café/😀x", "/home/u/my_project.v2", `/home/u/${"deep-".repeat(50)}end`];
    for (const cwd of paths) writeSession(configDir, { era: "2.1", cwd, seed: cwd });
    const listed = (await listSessions({ env })).sessions;
    expect(listed.map((e) => e.project).sort()).toEqual([...paths].sort());
    expect(listed.find((e) => e.project.startsWith("C:"))!.folder).toBe("C--Users-Bob-My-Proj");
    expect(listed.find((e) => e.project.includes("deep"))!.folder.length).toBeGreaterThan(200);
  });

  test("a relocated session's project is its last relocated cwd", async () => {
    const { configDir, env } = tempHome();
    writeSession(configDir, { era: "2.1", cwd: "/home/alice/old", relocatedTo: "/home/alice/new" });
    expect(((await listSessions({ env })).sessions)[0]!.project).toBe("/home/alice/new");
  });

  test("a forked session takes its id from the file name, not from its copied lines", async () => {
    const { configDir, env } = tempHome();
    const parent = writeSession(configDir, { era: "2.1", cwd: "/home/alice/src/app", seed: "parent" });
    const fork = writeSession(configDir, { era: "2.1", cwd: "/home/alice/src/app", forkOf: parent, seed: "fork" });
    const listed = (await listSessions({ env })).sessions;
    expect(listed.map((e) => e.id).sort()).toEqual([parent.id, fork.id].sort());
    expect(listed.find((e) => e.id === fork.id)).toMatchObject({ messages: fork.messages, firstPrompt: fork.firstPrompt });
    expect((await findSession(fork.id.slice(0, 12), env)).id).toBe(fork.id);
  });

  test("without CLAUDE_CONFIG_DIR, ~/.claude and the legacy ~/.config/claude are both read", async () => {
    const { home, env } = tempHome({ configured: false });
    const current = writeSession(join(home, ".claude"), { era: "2.1", cwd: "/home/alice/a" });
    const legacy = writeSession(join(home, ".config", "claude"), { era: "1.0", cwd: "/home/alice/b" });
    expect(((await listSessions({ env })).sessions).map((e) => e.id).sort()).toEqual([current.id, legacy.id].sort());
    const files = await sessionFiles(await findSession(legacy.id, env), env);
    expect(files[0]!.abs).toBe(join(home, ".config", "claude", "projects", legacy.folder, `${legacy.id}.jsonl`));
  });

  test("with CLAUDE_CONFIG_DIR, only that directory is read", async () => {
    const { home, configDir, env } = tempHome();
    const mine = writeSession(configDir, { era: "2.1", cwd: "/home/alice/a" });
    writeSession(join(home, ".config", "claude"), { era: "1.0", cwd: "/home/alice/b" });
    mkdirSync(join(home, "elsewhere"), { recursive: true });
    writeFileSync(join(home, "elsewhere", "x"), "");
    expect(((await listSessions({ env })).sessions).map((e) => e.id)).toEqual([mine.id]);
  });
});
