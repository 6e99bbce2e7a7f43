// Copying a staged file with the line edits (SESSIONS-FORMAT.md "Lines": files of
// hundreds of MB, lines of several MB, a last line that may lack its newline or
// be torn): every byte the edits do not touch is copied as it was, whatever the
// read blocks and line lengths.
import { describe, expect, test } from "bun:test";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { join } from "node:path";
import { cwdRewrite } from "../../src/install/cwd_rewrite.ts";
import { copyFile } from "../../src/install/file_copy.ts";
import { lineBlocks } from "../../src/install/line_blocks.ts";
import { editLine, lineEditor, parseLine, type LineEdit } from "../../src/install/line_edit.ts";
import { tempDir } from "./_stage.ts";

const MB = 1 << 20;
const edit: LineEdit = { cwd: cwdRewrite("/x/foo", "/home/me/proj") };
const encoder = new TextEncoder();

/** What the file must become: each line through the JSON.parse path, terminators as they were. */
function expected(content: Uint8Array): Buffer {
  const out: Uint8Array[] = [];
  let start = 0;
  for (;;) {
    const newline = content.indexOf(0x0a, start);
    const line = content.subarray(start, newline < 0 ? content.length : newline);
    const parsed = parseLine(line);
    const edited = parsed && editLine(parsed, edit);
    out.push(edited === undefined ? line : encoder.encode(edited));
    if (newline < 0) break;
    out.push(new Uint8Array([0x0a]));
    start = newline + 1;
  }
  return Buffer.concat(out);
}

async function copied(content: Uint8Array, filter = true): Promise<{ out: Buffer; written: number }> {
  const dir = tempDir("ccshare-copy-");
  writeFileSync(join(dir, "in.jsonl"), content);
  const written = await copyFile({ from: join(dir, "in.jsonl"), to: join(dir, "out.jsonl"), shownAs: "in.jsonl", mtime: new Date(), filter: filter ? lineEditor(edit) : undefined });
  expect(statSync(join(dir, "out.jsonl")).size).toBe(written);
  return { out: readFileSync(join(dir, "out.jsonl")), written };
}

const line = (cwd: string, output = "ok") => JSON.stringify({ type: "user", message: { content: [{ type: "tool_result", content: output, input: { cwd: "/x/foo" } }] }, cwd });

describe("copyFile with the line edits", () => {
  test("rewrites lines of every length across the 1 MiB read blocks, a 5 MB line included", async () => {
    const lines: string[] = [];
    for (let n = 0; n < 300; n++) lines.push(line(n % 3 ? "/x/foo/sub" : "/x/other", "out \"q\" \\ ".repeat((n * 7919) % 3000)));
    lines.splice(150, 0, line("/x/foo", "a 5 MB tool result\n".repeat(280_000)));
    lines.splice(40, 0, "", line("/x/foo", "x".repeat(MB - 200)));
    const content = encoder.encode(lines.join("\n") + "\n");
    expect(content.length).toBeGreaterThan(5 * MB);
    const { out } = await copied(content);
    expect(out.equals(expected(content))).toBe(true);
    expect(out.toString().split("\n").filter((l) => l.includes(`"cwd":"/home/me/proj/sub"}`)).length).toBe(200);
  });

  test("keeps a last line without a newline, and leaves a torn one as it was", async () => {
    const whole = encoder.encode(`${line("/x/foo")}\n${line("/x/foo/a")}`);
    expect((await copied(whole)).out.toString()).toBe(`${line("/home/me/proj")}\n${line("/home/me/proj/a")}`);
    const torn = encoder.encode(`${line("/x/foo")}\n${line("/x/foo/a").slice(0, 60)}`);
    expect((await copied(torn)).out.equals(expected(torn))).toBe(true);
    expect((await copied(torn)).out.toString().endsWith(line("/x/foo/a").slice(0, 60))).toBe(true);
  });

  test("keeps CRLF line ends, empty lines, invalid UTF-8 lines and an empty file", async () => {
    const content = Buffer.concat([encoder.encode(`${line("/x/foo")}\r\n\n\n`), Buffer.from([0x7b, 0xff, 0x7d, 0x0a]), encoder.encode(`${line("/x/foo/b")}\r\n`)]);
    const { out } = await copied(content);
    expect(out.equals(expected(content))).toBe(true);
    expect(out.toString("latin1")).toContain(`"cwd":"/home/me/proj/b"}\r\n`);
    expect((await copied(new Uint8Array(0))).written).toBe(0);
  });

  test("copies a file that is not JSONL byte for byte, in 1 MiB blocks and beyond", async () => {
    const content = new Uint8Array(3 * MB + 12345).map((_, i) => (i * 31) & 0xff);
    const { out, written } = await copied(content, false);
    expect(written).toBe(content.length);
    expect(out.equals(content)).toBe(true);
  });
});

describe("lineBlocks", () => {
  test("hands over whole lines only, in the file's order, the longest line in one piece", async () => {
    const lines = ["a", "b".repeat(3 * MB), "", "c".repeat(MB - 1), "d".repeat(MB), "e".repeat(12), "tail without newline"];
    const dir = tempDir("ccshare-blocks-");
    writeFileSync(join(dir, "f"), lines.join("\n"));
    const handle = await open(join(dir, "f"), "r");
    const seen: string[] = [];
    try {
      for await (const block of lineBlocks(handle)) seen.push(...Buffer.from(block).toString().split("\n").slice(0, block.at(-1) === 0x0a ? -1 : undefined));
    } finally {
      await handle.close();
    }
    expect(seen.map((l) => l.length)).toEqual(lines.map((l) => l.length));
    expect(seen).toEqual(lines);
  });
});
