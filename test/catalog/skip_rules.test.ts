import { describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { listSessions } from "../../src/catalog/catalog.ts";
import { Transcript, uuidFrom } from "../fixtures/lines.ts";
import { writeDecoys, writeSession } from "../fixtures/store.ts";
import { tempHome } from "./_env.ts";


const cwd = "/home/alice/src/app";

async function idsIn(env: Record<string, string>): Promise<string[]> {
  return ((await listSessions({ env })).sessions).map((e) => e.id);
}

describe("files that are not sessions", () => {
  test("a session file with a non-UUID name is skipped, even with a good conversation inside", async () => {
    const { configDir, env } = tempHome();
    const s = writeSession(configDir, { era: "2.1", cwd });
    const dir = join(configDir, "projects", s.folder);
    const text = readFileSync(join(dir, s.files[0]!));
    writeFileSync(join(dir, "notes.jsonl"), text);
    writeFileSync(join(dir, `${s.id.toUpperCase()}.jsonl`), text);
    writeFileSync(join(dir, `${s.id.slice(0, -1)}.jsonl`), text);
    writeFileSync(join(dir, `${s.id}.jsonl.bak`), text);
    expect(await idsIn(env)).toEqual([s.id]);
  });

  test("a zero-byte session file is skipped", async () => {
    const { configDir, env } = tempHome();
    const dir = join(configDir, "projects", "-home-alice-src-app");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${uuidFrom("empty")}.jsonl`), "");
    expect(await idsIn(env)).toEqual([]);
  });

  test("legacy agent-*.jsonl files beside the sessions are not listed as sessions", async () => {
    const { configDir, env } = tempHome();
    const s = writeSession(configDir, { era: "2.0", cwd, subagents: 2 });
    expect(s.files.filter((f) => f.startsWith("agent-"))).toHaveLength(2);
    expect(await idsIn(env)).toEqual([s.id]);
  });

  test("a file whose first conversation line is a sidechain is a subagent's, not a session", async () => {
    const { configDir, env } = tempHome();
    const id = uuidFrom("sidechain-first");
    // Its first line is a 1.0.x-style inline sidechain; main-chain lines follow.
    const t = new Transcript({ era: "2.0", sessionId: id, cwd, branch: "main", start: new Date("2026-07-01T00:00:00Z") });
    t.inlineSidechain("Search the code", "Found it").prompt("A main-chain prompt").reply("An answer");
    const dir = join(configDir, "projects", "-home-alice-src-app");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${id}.jsonl`), t.text());
    expect(await idsIn(env)).toEqual([]);
    // The same lines with the main chain first: a session.
    const u = new Transcript({ era: "2.0", sessionId: id, cwd, branch: "main", start: new Date("2026-07-01T00:00:00Z") });
    u.prompt("A main-chain prompt").inlineSidechain("Search the code", "Found it").reply("An answer");
    writeFileSync(join(dir, `${id}.jsonl`), u.text());
    expect(await idsIn(env)).toEqual([id]);
  });

  test("a file with only metadata lines is skipped", async () => {
    const { configDir, env } = tempHome();
    const dir = join(configDir, "projects", "-x");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${uuidFrom("meta")}.jsonl`), [
      { type: "summary", summary: "Only metadata", leafUuid: "x" },
      { type: "custom-title", customTitle: "A title", sessionId: uuidFrom("meta") },
      { type: "system", subtype: "turn_duration", cwd: "/x", timestamp: "2026-01-01T00:00:00Z", uuid: "u" },
    ].map((l) => JSON.stringify(l) + "\n").join(""));
    expect(await idsIn(env)).toEqual([]);
  });

  test("the decoys of the fixture store are all skipped", async () => {
    const { configDir, env } = tempHome();
    expect(writeDecoys(configDir, cwd).length).toBeGreaterThan(4);
    expect(await idsIn(env)).toEqual([]);
  });

  test("a stale sessions-index.json is ignored: its ghosts are not listed and its numbers not used", async () => {
    const { configDir, env } = tempHome();
    const s = writeSession(configDir, { era: "2.0", cwd });
    writeFileSync(join(configDir, "projects", s.folder, "sessions-index.json"), JSON.stringify({
      version: 1,
      entries: [
        { sessionId: s.id, summary: "Stale title", messageCount: 99, projectPath: "/elsewhere", gitBranch: "stale" },
        { sessionId: uuidFrom("ghost"), summary: "Ghost", messageCount: 5, projectPath: "/nowhere" },
      ],
    }));
    const listed = (await listSessions({ env })).sessions;
    expect(listed.map((e) => [e.id, e.title, e.messages, e.project, e.branch])).toEqual([[s.id, s.title, s.messages, cwd, "main"]]);
  });

  test("files outside a project folder, and folders that are files, are ignored", async () => {
    const { configDir, env } = tempHome();
    const s = writeSession(configDir, { era: "2.1", cwd });
    const text = await Bun.file(join(configDir, "projects", s.folder, s.files[0]!)).text();
    writeFileSync(join(configDir, "projects", `${uuidFrom("top")}.jsonl`), text);
    writeFileSync(join(configDir, "projects", "not-a-folder"), "x");
    expect(await idsIn(env)).toEqual([s.id]);
  });
});
