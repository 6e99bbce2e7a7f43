import { describe, expect, test } from "bun:test";
import { listSessions } from "../../src/catalog/catalog.ts";
import { flattenPrompt, pickPrompt } from "../../src/catalog/first_prompt.ts";
import { writeSession, type TitleSource } from "../fixtures/store.ts";
import { tempHome } from "./_env.ts";


describe("the title", () => {
  const sources: TitleSource[] = ["custom-title", "ai-title", "last-prompt", "summary", "first-prompt"];
  for (const source of sources) {
    test(`comes from ${source} when that is the best source present (lower ones present too)`, async () => {
      const { configDir, env } = tempHome();
      const s = writeSession(configDir, { era: "2.1", cwd: "/home/alice/src/app", title: source });
      const [entry] = (await listSessions({ env })).sessions;
      expect(entry!.title).toBe(s.title);
      if (source === "first-prompt") expect(entry!.title).toBe(entry!.firstPrompt);
      else expect(entry!.title).not.toBe(entry!.firstPrompt);
    });
  }

  test("the last custom title wins over an earlier one", async () => {
    const { configDir, env } = tempHome();
    const s = writeSession(configDir, { era: "2.1", cwd: "/home/alice/src/app", title: "custom-title" });
    expect(((await listSessions({ env })).sessions)[0]!.title).toBe(`Custom title ${s.id.slice(0, 8)} ✨`);
  });
});

describe("the first prompt", () => {
  test("is a string content, whitespace flattened and trimmed", () => {
    expect(pickPrompt("  Fix\n\nthe   parser\t now ").prompt).toBe("Fix the parser now");
  });

  test("is the first text block of block content", () => {
    expect(pickPrompt([{ type: "image", source: {} }, { type: "text", text: "Look at this" }]).prompt).toBe("Look at this");
  });

  test("skips Claude Code's own tags but remembers a command name as a fallback", () => {
    expect(pickPrompt("<command-name>/init</command-name>\n<command-message>init</command-message>")).toEqual({ prompt: "", command: "/init" });
    expect(pickPrompt("<local-command-stdout>done</local-command-stdout>")).toEqual({ prompt: "", command: "" });
    expect(pickPrompt([{ type: "text", text: "<command-name>/x</command-name>" }, { type: "text", text: "Then this" }])).toEqual({ prompt: "Then this", command: "/x" });
  });

  test("skips an interruption marker", () => {
    expect(pickPrompt([{ type: "text", text: "[Request interrupted by user for tool use]" }]).prompt).toBe("");
  });

  test("is cut at 200 characters, never inside a surrogate pair", () => {
    expect(flattenPrompt("a".repeat(300))).toHaveLength(200);
    const emoji = `${"a".repeat(199)}😀tail`;
    expect(flattenPrompt(emoji)).toBe("a".repeat(199));
  });

  test("of a store session falls back to the slash command when no prompt was typed", async () => {
    const { configDir, env } = tempHome();
    writeSession(configDir, { era: "2.1", cwd: "/home/alice/src/cli", title: "first-prompt", slashCommand: "/cost", prompts: [] });
    expect(((await listSessions({ env })).sessions)[0]).toMatchObject({ firstPrompt: "/cost", title: "/cost" });
  });

  test("after a slash command is the first typed prompt, and the command's lines count as messages", async () => {
    const { configDir, env } = tempHome();
    const s = writeSession(configDir, { era: "2.0", cwd: "/home/alice/src/cli", title: "first-prompt", slashCommand: "/init", prompts: ["Typed after init"] });
    expect(((await listSessions({ env })).sessions)[0]).toMatchObject({ firstPrompt: "Typed after init", messages: s.messages });
    expect(s.messages).toBe(4);
  });

  test("is never a compaction summary, and a compaction summary is not a message", async () => {
    const { configDir, env } = tempHome();
    const s = writeSession(configDir, { era: "2.1", cwd: "/home/alice/src/app", title: "first-prompt", compaction: true, prompts: ["Before compaction", "After compaction"] });
    expect(((await listSessions({ env })).sessions)[0]).toMatchObject({ firstPrompt: "Before compaction", messages: 4 });
    expect(s.messages).toBe(4);
  });
});
