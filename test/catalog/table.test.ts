// The list table (src/ui/table.ts) and how show prints entries (src/ui/transcript_view.ts).
import { describe, expect, test } from "bun:test";
import { displayWidth, renderTable, truncate } from "../../src/ui/table.ts";
import type { TranscriptEntry } from "../../src/catalog/transcript.ts";
import { shortResult, TranscriptView } from "../../src/ui/transcript_view.ts";

describe("the table", () => {
  const columns = [{ header: "TITLE", shrink: true, min: 8 }, { header: "N", align: "right" as const }];

  test("aligns columns two spaces apart, numbers to the right", () => {
    expect(renderTable(columns, [["Fix parser", "12"], ["Go", "3"]])).toBe("TITLE        N\nFix parser  12\nGo           3\n");
  });

  test("shrinks a column with an ellipsis to fit the width", () => {
    const lines = renderTable(columns, [["A very long title that will not fit", "1"]], { width: 20 }).split("\n");
    expect(lines[1]).toBe("A very long titl…  1");
    expect(Math.max(...lines.map(displayWidth))).toBeLessThanOrEqual(20);
  });

  test("levels the widest shrinkable columns first, and cuts paths from the start", () => {
    const cols = [{ header: "TITLE", shrink: true, min: 5 }, { header: "PROJECT", shrink: true, min: 5, keepEnd: true }];
    const lines = renderTable(cols, [["Short title", "/home/alice/src/a-very-long-project-name"]], { width: 30 }).split("\n");
    expect(lines[1]).toBe("Short title  …ong-project-name");
    expect(displayWidth(lines[1]!)).toBe(30);
  });

  test("flattens cells to one line and strips escapes from them", () => {
    expect(renderTable(columns, [["evil\x1b]0;x\x07\nnext line", "1"]])).toContain("evil next line  1");
  });

  test("counts wide characters as two cells", () => {
    expect(displayWidth("日本😀a")).toBe(7);
    expect(truncate("日本語のタイトル", 7)).toBe("日本語…");
  });
});

describe("printing a transcript", () => {
  test("cuts a tool result to three lines and says how many were left out", () => {
    expect(shortResult("1\n2\n3\n4\n5")).toBe("1\n2\n3\n… (2 more lines)");
  });

  test("marks subagent work with a header and a bar, and uses no colour when told not to", () => {
    const view = new TranscriptView({ color: false });
    const show = (entry: TranscriptEntry) => view.render({ kind: "item", item: { entry }, depth: 0 });
    const text = show({ kind: "prompt", text: "Main" }) + show({ kind: "answer", text: "Sub answer", subagent: "a1b2" }) + show({ kind: "answer", text: "Back" }) + view.end();
    expect(text).toBe("\n> Main\n\n┌ subagent a1b2\n│ Sub answer\n\n└ back to the main conversation\n\nBack\n");
    expect(text).not.toContain("\x1b");
  });

  test("puts each tool call on one line", () => {
    const view = new TranscriptView({ color: true, width: 40 });
    const line = view.render({ kind: "item", item: { entry: { kind: "tool", tool: "Bash", text: "echo one\necho two" } }, depth: 0 });
    expect(line.split("\n")).toHaveLength(2);
    expect(line).toContain("\x1b[36m");
    expect(line).toContain("→ Bash echo one echo two");
  });
});
