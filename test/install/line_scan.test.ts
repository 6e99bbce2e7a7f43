// The installer's byte-level line edit (line_scan.ts + lineEditor) must give
// exactly the edits of the slow JSON.parse reference (test/support/reference_editor.ts) on every line
// it can meet (SESSIONS-FORMAT.md install step 4; "Quirks": torn last lines,
// invalid UTF-8, Windows paths, huge first lines).
import { describe, expect, test } from "bun:test";
import { cwdRewrite } from "../../src/install/cwd_rewrite.ts";
import { lineEditor, type LineEdit, type Splice } from "../../src/install/line_edit.ts";
import { editLine, parseLine } from "../support/reference_editor.ts";
import { keySet, scanTopLevel } from "../../src/install/line_scan.ts";
import { Transcript } from "../fixtures/lines.ts";

const encoder = new TextEncoder();
const bytes = (text: string) => encoder.encode(text);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

const move: LineEdit = { cwd: cwdRewrite("/x/foo", "/home/me/proj") };
const moveAndRename: LineEdit = { cwd: move.cwd, sessionId: { from: "old-id", to: "new-id" } };

function applied(line: Uint8Array, splices: Splice[] | undefined): Uint8Array {
  if (!splices) return line;
  const parts: Uint8Array[] = [];
  let at = 0;
  for (const s of splices) {
    parts.push(line.subarray(at, s.start), s.bytes);
    at = s.end;
  }
  parts.push(line.subarray(at));
  return new Uint8Array(Buffer.concat(parts));
}

/** The line as the installer writes it. */
function fast(line: Uint8Array, edit: LineEdit = move): Uint8Array {
  return applied(line, lineEditor(edit)(line));
}

/** The line as the JSON.parse path writes it. */
function exact(line: Uint8Array, edit: LineEdit = move): Uint8Array {
  const parsed = parseLine(line);
  const edited = parsed && editLine(parsed, edit);
  return edited === undefined ? line : bytes(edited);
}

function expectSameAsExact(line: Uint8Array, edit: LineEdit = move): void {
  expect([text(line), Buffer.from(fast(line, edit)).toString("hex")]).toEqual([text(line), Buffer.from(exact(line, edit)).toString("hex")]);
}

