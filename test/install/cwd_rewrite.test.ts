// The cwd rewrite (SESSIONS-FORMAT.md install step 4) and the byte-preserving
// line edit it is applied with.
import { describe, expect, test } from "bun:test";
import { cwdRewrite } from "../../src/install/cwd_rewrite.ts";
import type { LineEdit } from "../../src/install/line_edit.ts";
import { editLine, parseLine, topLevelValueSpans } from "../support/reference_editor.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

function edited(text: string, edit: LineEdit): string {
  const line = parseLine(bytes(text));
  return line ? (editLine(line, edit) ?? text) : text;
}

describe("cwdRewrite", () => {
  const move = cwdRewrite("/x/foo", "/home/me/proj");

  test("the project root itself moves to the target", () => {
    expect(move("/x/foo")).toBe("/home/me/proj");
  });

  test("a directory under the root keeps its place under the target", () => {
    expect(move("/x/foo/packages/api")).toBe("/home/me/proj/packages/api");
  });

  test("a sibling that merely starts with the same characters is not under the root", () => {
    expect(move("/x/foo-docker")).toBeUndefined();
    expect(move("/x/foobar/src")).toBeUndefined();
    expect(move("/x/fo")).toBeUndefined();
    expect(move("/x")).toBeUndefined();
  });

  test("a trailing slash on either side does not matter", () => {
    expect(cwdRewrite("/x/foo/", "/t/")("/x/foo/a")).toBe("/t/a");
    expect(move("/x/foo/")).toBe("/home/me/proj");
  });

  test("Windows source paths move to a POSIX target, with either slash and any drive-letter case", () => {
    const win = cwdRewrite("C:\\Users\\Bob\\My Proj", "/home/me/proj");
    expect(win("C:\\Users\\Bob\\My Proj")).toBe("/home/me/proj");
    expect(win("C:\\Users\\Bob\\My Proj\\src\\lib")).toBe("/home/me/proj/src/lib");
    expect(win("c:/Users/Bob/My Proj/src")).toBe("/home/me/proj/src");
    expect(win("C:\\Users\\Bob\\My Proj2")).toBeUndefined();
    expect(win("D:\\Users\\Bob\\My Proj")).toBeUndefined();
  });

  test("a POSIX source moves to a Windows target with backslashes", () => {
    expect(cwdRewrite("/x/foo", "C:\\Users\\Ann\\proj")("/x/foo/a/b")).toBe("C:\\Users\\Ann\\proj\\a\\b");
  });

  test("a decomposed (NFD) recorded cwd matches a composed root", () => {
    expect(cwdRewrite("/tmp/café", "/t")("/tmp/cafe\u0301/src")).toBe("/t/src");
  });

  test("the part under the root keeps its own Unicode form and letter case, and the target is not normalised", () => {
    expect(cwdRewrite("/tmp/café", "/t/cafe\u0301")("/tmp/cafe\u0301/Cafe\u0301-Sub")).toBe("/t/cafe\u0301/Cafe\u0301-Sub");
    expect(cwdRewrite("C:\\Users\\Bob\\Proj", "/t")("c:\\users\\bob\\proj\\Src\\Déjà")).toBe("/t/Src/Déjà");
  });
});

