// The installer is the last gate before ~/.claude: whatever the staged tree
// holds, it must not write outside the project folder, follow a link out of
// the staging dir, or leave anything behind when it refuses (DESIGN.md §5).
import { describe, expect, test } from "bun:test";
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { UnsafePathError } from "../../src/errors.ts";
import { install } from "../../src/install/install.ts";
import { receiver, source, stage, tempDir, tree } from "./_stage.ts";

const SECRET = "ssh-ed25519 AAAA-the-receivers-private-secret";

function secretFile(): string {
  const path = join(tempDir("ccshare-secret-"), "id_ed25519");
  writeFileSync(path, `${JSON.stringify({ type: "user", cwd: "/x", message: { content: SECRET } })}\n`);
  return path;
}

/** Nothing of the session in the receiver's store: no files, no leftover staging. */
function expectNothingInstalled(config: string): void {
  const projects = join(config, "projects");
  const files = existsSync(projects) ? tree(projects).filter((p) => !p.endsWith("/")) : [];
  expect(files).toEqual([]);
  if (existsSync(projects)) expect(tree(projects).filter((p) => p.includes(".ccshare-staging"))).toEqual([]);
}

const oneSession = (subagents = 1) => {
  const src = source([{ era: "2.1", cwd: "/home/mallory/src/app", subagents, tools: 1 }]);
  return { staged: stage(src.sessions[0]!, src.config), session: src.sessions[0]! };
};

describe("hostile staged sessions", () => {
  test("hostile: a staged transcript that is a symlink is not followed", async () => {
    const { staged } = oneSession();
    const transcript = join(staged.dir, `${staged.id}.jsonl`);
    renameSync(transcript, `${transcript}.real`);
    symlinkSync(secretFile(), transcript);
    const r = receiver();
    await expect(install({ staged: [staged], into: tempDir(), env: r.env })).rejects.toBeInstanceOf(UnsafePathError);
    expectNothingInstalled(r.config);
  });

  test("hostile: a staged session folder that is a symlink is not followed", async () => {
    const { staged } = oneSession();
    const outside = tempDir("ccshare-outside-");
    renameSync(join(staged.dir, staged.id), join(outside, "moved"));
    symlinkSync(join(outside, "moved"), join(staged.dir, staged.id));
    const r = receiver();
    await expect(install({ staged: [staged], into: tempDir(), env: r.env })).rejects.toThrow(/is not a plain folder/);
    expectNothingInstalled(r.config);
  });

  test("hostile: a staged tool result that is a symlink to a secret is not copied", async () => {
    const { staged } = oneSession();
    const result = staged.files.find((f) => f.includes("/tool-results/"))!;
    const path = join(staged.dir, result);
    renameSync(path, `${path}.gone`);
    symlinkSync(secretFile(), path);
    const r = receiver();
    await expect(install({ staged: [staged], into: tempDir(), env: r.env })).rejects.toThrow(/symbolic link/);
    expectNothingInstalled(r.config);
  });

  test("hostile: a FIFO in place of a staged file is refused without blocking", async () => {
    const { staged } = oneSession();
    const result = staged.files.find((f) => f.includes("/tool-results/"))!;
    const path = join(staged.dir, result);
    renameSync(path, `${path}.gone`);
    execFileSync("mkfifo", [path]);
    const r = receiver();
    await expect(install({ staged: [staged], into: tempDir(), env: r.env })).rejects.toThrow(/not a regular file/);
    expectNothingInstalled(r.config);
  });

  test("hostile: file names that climb out, are absolute or carry separators are refused before anything is written", async () => {
    for (const bad of ["../../../.bashrc", "ID/../../escape.jsonl", "/etc/passwd", "ID/sub\\..\\x", "agent-x.jsonl\0.txt", "ID//x", "ID/./x", ".bashrc"]) {
      const { staged } = oneSession(0);
      const r = receiver();
      const into = tempDir();
      const name = bad.replace("ID", staged.id);
      await expect(install({ staged: [{ ...staged, files: [...staged.files, name] }], into, env: r.env })).rejects.toBeInstanceOf(UnsafePathError);
      expect(existsSync(join(r.config, "projects"))).toBe(false);
    }
  });

  test("hostile: a file named for another session is refused", async () => {
    const { staged } = oneSession(0);
    const other = "0e4c5a2e-1111-4a2b-8c3d-000000000009";
    writeFileSync(join(staged.dir, `${other}.jsonl`), "{}\n");
    const r = receiver();
    await expect(install({ staged: [{ ...staged, files: [...staged.files, `${other}.jsonl`] }], into: tempDir(), env: r.env })).rejects.toThrow(/does not belong to this session/);
    expect(existsSync(join(r.config, "projects"))).toBe(false);
  });

  test("hostile: a session id that is not a UUID is refused", async () => {
    const { staged } = oneSession(0);
    const r = receiver();
    for (const id of ["../../x", "3F2A9C4E-8B1D-4C6E-9A7F-2D5E8C1B4A90", ""]) {
      await expect(install({ staged: [{ ...staged, id }], into: tempDir(), env: r.env })).rejects.toBeInstanceOf(UnsafePathError);
    }
    expect(existsSync(join(r.config, "projects"))).toBe(false);
  });

  test("hostile: a session without its transcript is refused", async () => {
    const { staged } = oneSession(1);
    const r = receiver();
    const files = staged.files.filter((f) => f !== `${staged.id}.jsonl`);
    await expect(install({ staged: [{ ...staged, files }], into: tempDir(), env: r.env })).rejects.toThrow(/transcript .* is missing/);
  });

  test("hostile: an existing session with the same id is never overwritten, even when the new one claims it", async () => {
    const { staged } = oneSession(1);
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
});