describe("the byte-level line edit", () => {
  test("rewrites the top-level cwd and keeps every other byte", () => {
    const line = `{"a":1.0,"b":-0e+1,"s":"caf\\u00e9 \\/ \\"q\\"" , "cwd" : "/x/foo/sub","z":[1, {"k":null}],"t":true}`;
    expect(text(fast(bytes(line)))).toBe(`{"a":1.0,"b":-0e+1,"s":"caf\\u00e9 \\/ \\"q\\"" , "cwd" : "/home/me/proj/sub","z":[1, {"k":null}],"t":true}`);
  });

  test("does not rewrite a nested cwd inside a tool input, although its bytes match the pattern", () => {
    const nestedOnly = JSON.stringify({ type: "assistant", message: { content: [{ type: "tool_use", input: { cwd: "/x/foo", command: "ls" } }] }, cwd: "/elsewhere" });
    expect(nestedOnly).toContain(`"cwd":"/x/foo"`);
    expect(lineEditor(move)(bytes(nestedOnly))).toBeUndefined();
    const both = JSON.stringify({ message: { content: [{ type: "tool_use", input: { cwd: "/x/foo" } }] }, toolUseResult: { cwd: "/x/foo/a" }, cwd: "/x/foo" });
    const out = JSON.parse(text(fast(bytes(both))));
    expect([out.cwd, out.message.content[0].input.cwd, out.toolUseResult.cwd]).toEqual(["/home/me/proj", "/x/foo", "/x/foo/a"]);
  });

  test("does not rewrite cwd-like text inside a string value", () => {
    const line = JSON.stringify({ type: "user", message: { content: `{"cwd":"/x/foo"} and "cwd":"/x/foo"` }, cwd: "/elsewhere" });
    expect(lineEditor(move)(bytes(line))).toBeUndefined();
  });

  test("decodes escaped characters in the recorded path before comparing, and writes the new one JSON-encoded", () => {
    expect(text(fast(bytes(`{"cwd":"\\/x\\/foo\\/sub"}`)))).toBe(`{"cwd":"/home/me/proj/sub"}`);
    expect(text(fast(bytes(`{"cwd":"/x/foo/it's \\"q\\" caf\\u00e9\\\\d"}`)))).toBe(`{"cwd":"/home/me/proj/it's \\"q\\" café\\\\d"}`);
    expect(text(fast(bytes(`{"cwd":"/x/foo-docker"}`)))).toBe(`{"cwd":"/x/foo-docker"}`);
    expect(text(fast(bytes(`{"\\u0063wd":"/x/foo"}`)))).toBe(`{"\\u0063wd":"/home/me/proj"}`);
  });

  test("rewrites a Windows source path with escaped backslashes", () => {
    const win: LineEdit = { cwd: cwdRewrite("C:\\Users\\Bob\\My Proj", "/home/me/proj") };
    const line = JSON.stringify({ type: "user", cwd: "C:\\Users\\Bob\\My Proj\\src", message: { content: "C:\\Users\\Bob\\My Proj" } });
    expect(line).toContain(`"cwd":"C:\\\\Users\\\\Bob`);
    const out = JSON.parse(text(fast(bytes(line), win)));
    expect([out.cwd, out.message.content]).toEqual(["/home/me/proj/src", "C:\\Users\\Bob\\My Proj"]);
  });

  test("leaves a torn line alone, wherever it was cut", () => {
    const line = JSON.stringify({ parentUuid: null, cwd: "/x/foo", message: { content: [{ type: "text", text: 'a "quoted" \\ line\n' }] }, n: -1.5e3, ok: true });
    for (let cut = 1; cut < line.length; cut++) {
      expect(lineEditor(move)(bytes(line.slice(0, cut)))).toBeUndefined();
    }
  });

  test("leaves lines that are not valid UTF-8 byte for byte, even with a top-level cwd", () => {
    for (const bad of [[0xff], [0xc3, 0x28], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82]]) {
      const line = new Uint8Array([...bytes(`{"t":"`), ...bad, ...bytes(`","cwd":"/x/foo"}`)]);
      expect(lineEditor(move)(line)).toBeUndefined();
      expectSameAsExact(line);
    }
  });

  test("renames the session id only at top level and only where it is the old id", () => {
    const line = bytes(`{"sessionId":"old-id","toolUseResult":{"sessionId":"old-id"},"cwd":"/x/foo"}`);
    expect(text(fast(line, moveAndRename))).toBe(`{"sessionId":"new-id","toolUseResult":{"sessionId":"old-id"},"cwd":"/home/me/proj"}`);
    expect(lineEditor(moveAndRename)(bytes(`{"sessionId":"parent-id"}`))).toBeUndefined();
  });

  test("rewrites a cwd that follows a 5 MB tool result on the same line", () => {
    const output = "line of output with \"quotes\", \\ and \t tabs\n".repeat(120_000);
    const line = bytes(JSON.stringify({ type: "user", message: { content: [{ type: "tool_result", content: output, input: { cwd: "/x/foo" } }] }, cwd: "/x/foo/api" }));
    expect(line.length).toBeGreaterThan(5_000_000);
    const splices = lineEditor(move)(line)!;
    expect(splices.map((s) => text(s.bytes))).toEqual([`"/home/me/proj/api"`]);
    expect(text(line.subarray(splices[0]!.start, splices[0]!.end))).toBe(`"/x/foo/api"`);
  });
});

