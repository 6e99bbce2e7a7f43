// A failed install leaves nothing half-written (SESSIONS-FORMAT.md install
// step 6; DESIGN.md §5 "Installs are atomic"). A disk that fills up while
// sessions arrive: test/install/incoming.test.ts.
import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DigestMismatchError } from "../../src/errors.ts";
import { commitSession } from "../../src/install/commit.ts";
import { prepareSession } from "../../src/install/prepare.ts";
import { planSession } from "../../src/install/session_plan.ts";
import { catalogSession, receiver, refusal, sent, source, stage, tempDir, tree } from "./_stage.ts";

describe("a failed install", () => {
  test("that fails midway through several sessions installs none of them and leaves no staging behind", async () => {
    const src = source([
      { era: "2.1", cwd: "/home/alice/src/app", subagents: 2, tools: 1, seed: "a" },
      { era: "2.0", cwd: "/home/alice/src/app", subagents: 1, seed: "b" },
      { era: "2.1", cwd: "/home/alice/src/app", subagents: 1, seed: "c" },
    ]);
    const staged = src.sessions.map((s) => stage(s, src.config));
    const r = receiver();
    // The third session's subagent arrives with a digest that does not match its bytes.
    const lost = staged[2]!.files.find((f) => f.includes("/subagents/"))!;
    async function* tampered() {
      let path = "";
      for await (const record of sent(staged)) {
        if (record.k === "file") path = record.path;
        yield record.k === "end" && path === lost ? { k: "end" as const, sha256: new Uint8Array(32) } : record;
      }
    }
    const error = await refusal({ catalog: staged.map(catalogSession), wanted: new Set(staged.map((s) => s.id)), into: tempDir(), env: r.env }, tampered());
    expect(error).toBeInstanceOf(DigestMismatchError);
    expect(tree(join(r.config, "projects")).filter((p) => !p.endsWith("/"))).toEqual([]);
    expect(tree(join(r.config, "projects")).filter((p) => p.includes("staging"))).toEqual([]);
  });

  test("a session that appears while the install is placing it is left alone, and what was placed is removed", async () => {
    const src = source([{ era: "2.1", cwd: "/home/alice/src/app", subagents: 2, tools: 1 }]);
    const s = src.sessions[0]!;
    const r = receiver();
    const folder = join(r.config, "projects", "race");
    const staging = join(folder, ".ccshare-staging-test");
    mkdirSync(staging, { recursive: true });
    const arrived = stage(s, src.config);
    cpSync(arrived.dir, staging, { recursive: true });
    const plan = await planSession({ id: s.id, project: s.cwd }, { folder, target: r.home, claimed: new Set() });
    const files = arrived.files.map((path) => {
      const bytes = readFileSync(join(staging, path));
      return { path, sent: { size: bytes.length, sha256: new Uint8Array(createHash("sha256").update(bytes).digest()) }, from: 0 };
    });
    const prepared = await prepareSession({ id: s.id, finalId: s.id, dir: staging, files }, plan, { folder, now: new Date() });
    // Another process writes the same id between prepare and commit.
    writeFileSync(join(folder, `${s.id}.jsonl`), "someone else's session\n");
    await expect(commitSession(prepared, folder)).rejects.toThrow(/appeared while installing/);
    expect(readFileSync(join(folder, `${s.id}.jsonl`), "utf8")).toBe("someone else's session\n");
    expect(tree(folder).filter((p) => !p.startsWith(".ccshare-staging-test"))).toEqual([`${s.id}.jsonl`]);
  });
});
