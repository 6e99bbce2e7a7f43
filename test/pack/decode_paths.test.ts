// Hostile paths (PROTOCOL.md §4): each attack ends in UnsafePathError and
// leaves nothing behind, even though a valid transcript was already written.
import { afterAll, describe, expect, test } from "bun:test";
import { UnsafePathError } from "../../src/errors.ts";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DONE, failureOf, fileStream, leftNothing, OTHER_SESSION, sandbox, SESSION, text, TRANSCRIPT, unpack, validStart, removeSandboxes } from "./_streams.ts";

afterAll(removeSandboxes);

/** `why`: the reason the message must give, so that each test pins its own check. */
async function expectRefusedPath(path: string, why: RegExp, session = SESSION): Promise<void> {
  const box = sandbox({ wanted: [SESSION, OTHER_SESSION] });
  const error = await failureOf(box, [...validStart(), ...fileStream(path, text("pwned\n"), session)]);
  expect(error).toBeInstanceOf(UnsafePathError);
  expect((error as Error).message).toMatch(why);
  expect(leftNothing(box)).toBe(true);
}

describe("a sharer cannot write outside the staging dir", () => {
  test("a path climbing out with .. is refused", () => expectRefusedPath(`${SESSION}/../../../.bashrc`, /has a "\.\." component/));
  test("a path that is only .. is refused", () => expectRefusedPath("..", /has a "\.\." component/));
  test("a path with a . component is refused", () => expectRefusedPath(`${SESSION}/./subagents/agent-a.jsonl`, /has a "\." component/));
  test("an absolute path is refused", () => expectRefusedPath("/etc/passwd", /absolute/));
  test("a path with backslashes is refused", () => expectRefusedPath(`${SESSION}\\..\\..\\evil.jsonl`, /backslash/));
  test("a path with a NUL byte is refused", () => expectRefusedPath(`${SESSION}.jsonl\0.txt`, /NUL/));
  test("a path with a drive letter is refused", () => expectRefusedPath("C:/Windows/evil.jsonl", /drive letter/));
  test("a drive-relative path is refused", () => expectRefusedPath("C:evil.jsonl", /drive letter/));
  test("a path deeper than five components is refused", () => expectRefusedPath(`${SESSION}/subagents/workflows/wf_1/deeper/agent-a.jsonl`, /more than 5 components/));
  test("a path with an empty component is refused", () => expectRefusedPath(`${SESSION}//agent-a.jsonl`, /empty component/));
  test("a path with a trailing slash is refused", () => expectRefusedPath(`${SESSION}/subagents/`, /empty component/));
  test("an empty path is refused", () => expectRefusedPath("", /empty\)/));
  test("a path with a space or other unsafe character is refused", () => expectRefusedPath(`${SESSION}/tool results/x.txt`, /character outside/));
  test("a path with non-ASCII look-alike characters is refused", () => expectRefusedPath(`${SESSION}/subagents/agent-a\u2024jsonl`, /character outside/));
  test("a path naming a Windows device is refused", () => expectRefusedPath(`${SESSION}/tool-results/con.txt`, /Windows device/));
  test("a component ending in a dot is refused", () => expectRefusedPath(`${SESSION}/tool-results/x.`, /ending in a dot/));
  test("a path into another session's folder is refused", () => expectRefusedPath(`${OTHER_SESSION}/subagents/agent-a.jsonl`, /not under the folder of session/));
  test("another session's transcript name is refused", () => expectRefusedPath(`${OTHER_SESSION}.jsonl`, /not a file of session/));
  test("a top-level file that is neither the transcript nor an agent file is refused", () => expectRefusedPath(".bashrc", /not a file of session/));
  test("a top-level agent-x.meta.json, which Claude Code never writes and the installer refuses, is refused", () => expectRefusedPath("agent-a1b2c3.meta.json", /not a file of session/));
  test("a session id that is not a UUID is refused", () => expectRefusedPath("x.jsonl", /malformed session id/, "../x"));
  test("a path under a file already sent is refused", async () => {
    const box = sandbox();
    const error = await failureOf(box, [
      ...validStart(),
      ...fileStream(`${SESSION}/tool-results/a`, text("x")),
      ...fileStream(`${SESSION}/tool-results/a/b.txt`, text("y")),
    ]);
    expect(error).toBeInstanceOf(UnsafePathError);
    expect((error as Error).message).toMatch(/under a file it already sent/);
    expect(leftNothing(box)).toBe(true);
  });
});

describe("the shapes Claude Code really uses are accepted", () => {
  for (const path of [
    "agent-a1b2c3.jsonl",
    `${SESSION}/subagents/agent-a1b2c3.jsonl`,
    `${SESSION}/subagents/agent-a1b2c3.meta.json`,
    `${SESSION}/tool-results/toolu_01XyZ.txt`,
    `${SESSION}/subagents/workflows/wf_01/agent-a1b2c3.jsonl`,
  ]) {
    test(`${path.replace(SESSION, "<id>")} is written where it belongs`, async () => {
      const box = sandbox();
      const sessions = await unpack(box, [...validStart(), ...fileStream(path, text("ok\n")), DONE]);
      expect(sessions).toEqual([{ id: SESSION, files: [expect.objectContaining({ path: `${SESSION}.jsonl` }), expect.objectContaining({ path, size: 3 })] }]);
      expect(readFileSync(join(box.staging, path), "utf8")).toBe("ok\n");
      expect(new Uint8Array(readFileSync(join(box.staging, `${SESSION}.jsonl`)))).toEqual(TRANSCRIPT);
    });
  }
});
