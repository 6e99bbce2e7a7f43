// The receive path is the last gate before ~/.claude: whatever a hostile sharer
// sends, nothing is written outside the project folder, nothing that is there
// is replaced or written through, and a refusal leaves nothing behind
// (DESIGN.md §5). Each attack goes through install/incoming.ts as a real
// receive does; test/pack/decode_attacks.test.ts attacks the Unpacker alone.
import { describe, expect, test } from "bun:test";
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ProtocolError, UnsafePathError } from "../../src/errors.ts";
import type { Record as PackRecord } from "../../src/pack/records.ts";
import { catalogSession, install, receiver, refusal, sent, source, stage, tempDir, tree, type SentSession } from "./_stage.ts";
import { fileStream } from "../pack/_streams.ts";

/** Nothing of the session in the receiver's store: no files, no leftover staging. */
function expectNothingInstalled(config: string): void {
  const projects = join(config, "projects");
  expect(existsSync(projects) ? tree(projects).filter((p) => !p.endsWith("/") || p.includes(".ccshare-staging")) : []).toEqual([]);
}

const oneSession = (subagents = 1) => {
  const src = source([{ era: "2.1", cwd: "/home/mallory/src/app", subagents, tools: 1 }]);
  return stage(src.sessions[0]!, src.config);
};

/** Receives `records` (after the catalog) for a catalog listing `session`; the error it is refused with. */
function refused(session: SentSession, records: AsyncIterable<PackRecord> | PackRecord[], env: Record<string, string>): Promise<unknown> {
  return refusal({ catalog: [catalogSession(session)], wanted: new Set([session.id]), into: tempDir(), env }, records);
}

/** The session's own files, then one more file record with `path` and some bytes, then done. */
async function* withExtraFile(session: SentSession, path: string, owner = session.id): AsyncGenerator<PackRecord> {
  for await (const record of sent([session])) if (record.k !== "done") yield record;
  yield* fileStream(path, new TextEncoder().encode("{}\n"), owner);
  yield { k: "done" };
}

describe("hostile sharers, received through the install path", () => {
  test("hostile: file names that climb out, are absolute or carry separators are refused before anything is written", async () => {
    for (const bad of ["../../../.bashrc", "ID/../../escape.jsonl", "/etc/passwd", "ID/sub\\..\\x", "agent-x.jsonl\0.txt", "ID//x", "ID/./x", ".bashrc"]) {
      const session = oneSession(0);
      const r = receiver();
      const error = await refused(session, withExtraFile(session, bad.replace("ID", session.id)), r.env);
      expect([bad, error instanceof UnsafePathError]).toEqual([bad, true]);
      expectNothingInstalled(r.config);
      expect(existsSync(join(r.home, ".bashrc"))).toBe(false);
    }
  });

  test("hostile: a file named for another session is refused", async () => {
    const session = oneSession(0);
    const r = receiver();
    const error = await refused(session, withExtraFile(session, "0e4c5a2e-1111-4a2b-8c3d-000000000009.jsonl"), r.env);
    expect(error).toBeInstanceOf(UnsafePathError);
    expect((error as Error).message).toContain(`not a file of session ${session.id}`);
    expectNothingInstalled(r.config);
  });

  test("hostile: a session id that is not a UUID is refused", async () => {
    for (const id of ["../../x", "3F2A9C4E-8B1D-4C6E-9A7F-2D5E8C1B4A90", ""]) {
      const session = { ...oneSession(0), id };
      const r = receiver();
      const error = await refused(session, [...fileStream(`${id}.jsonl`, new TextEncoder().encode("{}\n"), id), { k: "done" }], r.env);
      expect([id, error instanceof UnsafePathError]).toEqual([id, true]);
      expectNothingInstalled(r.config);
    }
  });

  test("hostile: a session without its transcript is refused", async () => {
    const session = oneSession(1);
    const r = receiver();
    const error = await refused({ ...session, files: session.files.filter((f) => f !== `${session.id}.jsonl`) }, sent([{ ...session, files: session.files.filter((f) => f !== `${session.id}.jsonl`) }]), r.env);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as Error).message).toContain("not its transcript");
    expectNothingInstalled(r.config);
  });

  test("hostile: an existing session with the same id is never overwritten, even when the new one claims it", async () => {
    const staged = oneSession(1);
    const r = receiver();
    const into = tempDir();
    const first = await install({ staged: [staged], into, env: r.env });
    const before = readFileSync(first.installed[0]!.path);
    writeFileSync(join(staged.dir, `${staged.id}.jsonl`), `${JSON.stringify({ type: "user", cwd: "/home/mallory/src/app", sessionId: staged.id, message: { content: "replaced" } })}\n`);
    const second = await install({ staged: [staged], into, env: r.env });
    expect(second.installed[0]!.newId).toBeDefined();
    expect(readFileSync(first.installed[0]!.path)).toEqual(before);
    expect(readdirSync(first.folder).filter((n) => n.endsWith(".jsonl")).length).toBe(2);
  });

  test("hostile: a symlink where the session's folder would go is never written through; the session takes a new id", async () => {
    const staged = oneSession(1);
    const r = receiver();
    const into = realpathSync(tempDir());
    const folder = join(r.config, "projects", into.replace(/[^A-Za-z0-9]/g, "-"));
    const elsewhere = tempDir("ccshare-elsewhere-");
    mkdirSync(folder, { recursive: true });
    symlinkSync(elsewhere, join(folder, staged.id));
    const result = await install({ staged: [staged], into, env: r.env });
    expect(result.installed[0]!.newId).toBeDefined();
    expect(readdirSync(elsewhere)).toEqual([]);
    expect(lstatSync(join(folder, staged.id)).isSymbolicLink()).toBe(true);
  });
});
