import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { listSessions } from "../../src/catalog/catalog.ts";
import { writeSession } from "../fixtures/store.ts";
import { tempHome, type TempHome } from "./_env.ts";


const cwd = "/home/alice/src/app";

function cacheFile(h: TempHome): string {
  const dir = join(h.home, ".cache", "ccshare");
  const [name] = readdirSync(dir).filter((f) => f.startsWith("catalog-"));
  return join(dir, name!);
}

/** Rewrites the cached title of every file: if a listing shows it, the listing came from the cache. */
function poisonCache(h: TempHome, title: string): void {
  const path = cacheFile(h);
  const data = JSON.parse(readFileSync(path, "utf8"));
  for (const row of Object.values(data.files) as unknown[][]) if (typeof row[3] === "object") (row[3] as { title: string }).title = title;
  writeFileSync(path, JSON.stringify(data));
}

describe("the listing cache", () => {
  test("lives in $XDG_CACHE_HOME/ccshare, readable by its owner only", async () => {
    const h = tempHome();
    writeSession(h.configDir, { era: "2.1", cwd });
    (await listSessions({ env: h.env })).sessions;
    expect(statSync(cacheFile(h)).mode & 0o777).toBe(0o600);
  });

  test("falls back to ~/.cache/ccshare without XDG_CACHE_HOME", async () => {
    const h = tempHome();
    writeSession(h.configDir, { era: "2.1", cwd });
    const { XDG_CACHE_HOME: _, ...env } = h.env;
    (await listSessions({ env })).sessions;
    expect(existsSync(join(h.home, ".cache", "ccshare"))).toBe(true);
  });

  test("an unchanged file is not read again", async () => {
    const h = tempHome();
    writeSession(h.configDir, { era: "2.1", cwd });
    (await listSessions({ env: h.env })).sessions;
    poisonCache(h, "From the cache");
    expect(((await listSessions({ env: h.env })).sessions)[0]!.title).toBe("From the cache");
  });

  test("a file rewritten with the same size and mtime is read again (never stale)", async () => {
    const h = tempHome();
    const s = writeSession(h.configDir, { era: "2.1", cwd });
    (await listSessions({ env: h.env })).sessions;
    poisonCache(h, "From the cache");
    const path = join(h.configDir, "projects", s.folder, s.files[0]!);
    const before = statSync(path);
    writeFileSync(path, readFileSync(path, "utf8").replace(`"aiTitle":"AI title ${s.id.slice(0, 8)}"`, `"aiTitle":"AI title ${"Z".repeat(8)}"`));
    utimesSync(path, before.atime, before.mtime);
    expect(statSync(path).size).toBe(before.size);
    expect(((await listSessions({ env: h.env })).sessions)[0]!.title).toBe("AI title ZZZZZZZZ");
  });

  test("a file that changed mtime is read again", async () => {
    const h = tempHome();
    const s = writeSession(h.configDir, { era: "2.1", cwd });
    (await listSessions({ env: h.env })).sessions;
    poisonCache(h, "From the cache");
    utimesSync(join(h.configDir, "projects", s.folder, s.files[0]!), new Date(), new Date());
    expect(((await listSessions({ env: h.env })).sessions)[0]!.title).toBe(s.title);
  });

  test("a deleted or damaged cache only costs a fresh read", async () => {
    const h = tempHome();
    const s = writeSession(h.configDir, { era: "2.1", cwd });
    (await listSessions({ env: h.env })).sessions;
    writeFileSync(cacheFile(h), "{ not json");
    expect(((await listSessions({ env: h.env })).sessions)[0]!.title).toBe(s.title);
    poisonCache(h, "From the cache");
    const data = JSON.parse(readFileSync(cacheFile(h), "utf8"));
    for (const row of Object.values(data.files) as unknown[][]) row[3] = { title: 42 };
    writeFileSync(cacheFile(h), JSON.stringify(data));
    expect(((await listSessions({ env: h.env })).sessions)[0]!.title).toBe(s.title);
    rmSync(join(h.home, ".cache"), { recursive: true });
    expect(((await listSessions({ env: h.env })).sessions)[0]!.title).toBe(s.title);
  });

  test("deleted sessions leave the cache at the next full listing", async () => {
    const h = tempHome();
    const a = writeSession(h.configDir, { era: "2.1", cwd, seed: "a" });
    const b = writeSession(h.configDir, { era: "2.1", cwd, seed: "b" });
    (await listSessions({ env: h.env })).sessions;
    rmSync(join(h.configDir, "projects", b.folder, b.files[0]!));
    expect(((await listSessions({ env: h.env })).sessions).map((e) => e.id)).toEqual([a.id]);
    const cached = Object.keys(JSON.parse(readFileSync(cacheFile(h), "utf8")).files);
    expect(cached).toEqual([join(h.configDir, "projects", a.folder, a.files[0]!)]);
  });

  test("a new subagent file shows up even when the session file did not change", async () => {
    const h = tempHome();
    const s = writeSession(h.configDir, { era: "2.1", cwd, subagents: 1 });
    expect(((await listSessions({ env: h.env })).sessions)[0]!.subagents).toBe(1);
    const dir = join(h.configDir, "projects", s.folder, s.id, "subagents");
    writeFileSync(join(dir, "agent-added.jsonl"), readFileSync(join(h.configDir, "projects", s.folder, s.files.find((f) => f.endsWith(".jsonl") && f !== s.files[0])!)));
    expect(((await listSessions({ env: h.env })).sessions)[0]!.subagents).toBe(2);
  });
});
