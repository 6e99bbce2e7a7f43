import { describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { transcriptEntries, toolSummary, type TranscriptEntry } from "../../src/catalog/transcript.ts";
import { Transcript, uuidFrom } from "../fixtures/lines.ts";
import { writeSession } from "../fixtures/store.ts";
import { tempHome } from "./_env.ts";


const cwd = "/home/alice/src/app";

function entriesOfFile(configDir: string, folder: string, file: string): TranscriptEntry[] {
  return [...transcriptEntries(join(configDir, "projects", folder, file))];
}

describe("a transcript as a person reads it", () => {
  test("has the prompts and answers in order, and tool calls with their results", () => {
    const { configDir } = tempHome();
    const s = writeSession(configDir, { era: "2.1", cwd, tools: 1 });
    const entries = entriesOfFile(configDir, s.folder, s.files[0]!);
    expect(entries.filter((e) => e.kind === "prompt" || e.kind === "answer").map((e) => e.text)).toEqual(s.texts);
    const tool = entries.find((e) => e.kind === "tool")!;
    expect(tool).toMatchObject({ tool: "Read", text: `${cwd}/src/parser-0.ts` });
    expect(entries[entries.indexOf(tool) + 1]).toMatchObject({ kind: "result", tool: "Read" });
  });

  test("leaves out meta lines and bookkeeping, and gives thinking its own kind", () => {
    const { configDir } = tempHome();
    const s = writeSession(configDir, { era: "2.1", cwd, slashCommand: "/init" });
    const entries = entriesOfFile(configDir, s.folder, s.files[0]!);
    expect(entries.filter((e) => e.text.includes("Let me think")).map((e) => e.kind)).toEqual(["thinking", "thinking"]);
    expect(entries.some((e) => e.text.includes("Caveat"))).toBe(false);
    expect(entries.find((e) => e.kind === "command")).toMatchObject({ text: "/init" });
  });

  test("marks a compaction", () => {
    const { configDir } = tempHome();
    const s = writeSession(configDir, { era: "2.1", cwd, compaction: true });
    const kinds = entriesOfFile(configDir, s.folder, s.files[0]!).map((e) => e.kind);
    expect(kinds).toContain("compact");
    expect(kinds).toContain("note");
  });

  test("marks 1.0.x inline subagent lines", () => {
    const { configDir } = tempHome();
    const s = writeSession(configDir, { era: "1.0", cwd, subagents: 1 });
    const side = entriesOfFile(configDir, s.folder, s.files[0]!).filter((e) => e.subagent);
    expect(side.map((e) => e.text)).toEqual([`Search the code ${s.id.slice(0, 8)}-0`, `Found it ${s.id.slice(0, 8)}-0`]);
  });

  test("strips terminal escape sequences from every text", () => {
    const { configDir } = tempHome();
    const id = uuidFrom("escapes");
    const t = new Transcript({ era: "2.1", sessionId: id, cwd, branch: "main", start: new Date() });
    t.prompt("Hello \x1b]52;c;ZXZpbA==\x07there \x1b[31mred\x1b[0m").reply("Bye \x1b]0;owned\x1b\\now");
    t.tool("Bash\x1b[2J", { command: "ls \x1b[1A" }, "out\x9b31mput");
    const dir = join(configDir, "projects", "-x");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${id}.jsonl`), t.text());
    const entries = [...transcriptEntries(join(dir, `${id}.jsonl`))];
    expect(entries.map((e) => [e.kind, e.text, e.tool ?? ""])).toEqual([
      ["prompt", "Hello there red", ""],
      ["answer", "Bye now", ""],
      ["tool", "ls ", "Bash"],
      ["result", "output", "Bash"],
    ]);
    expect(JSON.stringify(entries)).not.toContain("\\u001b");
  });

  test("skips a torn line", () => {
    const { configDir } = tempHome();
    const s = writeSession(configDir, { era: "2.1", cwd, tail: "torn" });
    const entries = entriesOfFile(configDir, s.folder, s.files[0]!);
    expect(entries.some((e) => e.text.includes("cut by a cra"))).toBe(false);
    expect(entries.filter((e) => e.kind === "prompt").length).toBe(2);
  });

  test("a tool call is summarised by its key argument", () => {
    expect(toolSummary("Bash", { command: "npm test", description: "Run tests" })).toBe("npm test");
    expect(toolSummary("Task", { description: "Find callers", prompt: "..." })).toBe("Find callers");
    expect(toolSummary("TodoWrite", { todos: [{}, {}] })).toBe("2 todos");
    expect(toolSummary("mcp__x__y", { n: 1, query: "q" })).toBe("q");
    expect(toolSummary("Nothing", null)).toBe("");
  });
});
