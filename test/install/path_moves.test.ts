// Paths into the sharer's project folder inside transcript text (the saved tool
// output, toolUseResult.persistedOutputPath, a compaction summary) move to the
// receiver's; a line holding a thinking block is never changed there, because
// the API checks its signature over the exact text (SESSIONS-FORMAT.md).
import { describe, expect, test } from "bun:test";
import { cwdRewrite } from "../../src/install/cwd_rewrite.ts";
import { lineEditor, type Splice } from "../../src/install/line_edit.ts";

const from = "/Users/alice/.claude/projects/-Users-alice-src-app/";
const to = "/home/bob/.claude/projects/-home-bob-app/";
const edit = lineEditor({ cwd: cwdRewrite("/Users/alice/src/app", "/home/bob/app"), paths: [{ from, to }] });

function applied(line: string): string {
  const bytes = new TextEncoder().encode(line);
  const splices: Splice[] = edit(bytes) ?? [];
  let out = "";
  let at = 0;
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  for (const s of splices) {
    out += decode(bytes.subarray(at, s.start)) + decode(s.bytes);
    at = s.end;
  }
  return out + decode(bytes.subarray(at));
}

describe("paths into the sharer's project folder", () => {
  test("move in a tool result and in toolUseResult.persistedOutputPath, with the cwd", () => {
    const line = JSON.stringify({
      type: "user",
      cwd: "/Users/alice/src/app",
      message: { content: [{ type: "tool_result", content: `Output too large. Full output saved to: ${from}3f2a/tool-results/x.txt` }] },
      toolUseResult: { persistedOutputPath: `${from}3f2a/tool-results/x.txt` },
    });
    expect(JSON.parse(applied(line))).toEqual({
      type: "user",
      cwd: "/home/bob/app",
      message: { content: [{ type: "tool_result", content: `Output too large. Full output saved to: ${to}3f2a/tool-results/x.txt` }] },
      toolUseResult: { persistedOutputPath: `${to}3f2a/tool-results/x.txt` },
    });
  });

  test("move in a compaction summary's pointer to the transcript", () => {
    const line = JSON.stringify({ type: "user", isCompactSummary: true, message: { content: `read the full transcript at: ${from}3f2a.jsonl` } });
    expect(applied(line)).toContain(`read the full transcript at: ${to}3f2a.jsonl`);
  });

  test("stay as they are on a line holding a thinking block, though its cwd moves", () => {
    const line = JSON.stringify({ type: "assistant", cwd: "/Users/alice/src/app", message: { content: [{ type: "thinking", thinking: `look at ${from}3f2a/tool-results/x.txt`, signature: "sig" }] } });
    const out = JSON.parse(applied(line));
    expect(out.message.content[0].thinking).toBe(`look at ${from}3f2a/tool-results/x.txt`);
    expect(out.cwd).toBe("/home/bob/app");
  });

  test("stay as they are on a torn line", () => {
    const torn = `{"type":"user","message":{"content":"saved to: ${from}x.txt"`;
    expect(applied(torn)).toBe(torn);
  });

  test("a folder that only begins like the sharer's is not moved", () => {
    const line = JSON.stringify({ type: "user", message: { content: `${from.slice(0, -1)}-other/x.txt` } });
    expect(applied(line)).toBe(line);
  });
});