describe("the byte-level line edit against the JSON.parse path", () => {
  const samples: string[] = [
    `{}`,
    ` { "cwd" : "/x/foo" } `,
    `{"cwd":"/x/foo","cwd":"/elsewhere"}`,
    `{"cwd":"/elsewhere","cwd":"/x/foo"}`,
    `{"cwd":"/x/foo/a","cwd":{"nested":1}}`,
    `{"cwd":{"nested":1},"cwd":"/x/foo/a"}`,
    `{"cwd":null}`,
    `{"cwd":["/x/foo"]}`,
    `{"cwd":42,"relocatedCwd":"/x/foo/r"}`,
    `{"type":"relocated","relocatedCwd":"/x/foo/new","sessionId":"old-id"}`,
    `{"c\\u0077d":"/x/foo","\\u0073essionId":"old-id"}`,
    `{"cwd":"/x/foo","x":"\\ud800 lone surrogate","y":"\u007f del"}`,
    `{"cwd":"/x/foo","n":[0,-0,1.5,1e10,1E-2,-1.25e+3,0.0]}`,
    `{"cwd":"/x/foo","e":[],"o":{},"a":[[[{}]]],"l":[true,false,null]}`,
    `{"cwd":"/x/foo","é":"😀 ünïcödé"}`,
    `{"s":"ends in an escaped backslash \\\\","cwd":"/x/foo","t":"\\\""}`,
    `{"cwd":"/x/foo"}\r`,
    `{"cwd":"/x/foo",\t"a":1}`,
    `\t{\r\n"cwd"\t:\r"/x/foo"\n}\t`,
    `\u{feff}{"cwd":"/x/foo"}`,
    `[{"cwd":"/x/foo"}]`,
    `"cwd"`,
    `42`,
    ``,
    `   `,
  ];
  const invalid: string[] = [
    `{"cwd":"/x/foo",}`,
    `{"cwd":"/x/foo"} x`,
    `{"cwd":"/x/foo"}{}`,
    `{"cwd":"/x/foo","n":01}`,
    `{"cwd":"/x/foo","n":1.}`,
    `{"cwd":"/x/foo","n":.5}`,
    `{"cwd":"/x/foo","n":+1}`,
    `{"cwd":"/x/foo","n":1e}`,
    `{"cwd":"/x/foo","n":-}`,
    `{"cwd":"/x/foo","n":NaN}`,
    `{"cwd":"/x/foo","l":tru}`,
    `{"cwd":"/x/foo","l":True}`,
    `{"cwd":"/x/foo","s":"bad \\x escape"}`,
    `{"cwd":"/x/foo","s":"short \\u12 escape"}`,
    `{"cwd":"/x/foo","s":"bad \\u12G4 escape"}`,
    `{"cwd":"/x/foo","s":"a raw\ttab"}`,
    `{"cwd":"/x/foo","s":"a raw\u0001byte"}`,
    `{"cwd":"/x/foo","s":"ends in a backslash\\`,
    `{"cwd":"/x/foo","a":[1,]}`,
    `{"cwd":"/x/foo","a":[1}`,
    `{"cwd":"/x/foo","o":{]}`,
    `{"cwd":"/x/foo","a":[}}`,
    `{"cwd":"/x/foo","o":{"k"}}`,
    `{"cwd":"/x/foo","o":{1:2}}`,
    `{"cwd":"/x/foo",\u000b"a":1}`,
    `{"cwd":"/x/foo",\f"a":1}`,
    `{"cwd":"/x/foo",\u00a0"a":1}`,
    `{"cwd" "/x/foo"}`,
    `{'cwd':'/x/foo'}`,
    `{"cwd":"/x/foo"`,
  ];

  test("gives the same bytes on valid lines of every JSON shape", () => {
    for (const line of samples) {
      expectSameAsExact(bytes(line));
      expectSameAsExact(bytes(line), moveAndRename);
    }
  });

  test("vouches itself for every valid object line (there is no other path)", () => {
    const keys = keySet(["cwd", "relocatedCwd", "sessionId"]);
    for (const line of samples.filter((l) => /^ *\{/.test(l))) {
      expect([line, scanTopLevel(bytes(line), keys) !== undefined]).toEqual([line, true]);
    }
  });

  test("gives the same bytes (none changed) on lines JSON.parse refuses", () => {
    for (const line of invalid) {
      expect([line, parseLine(bytes(line))]).toEqual([line, undefined]);
      expect([line, lineEditor(move)(bytes(line))]).toEqual([line, undefined]);
    }
  });

  test("keeps a line nested deeper than it scans byte for byte (Claude Code's lines nest a few levels)", () => {
    const deep = `{"cwd":"/x/foo","d":${"[".repeat(300)}${"]".repeat(300)}}`;
    expect(scanTopLevel(bytes(deep), keySet(["cwd"]))).toBeUndefined();
    expect(text(fast(bytes(deep)))).toBe(deep);
    // 256 levels are still followed and edited.
    const nested = `{"cwd":"/x/foo","d":${"[".repeat(254)}${"]".repeat(254)}}`;
    expect(text(fast(bytes(nested)))).toBe(nested.replace("/x/foo", "/home/me/proj"));
  });

  test("gives the same bytes on thousands of mutated transcript lines", () => {
    const t = new Transcript({ era: "2.1", sessionId: "old-id", cwd: "/x/foo", branch: "main", start: new Date("2026-07-01T00:00:00Z") });
    t.prompt('Fix "the" parser\\ please\n\tnow 😀');
    t.tool("Bash", { command: "ls", cwd: "/x/foo/sub" }, 'out "put" \\ here\n\u001b[0m');
    t.reply("Done. C:\\path\\to é");
    t.meta("relocated", { relocatedCwd: "/x/foo/moved" });
    const lines = t.lines.map(bytes);
    // A deterministic generator: each case is reproducible from its number.
    let seed = 12345;
    const random = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const pick = [0x22, 0x5c, 0x7b, 0x7d, 0x5b, 0x5d, 0x2c, 0x3a, 0x20, 0x09, 0x30, 0x2d, 0x65, 0x75, 0x01, 0x80, 0xc3, 0xff];
    const keys = keySet(["cwd", "relocatedCwd", "sessionId"]);
    let vouched = 0;
    for (let n = 0; n < 4000; n++) {
      const line = [...lines[random(lines.length)]!];
      for (let k = 1 + random(3); k > 0; k--) {
        const at = random(line.length);
        const what = random(3);
        const byte = random(2) ? pick[random(pick.length)]! : random(256);
        if (what === 0) line[at] = byte;
        else if (what === 1) line.splice(at, 0, byte);
        else line.splice(at, 1);
      }
      expectSameAsExact(new Uint8Array(line), n % 2 ? move : moveAndRename);
      if (scanTopLevel(new Uint8Array(line), keys)) vouched++;
    }
    // Both paths are exercised: the byte scanner takes the mutations that stay valid JSON.
    expect(vouched).toBeGreaterThan(400);
    expect(vouched).toBeLessThan(3600);
  });
});