describe("editLine", () => {
  const edit: LineEdit = { cwd: cwdRewrite("/x/foo", "/home/me/proj") };

  test("only the top-level cwd value changes; every other byte of the line is kept", () => {
    const line = `{"a":1.0,"b":1e3,"s":"caf\\u00e9 \\/ \\"q\\"" , "cwd" : "/x/foo/sub","z":[1, 2]}`;
    expect(edited(line, edit)).toBe(`{"a":1.0,"b":1e3,"s":"caf\\u00e9 \\/ \\"q\\"" , "cwd" : "/home/me/proj/sub","z":[1, 2]}`);
  });

  test("a nested tool input cwd is not touched, even when it comes before the top-level one", () => {
    const line = JSON.stringify({ message: { content: [{ type: "tool_use", input: { cwd: "/x/foo", command: "ls" } }] }, toolUseResult: { cwd: "/x/foo" }, cwd: "/x/foo" });
    const out = JSON.parse(edited(line, edit));
    expect(out.cwd).toBe("/home/me/proj");
    expect(out.message.content[0].input.cwd).toBe("/x/foo");
    expect(out.toolUseResult.cwd).toBe("/x/foo");
  });

  test("text that looks like a cwd field inside a message is not touched", () => {
    const line = JSON.stringify({ type: "user", message: { content: `{"cwd":"/x/foo"} and "cwd":"/x/foo"` }, cwd: "/elsewhere" });
    expect(edited(line, edit)).toBe(line);
  });

  test("a cwd outside the source project is left alone", () => {
    const line = JSON.stringify({ type: "user", cwd: "/x/foo-docker" });
    expect(edited(line, edit)).toBe(line);
  });

  test("an escaped top-level key that JSON reads as cwd is rewritten", () => {
    expect(edited(`{"\\u0063wd":"/x/foo"}`, edit)).toBe(`{"\\u0063wd":"/home/me/proj"}`);
  });

  test("duplicate top-level cwd keys are all rewritten", () => {
    expect(edited(`{"cwd":"/x/foo/a","cwd":"/x/foo/b"}`, edit)).toBe(`{"cwd":"/home/me/proj/a","cwd":"/home/me/proj/b"}`);
  });

  test("a relocated line's relocatedCwd moves too", () => {
    const line = JSON.stringify({ type: "relocated", relocatedCwd: "/x/foo/new", sessionId: "s" });
    expect(JSON.parse(edited(line, edit)).relocatedCwd).toBe("/home/me/proj/new");
  });

  test("a Windows cwd with escaped backslashes is rewritten to the target", () => {
    const win: LineEdit = { cwd: cwdRewrite("C:\\Users\\Bob\\proj", "/home/me/proj") };
    const line = JSON.stringify({ type: "user", cwd: "C:\\Users\\Bob\\proj\\src", message: { content: "C:\\Users\\Bob\\proj" } });
    expect(line).toContain(`"cwd":"C:\\\\Users`);
    const out = JSON.parse(edited(line, win));
    expect(out.cwd).toBe("/home/me/proj/src");
    expect(out.message.content).toBe("C:\\Users\\Bob\\proj");
  });

  test("the session id is renamed only at top level and only where it equals the old id", () => {
    const rename: LineEdit = { cwd: () => undefined, sessionId: { from: "old", to: "new" } };
    expect(edited(`{"sessionId":"old","toolUseResult":{"sessionId":"old"}}`, rename)).toBe(`{"sessionId":"new","toolUseResult":{"sessionId":"old"}}`);
    // A forked session's opening lines carry the parent's id: they keep it.
    expect(edited(`{"sessionId":"parent"}`, rename)).toBe(`{"sessionId":"parent"}`);
  });

  test("torn, non-object and invalid UTF-8 lines are left unchanged", () => {
    expect(parseLine(bytes(`{"cwd":"/x/foo","message":{"content":"cut by a cra`))).toBeUndefined();
    expect(parseLine(bytes(`["cwd","/x/foo"]`))).toBeUndefined();
    expect(parseLine(bytes(`42`))).toBeUndefined();
    expect(parseLine(new Uint8Array([...bytes(`{"cwd":"/x/foo","t":"`), 0xff, 0xfe, ...bytes(`"}`)]))).toBeUndefined();
  });
});

describe("topLevelValueSpans", () => {
  test("finds values of every JSON type and skips nested objects whole", () => {
    const text = `{ "a" : {"cwd":"n"}, "cwd":"v", "b":[{"cwd":1}], "n":-1.5e+2, "t":true, "z":null }`;
    const spans = topLevelValueSpans(text, new Set(["cwd", "n", "t", "z"]))!;
    expect(spans.map((s) => [s.key, text.slice(s.start, s.end)])).toEqual([["cwd", `"v"`], ["n", "-1.5e+2"], ["t", "true"], ["z", "null"]]);
  });
});
