// A failed install leaves nothing half-written (SESSIONS-FORMAT.md install
// step 6; DESIGN.md §5 "Installs are atomic").
import { describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { DiskError } from "../../src/errors.ts";
import { commitSession } from "../../src/install/commit.ts";
import { install } from "../../src/install/install.ts";
import { prepareSession } from "../../src/install/prepare.ts";
import { receiver, source, stage, tempDir, tree } from "./_stage.ts";

const repo = resolve(import.meta.dir, "../..");

describe("a failed install", () => {
  test("that fails midway through several sessions installs none of them and leaves no staging behind", async () => {
    const src = source([
      { era: "2.1", cwd: "/home/alice/src/app", subagents: 2, tools: 1, seed: "a" },
      { era: "2.0", cwd: "/home/alice/src/app", subagents: 1, seed: "b" },
      { era: "2.1", cwd: "/home/alice/src/app", subagents: 1, seed: "c" },
    ]);
    const staged = src.sessions.map((s) => stage(s, src.config));
    // The third session's subagent vanished after it was staged.
    const lost = staged[2]!.files.find((f) => f.includes("/subagents/"))!;
    rmSync(join(staged[2]!.dir, lost));
    const r = receiver();
    await expect(install({ staged, into: tempDir(), env: r.env })).rejects.toThrow(/installing session/);
    expect(tree(join(r.config, "projects")).filter((p) => !p.endsWith("/"))).toEqual([]);
    expect(tree(join(r.config, "projects")).filter((p) => p.includes("staging"))).toEqual([]);
  });

  test("a session that appears while the install is placing it is left alone, and what was placed is removed", async () => {
    const src = source([{ era: "2.1", cwd: "/home/alice/src/app", subagents: 2, tools: 1 }]);
    const s = src.sessions[0]!;
    const r = receiver();
    const target = realpathSync(tempDir());
    const folder = join(r.config, "projects", "race");
    const staging = join(folder, ".ccshare-staging-test");
    mkdirSync(staging, { recursive: true });
    const ctx = { folder, staging, target, now: new Date(), claimed: new Map<string, string>() };
    const outcome = await prepareSession(stage(s, src.config), ctx, 0);
    if (!("prepared" in outcome)) throw new Error("expected a prepared session");
    // Another process writes the same id between prepare and commit.
    writeFileSync(join(folder, `${s.id}.jsonl`), "someone else's session\n");
    await expect(commitSession(outcome.prepared, folder)).rejects.toThrow(/appeared while installing/);
    expect(readFileSync(join(folder, `${s.id}.jsonl`), "utf8")).toBe("someone else's session\n");
    expect(tree(folder).filter((p) => !p.startsWith(".ccshare-staging-test"))).toEqual([`${s.id}.jsonl`]);
  });

  // A real full disk: the receiver's config dir on a 256 KiB tmpfs, in a private
  // mount namespace that disappears with the child process.
  const canMount = spawnSync("unshare", ["--mount", "--map-root-user", "sh", "-c", "d=$(mktemp -d) && mount -t tmpfs -o size=64k tmpfs $d && umount $d && rmdir $d"]).status === 0;

  test.skipIf(!canMount)("that runs out of disk space says so and installs none of the sessions", () => {
    const src = source([
      { era: "2.1", cwd: "/home/alice/src/app", seed: "small" },
      { era: "2.1", cwd: "/home/alice/src/app", seed: "big", hugeFirstPrompt: true, tools: 8 },
    ]);
    const staged = src.sessions.map((s) => stage(s, src.config));
    // Make the second session larger than the whole disk.
    const big = staged[1]!;
    writeFileSync(join(big.dir, big.id, "tool-results", "huge.txt"), "x".repeat(600 * 1024));
    big.files.push(`${big.id}/tool-results/huge.txt`);
    const r = receiver();
    const script = join(tempDir(), "full_disk.ts");
    writeFileSync(script, `
      import { readdirSync } from "node:fs";
      import { install } from ${JSON.stringify(join(repo, "src/install/install.ts"))};
      const o = JSON.parse(process.argv[2]);
      let error = null;
      try { await install(o); } catch (e) { error = { name: e.name, message: e.message }; }
      const files = readdirSync(o.env.CLAUDE_CONFIG_DIR, { recursive: true });
      console.log(JSON.stringify({ error, files }));
    `);
    const into = realpathSync(tempDir());
    const options = JSON.stringify({ staged, into, env: r.env });
    const child = spawnSync("unshare", ["--mount", "--map-root-user", "sh", "-c", 'mount -t tmpfs -o size=256k tmpfs "$0" && exec "$1" "$2" "$3"', r.config, join(repo, "node_modules/.bin/bun"), script, options], { encoding: "utf8", timeout: 60_000 });
    expect(child.stderr).toBe("");
    const report = JSON.parse(child.stdout) as { error: { name: string; message: string } | null; files: string[] };
    expect(report.error).toEqual({ name: DiskError.name, message: `The disk is full while installing session ${big.id}; free some space and try again.` });
    // Nothing remains: no session, no staging dir, not even the project folder it made.
    expect(report.files.sort()).toEqual(["projects"]);
  });
});
