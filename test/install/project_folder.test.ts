// Where install() puts sessions: the project folder name Claude Code computes
// for the target (SESSIONS-FORMAT.md "Where"; install steps 1-2).
import { describe, expect, test } from "bun:test";
import { mkdirSync, realpathSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { install, receiver, source, stage, tempDir } from "./_stage.ts";

function madeDir(path: string): string {
  mkdirSync(path, { recursive: true });
  return realpathSync(path);
}

/** Java's String.hashCode in base 36 of its absolute value, written out independently of src/. */
function javaHash36(text: string): string {
  let h = 0;
  for (const unit of Array.from({ length: text.length }, (_, i) => text.charCodeAt(i))) h = (h * 31 + unit) % 2 ** 32;
  const signed = h >= 2 ** 31 ? h - 2 ** 32 : h;
  return Math.abs(signed).toString(36);
}

const oneSession = () => {
  const src = source([{ era: "2.1", cwd: "/home/alice/src/app" }]);
  return stage(src.sessions[0]!, src.config);
};

describe("the project folder", () => {
  test("is named by replacing every character that is not a letter or digit with a dash", async () => {
    const r = receiver();
    const target = join(tempDir(), "my_project.v2");
    mkdirSync(target);
    const result = await install({ staged: [oneSession()], into: target, env: r.env });
    const real = realpathSync(target);
    expect(result.target).toBe(real);
    expect(result.folder).toBe(join(r.config, "projects", real.replace(/[^A-Za-z0-9]/g, "-")));
    expect(basename(result.folder)).toEndWith("-my-project-v2");
  });

  test("counts an accented letter as one dash and an emoji as two", async () => {
    const r = receiver();
    const target = join(tempDir(), "café", "😀x");
    mkdirSync(target, { recursive: true });
    const result = await install({ staged: [oneSession()], into: target, env: r.env });
    expect(basename(result.folder)).toEndWith("-caf----x");
  });

  test("keeps a decomposed (NFD) name as the file system stores it, as Claude Code 2.1.330 does", async () => {
    const r = receiver();
    const target = join(tempDir(), "cafe\u0301");
    mkdirSync(target);
    const result = await install({ staged: [oneSession()], into: target, env: r.env });
    expect(result.target).toBe(realpathSync(target));
    expect(result.target.endsWith("cafe\u0301")).toBe(true);
    // "e" stays, the combining accent becomes a dash (NFC would give "-caf-").
    expect(basename(result.folder)).toEndWith("-cafe-");
  });

  test("keeps 200 characters of a long path and adds the 31-multiplier hash in base 36", async () => {
    const r = receiver();
    const target = join(tempDir(), "very-long-directory-name-".repeat(9), "project");
    mkdirSync(target, { recursive: true });
    const result = await install({ staged: [oneSession()], into: target, env: r.env });
    const name = result.target.replace(/[^A-Za-z0-9]/g, "-");
    expect(name.length).toBeGreaterThan(200);
    expect(basename(result.folder)).toBe(`${name.slice(0, 200)}-${javaHash36(result.target)}`);
  });

  test("reuses an existing long-path folder with the same prefix whose sessions record the same cwd", async () => {
    const r = receiver();
    const target = madeDir(join(tempDir(), "another-very-long-directory-name-".repeat(7), "p"));
    const prefix = target.replace(/[^A-Za-z0-9]/g, "-").slice(0, 200);
    const other = join(r.config, "projects", `${prefix}-someotherbuildshash`);
    const decoy = join(r.config, "projects", `${prefix}-aaadecoy`);
    mkdirSync(other, { recursive: true });
    mkdirSync(decoy, { recursive: true });
    writeFileSync(join(other, "0e4c5a2e-1111-4a2b-8c3d-000000000009.jsonl"), `${JSON.stringify({ type: "user", cwd: target, sessionId: "0e4c5a2e-1111-4a2b-8c3d-000000000009" })}\n`);
    writeFileSync(join(decoy, "0e4c5a2e-1111-4a2b-8c3d-00000000000a.jsonl"), `${JSON.stringify({ type: "user", cwd: `${target}-elsewhere` })}\n`);
    const result = await install({ staged: [oneSession()], into: target, env: r.env });
    expect(result.folder).toBe(other);
  });

  test("does not reuse a long-path folder whose sessions record another cwd", async () => {
    const r = receiver();
    const target = madeDir(join(tempDir(), "yet-another-very-long-directory-".repeat(7), "p"));
    const prefix = target.replace(/[^A-Za-z0-9]/g, "-").slice(0, 200);
    const decoy = join(r.config, "projects", `${prefix}-aaadecoy`);
    mkdirSync(decoy, { recursive: true });
    writeFileSync(join(decoy, "0e4c5a2e-1111-4a2b-8c3d-00000000000a.jsonl"), `${JSON.stringify({ type: "user", cwd: `${target}-elsewhere` })}\n`);
    const result = await install({ staged: [oneSession()], into: target, env: r.env });
    expect(basename(result.folder)).toBe(`${prefix}-${javaHash36(target)}`);
  });

  test("lives under CLAUDE_CONFIG_DIR when it is set", async () => {
    const r = receiver();
    const config = join(tempDir(), "custom-config");
    const result = await install({ staged: [oneSession()], into: tempDir(), env: { HOME: r.home, CLAUDE_CONFIG_DIR: config } });
    expect(result.folder.startsWith(join(config, "projects") + "/")).toBe(true);
  });

  test("lives under HOME/.claude when CLAUDE_CONFIG_DIR is not set", async () => {
    const r = receiver();
    const result = await install({ staged: [oneSession()], into: tempDir(), env: { HOME: r.home } });
    expect(result.folder.startsWith(join(r.home, ".claude", "projects") + "/")).toBe(true);
  });

  test("is named CLAUDE_CODE_PROJECT_DIR_NAME when that is valid and CLAUDE_CONFIG_DIR is set", async () => {
    const r = receiver();
    const result = await install({ staged: [oneSession()], into: tempDir(), env: { ...r.env, CLAUDE_CODE_PROJECT_DIR_NAME: "shared_project-1" } });
    expect(result.folder).toBe(join(r.config, "projects", "shared_project-1"));
  });

  test("ignores CLAUDE_CODE_PROJECT_DIR_NAME when it is not a plain name, is a device name, or CLAUDE_CONFIG_DIR is unset", async () => {
    for (const [name, withConfig] of [["../escape", true], ["x".repeat(65), true], ["con", true], ["fine-name", false]] as const) {
      const r = receiver();
      const target = tempDir();
      const env = withConfig ? { ...r.env, CLAUDE_CODE_PROJECT_DIR_NAME: name } : { HOME: r.home, CLAUDE_CODE_PROJECT_DIR_NAME: name };
      const result = await install({ staged: [oneSession()], into: target, env });
      expect(basename(result.folder)).toBe(realpathSync(target).replace(/[^A-Za-z0-9]/g, "-"));
    }
  });

  test("is created with mode 0700", async () => {
    const r = receiver();
    const result = await install({ staged: [oneSession()], into: tempDir(), env: r.env });
    expect(statSync(result.folder).mode & 0o777).toBe(0o700);
  });

  test("a target that does not exist is refused with a message naming it", async () => {
    const r = receiver();
    const missing = join(tempDir(), "not-here");
    await expect(install({ staged: [oneSession()], into: missing, env: r.env })).rejects.toThrow(`The folder ${missing} does not exist`);
  });

  test("a symlinked target is resolved to its real path", async () => {
    const r = receiver();
    const real = tempDir();
    const link = join(tempDir(), "link");
    symlinkSync(real, link);
    const result = await install({ staged: [oneSession()], into: link, env: r.env });
    expect(result.target).toBe(realpathSync(real));
  });
});
