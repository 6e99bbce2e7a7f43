import { describe, expect, test } from "bun:test";
import { listSessions } from "../../src/catalog/catalog.ts";
import { writeStore } from "../fixtures/store.ts";
import { tempHome } from "./_env.ts";


const FIELDS = ["id", "title", "firstPrompt", "project", "branch", "messages", "created", "modified", "bytes", "subagents", "version", "folder"];

describe("listing a realistic store", () => {
  const { configDir, env } = tempHome();
  const sessions = writeStore(configDir);

  test("lists every session of every era, and nothing else", async () => {
    const listed = (await listSessions({ env })).sessions;
    expect(listed.map((e) => e.id).sort()).toEqual(sessions.map((s) => s.id).sort());
    expect(new Set(sessions.map((s) => s.era))).toEqual(new Set(["1.0", "2.0", "2.1"]));
  });

  test("each entry has exactly the contract's fields, in order", async () => {
    for (const entry of (await listSessions({ env })).sessions) expect(Object.keys(entry)).toEqual(FIELDS);
  });

  test("each field equals what the fixture wrote", async () => {
    const listed = new Map(((await listSessions({ env })).sessions).map((e) => [e.id, e]));
    for (const s of sessions) {
      const e = listed.get(s.id)!;
      const expected = { id: s.id, title: s.title, firstPrompt: s.firstPrompt, project: s.project, branch: s.branch, messages: s.messages, created: s.created, modified: s.modified, bytes: s.bytes, subagents: s.subagents, version: s.version, folder: s.folder };
      expect({ era: s.era, ...e }).toEqual({ era: s.era, ...expected });
    }
  });

  test("sessions come newest first", async () => {
    const modified = ((await listSessions({ env })).sessions).map((e) => e.modified);
    expect(modified).toEqual([...modified].sort().reverse());
    expect(modified[0]).toBe(sessions[0]!.modified);
  });

  test("--project keeps only the sessions recorded in that directory", async () => {
    const listed = (await listSessions({ env, project: "/home/alice/src/app/" })).sessions;
    expect(listed.map((e) => e.id).sort()).toEqual(sessions.filter((s) => s.project === "/home/alice/src/app").map((s) => s.id).sort());
    expect(listed.length).toBeGreaterThan(3);
  });

  test("--project takes a Windows path as recorded", async () => {
    const listed = (await listSessions({ env, project: "C:\\Users\\Bob\\My Proj" })).sessions;
    expect(listed.map((e) => e.project)).toEqual(["C:\\Users\\Bob\\My Proj"]);
  });

  test("--since drops sessions modified before the date", async () => {
    const since = new Date(sessions[4]!.modified);
    const listed = (await listSessions({ env, since })).sessions;
    expect(listed.map((e) => e.id)).toEqual(sessions.slice(0, 5).map((s) => s.id));
  });

  test("--grep matches the title or the first prompt, in any case", async () => {
    const byTitle = sessions.find((s) => s.title.startsWith("Custom title"))!;
    expect(((await listSessions({ env, grep: byTitle.title.toUpperCase() })).sessions).map((e) => e.id)).toEqual([byTitle.id]);
    const byPrompt = sessions.find((s) => s.title !== s.firstPrompt && s.firstPrompt.includes("marker"))!;
    expect(((await listSessions({ env, grep: byPrompt.firstPrompt.slice(-20) })).sessions).map((e) => e.id)).toContain(byPrompt.id);
    expect((await listSessions({ env, grep: "no session says this" })).sessions).toEqual([]);
  });

  test("an empty store lists nothing", async () => {
    expect((await listSessions({ env: tempHome().env })).sessions).toEqual([]);
  });
});
