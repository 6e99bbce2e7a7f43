import { afterEach, describe, expect, setDefaultTimeout, spyOn, test } from "bun:test";
import { appendFileSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { listSessions } from "../../src/catalog/catalog.ts";
import { summarizeFile } from "../../src/catalog/summarize.ts";
import { log, warnUnreadable } from "../../src/ui/log.ts";
import { codeText, Transcript, uuidFrom } from "../fixtures/lines.ts";
import { writeSession } from "../fixtures/store.ts";
import { tempHome } from "./_env.ts";

// Large files and child processes: generous on a loaded machine (bunfig's timeout is not applied).
setDefaultTimeout(60_000);


const cwd = "/home/alice/src/app";
const start = new Date("2026-07-01T00:00:00Z");

function writeLines(configDir: string, id: string, data: string | Uint8Array): string {
  const dir = join(configDir, "projects", "-home-alice-src-app");
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${id}.jsonl`);
  writeFileSync(path, data);
  return path;
}

describe("damaged and unusual files", () => {
  const warn = spyOn(log, "warn").mockImplementation((() => {}) as unknown as typeof log.warn);
  afterEach(() => warn.mockClear());

  test("a torn last line is left out, and the rest of the file still counts", () => {
    const { configDir } = tempHome();
    const t = new Transcript({ era: "2.1", sessionId: uuidFrom("torn"), cwd, branch: "main", start });
    t.prompt("First prompt").reply("First answer");
    const torn = `{"parentUuid":"${t.lastUuid}","isSidechain":false,"type":"user","message":{"role":"user","content":"cut by a cra`;
    const summary = summarizeFile(writeLines(configDir, uuidFrom("torn"), t.text() + torn))!;
    expect(summary.messages).toBe(2);
    expect(summary.firstPrompt).toBe("First prompt");
  });

  test("a last line without a newline still counts when it is whole", () => {
    const { configDir } = tempHome();
    const t = new Transcript({ era: "2.0", sessionId: uuidFrom("nonl"), cwd, branch: "main", start });
    t.prompt("First prompt").reply("First answer").prompt("Last prompt, no newline");
    const summary = summarizeFile(writeLines(configDir, uuidFrom("nonl"), t.text().slice(0, -1)))!;
    expect(summary.messages).toBe(3);
  });

  test("a first line over 64 KB gives its prompt, cut at 200 characters", () => {
    const { configDir } = tempHome();
    const t = new Transcript({ era: "2.1", sessionId: uuidFrom("big"), cwd, branch: "main", start });
    t.prompt(`Huge paste follows ${codeText(100_000)}`).reply("ok");
    const summary = summarizeFile(writeLines(configDir, uuidFrom("big"), t.text()))!;
    expect(summary.firstPrompt.startsWith("Huge paste follows")).toBe(true);
    expect(summary.firstPrompt.length).toBeLessThanOrEqual(200);
    expect(summary.firstPrompt.length).toBeGreaterThan(190);
    expect(summary.messages).toBe(2);
  });

  test("lines longer than the reader's buffer (17 MB) are skimmed, and the lines after them still count", () => {
    const { configDir } = tempHome();
    const t = new Transcript({ era: "2.1", sessionId: uuidFrom("huge"), cwd, branch: "main", start });
    t.prompt("Read the log").reply("Reading it");
    t.tool("Read", { file_path: "/var/log/big.log" }, "x".repeat(17 << 20));
    t.prompt("Now summarise it").reply("Summary");
    t.meta("ai-title", { aiTitle: "After the huge line" });
    const summary = summarizeFile(writeLines(configDir, uuidFrom("huge"), t.text()))!;
    expect(summary).toMatchObject({ messages: 4, title: "After the huge line", firstPrompt: "Read the log" });
  });

  test("invalid UTF-8 inside a line does not stop the count", () => {
    const { configDir } = tempHome();
    const t = new Transcript({ era: "2.0", sessionId: uuidFrom("utf"), cwd, branch: "main", start });
    t.prompt("Before bad bytes").reply("ok");
    const head = new TextEncoder().encode(t.text());
    const bad = new TextEncoder().encode(`{"parentUuid":null,"isSidechain":false,"type":"user","message":{"role":"user","content":"bad \xff here"},"uuid":"u1","timestamp":"2026-07-01T01:00:00Z","cwd":"${cwd}"}\n`);
    const bytes = new Uint8Array([...head, ...bad.map((b) => (b === 0xc3 ? 0xff : b))]);
    const summary = summarizeFile(writeLines(configDir, uuidFrom("utf"), bytes))!;
    expect(summary.messages).toBe(3);
  });

  test("Windows line endings are read like Unix ones", () => {
    const { configDir } = tempHome();
    const t = new Transcript({ era: "2.0", sessionId: uuidFrom("crlf"), cwd, branch: "dev", start });
    t.prompt("One").reply("Two");
    const summary = summarizeFile(writeLines(configDir, uuidFrom("crlf"), t.text().replace(/\n/g, "\r\n")))!;
    expect(summary).toMatchObject({ messages: 2, branch: "dev", firstPrompt: "One" });
  });

  test("a file written with spaces in its JSON is read by parsing each line", () => {
    const { configDir } = tempHome();
    const t = new Transcript({ era: "2.0", sessionId: uuidFrom("spaced"), cwd, branch: "spaced", start });
    t.prompt("Spaced prompt").reply("Spaced answer").meta("custom-title", { customTitle: "Spaced title" });
    const spaced = t.lines.map((l) => JSON.stringify(JSON.parse(l), null, 1).replace(/\n\s*/g, " ")).join("\n");
    expect(summarizeFile(writeLines(configDir, uuidFrom("spaced"), spaced))).toMatchObject({ messages: 2, title: "Spaced title", branch: "spaced", firstPrompt: "Spaced prompt", project: cwd });
  });

  test("an unreadable session file costs one warning, and the rest are listed", async () => {
    const { configDir, env } = tempHome();
    const s = writeSession(configDir, { era: "2.1", cwd });
    const dir = join(configDir, "projects", s.folder);
    symlinkSync(join(dir, "gone"), join(dir, `${uuidFrom("dangling")}.jsonl`));
    symlinkSync(join(dir, "gone-too"), join(dir, `${uuidFrom("dangling-2")}.jsonl`));
    const listing = await listSessions({ env });
    expect(listing.sessions.map((e) => e.id)).toEqual([s.id]);
    // The catalog reports; the command prints one warning for all of them.
    expect(listing.unreadable.map((u) => [u.path, u.reason]).sort()).toEqual([
      [join(dir, `${uuidFrom("dangling")}.jsonl`), "ENOENT"],
      [join(dir, `${uuidFrom("dangling-2")}.jsonl`), "ENOENT"],
    ].sort());
    expect(warn).toHaveBeenCalledTimes(0);
    warnUnreadable(listing.unreadable);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toContain("and 1 more");
  });

  test("10,000 session files are all listed, and a repeated listing only stats them", async () => {
    const { configDir, env } = tempHome();
    const t = new Transcript({ era: "2.1", sessionId: uuidFrom("many"), cwd, branch: "main", start });
    t.prompt("Many sessions").reply("Indeed");
    const text = t.text();
    for (let f = 0; f < 10; f++) mkdirSync(join(configDir, "projects", `-p${f}`), { recursive: true });
    for (let i = 0; i < 10_000; i++) writeFileSync(join(configDir, "projects", `-p${i % 10}`, `${uuidFrom(`many:${i}`)}.jsonl`), text);
    const first = (await listSessions({ env })).sessions;
    expect(first).toHaveLength(10_000);
    expect(first.every((e) => e.messages === 2 && e.title === "Many sessions")).toBe(true);
    // Mark every cached summary: a repeated listing that shows the mark read no file.
    const cacheDir = join(env.XDG_CACHE_HOME!, "ccshare");
    const cacheFile = join(cacheDir, readdirSync(cacheDir).find((f) => f.startsWith("catalog-"))!);
    writeFileSync(cacheFile, readFileSync(cacheFile, "utf8").replaceAll('"title":"Many sessions"', '"title":"From the cache"'));
    const again = (await listSessions({ env })).sessions;
    expect(again).toHaveLength(10_000);
    expect(again.every((e) => e.title === "From the cache")).toBe(true);
  });

  test("a file that grows between listings is read again", async () => {
    const { configDir, env } = tempHome();
    const s = writeSession(configDir, { era: "2.1", cwd });
    expect(((await listSessions({ env })).sessions)[0]!.messages).toBe(s.messages);
    const path = join(configDir, "projects", s.folder, s.files[0]!);
    const t = new Transcript({ era: "2.1", sessionId: s.id, cwd, branch: "later", start: new Date() });
    t.prompt("One more");
    appendFileSync(path, t.text());
    expect(((await listSessions({ env })).sessions)[0]).toMatchObject({ messages: s.messages + 1, branch: "later" });
    expect(readFileSync(path, "utf8")).toContain("One more");
  });
});
