import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { CUT_HEAD, CUT_TAIL, forEachLine, linesOf, MAX_LINE } from "../../src/catalog/line_reader.ts";
import { tempHome } from "./_env.ts";

// Large files and child processes: generous on a loaded machine (bunfig's timeout is not applied).
setDefaultTimeout(60_000);


function file(content: string): string {
  const path = join(tempHome().home, "lines.jsonl");
  writeFileSync(path, content);
  return path;
}

function read(path: string): { text: string; cut: boolean; unterminated: boolean }[] {
  const out: { text: string; cut: boolean; unterminated: boolean }[] = [];
  forEachLine(path, (l) => void out.push({ text: l.buf.toString("latin1", l.start, l.end), cut: l.cut, unterminated: l.unterminated }));
  return out;
}

describe("reading a file line by line", () => {
  test("gives every non-empty line, across chunk boundaries, without its newline or carriage return", () => {
    // Sizes around the 1 MiB chunk and its doublings.
    const lines = [10, (1 << 20) - 3, 1, (1 << 20) + 5, 0, 3 << 20, 7].map((n, i) => String.fromCharCode(97 + i).repeat(n));
    const got = read(file(lines.map((l, i) => l + (i === 2 ? "\r\n" : "\n")).join("")));
    expect(got.map((l) => l.text.length)).toEqual(lines.filter((l) => l.length > 0).map((l) => l.length));
    expect(got.map((l) => l.text[0])).toEqual(["a", "b", "c", "d", "f", "g"]);
    expect(got.every((l) => !l.cut && !l.unterminated)).toBe(true);
  });

  test("marks a last line without a newline as unterminated", () => {
    expect(read(file("one\ntwo"))).toEqual([
      { text: "one", cut: false, unterminated: false },
      { text: "two", cut: false, unterminated: true },
    ]);
  });

  test("hands a line longer than MAX_LINE over as its head and tail only, then goes on", () => {
    const huge = `HEAD${"x".repeat(MAX_LINE + 1000)}TAIL`;
    const got = read(file(`first\n${huge}\nlast\n`));
    expect(got.map((l) => [l.text.length, l.cut])).toEqual([[5, false], [CUT_HEAD + CUT_TAIL, true], [4, false]]);
    expect(got[1]!.text.startsWith("HEAD")).toBe(true);
    expect(got[1]!.text.endsWith("TAIL")).toBe(true);
    const atEnd = read(file(`first\n${huge}`));
    expect(atEnd.map((l) => [l.text.length, l.cut, l.unterminated])).toEqual([[5, false, false], [CUT_HEAD + CUT_TAIL, true, true]]);
  });

  test("stops when asked, and closes the file", () => {
    const path = file("a\nb\nc\n");
    const seen: string[] = [];
    forEachLine(path, (l) => (seen.push(l.buf.toString("latin1", l.start, l.end)), false));
    expect(seen).toEqual(["a"]);
    const lines = linesOf(path);
    expect(lines.next().done).toBe(false);
    expect(lines.return(undefined).done).toBe(true);
  });

  test("an empty file has no lines", () => {
    expect(read(file(""))).toEqual([]);
    expect(read(file("\n\n\r\n"))).toEqual([]);
  });

  test("tells where each line starts in the file, and reads on from such a place", () => {
    const huge = `H${"x".repeat(MAX_LINE + 10)}T`;
    const lines = ["one", "b".repeat((1 << 20) + 7), "", huge, "three\r", "four"];
    const content = lines.join("\n");
    const path = file(content);
    const starts: number[] = [];
    for (let i = 0, at = 0; i < lines.length; at += lines[i]!.length + 1, i++) if (lines[i]) starts.push(at);
    const offsets: number[] = [];
    for (const l of linesOf(path)) offsets.push(l.offset); // the Line object is reused
    expect(offsets).toEqual(starts);
    const from = starts[2]!;
    const rest: string[] = [];
    for (const l of linesOf(path, { from })) rest.push(`${l.offset}:${l.cut}:${l.buf.toString("latin1", l.start, Math.min(l.end, l.start + 5))}`);
    expect(rest).toEqual([`${starts[2]}:true:Hxxxx`, `${starts[3]}:false:three`, `${starts[4]}:false:four`]);
  });
});
