// install/incoming.ts: sessions are prepared for install as soon as they are
// complete, so a sharer must send each session's files together.
import { describe, expect, test } from "bun:test";
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";
import { DigestMismatchError, DiskError, ProtocolError } from "../../src/errors.ts";
import { cwdRewrite } from "../../src/install/cwd_rewrite.ts";
import { Incoming } from "../../src/install/incoming.ts";
import type { InstallResult } from "../../src/install/install.ts";
import { fileRecords } from "../../src/pack/encode.ts";
import type { CatalogSession, Record } from "../../src/pack/records.ts";
import type { FixtureSession } from "../fixtures/store.ts";
import { referenceEdit } from "../support/reference_editor.ts";
import { parsedLines, receiver, refusal, source, tempDir, tree } from "./_stage.ts";

const repo = resolve(import.meta.dir, "../..");
const A = "11111111-1111-4111-8111-111111111111";
const B = "22222222-2222-4222-8222-222222222222";

/** A catalog entry that promises room for whatever these tests send (the promise itself is tested in test/install/hostile.test.ts). */
function session(id: string): CatalogSession {
  return { id, title: id, firstPrompt: "", project: "/home/alice/app", branch: "", messages: 1, created: "", modified: "", bytes: 1 << 30, files: 100, subagents: 0, version: "" };
}

async function recordsOf(dir: string, sessionId: string, path: string): Promise<Record[]> {
  const abs = join(dir, path);
  mkdirSync(join(abs, ".."), { recursive: true });
  writeFileSync(abs, `{"type":"user","cwd":"/home/alice/app","sessionId":"${sessionId}"}\n`);
  const out: Record[] = [];
  for await (const r of fileRecords({ file: { path, abs, size: statSync(abs).size }, from: 0 }, sessionId)) out.push(r);
  return out;
}

describe("receiving into staging", () => {
  const source = tempDir("ccshare-incoming-src-");

  test("sessions sent one after another are installed, each prepared while the next arrives", async () => {
    const config = tempDir("ccshare-incoming-cfg-");
    const into = tempDir("ccshare-incoming-into-");
    const incoming = await Incoming.open({ catalog: [session(A), session(B)], wanted: new Set([A, B]), into, env: { CLAUDE_CONFIG_DIR: config } });
    try {
      for (const r of [...(await recordsOf(source, A, `${A}.jsonl`)), ...(await recordsOf(source, B, `${B}.jsonl`)), { k: "done" } as Record]) await incoming.accept(r);
      const result = await incoming.install();
      expect(result.installed.map((i) => i.id).sort()).toEqual([A, B]);
    } finally {
      await incoming.dispose();
    }
    expect(readdirSync(join(config, "projects")).filter((n) => n.startsWith(".ccshare"))).toEqual([]);
  });

  test("hostile: more files of a session after the sharer moved on to another are refused, and nothing is installed", async () => {
    const config = tempDir("ccshare-incoming-cfg-");
    const into = tempDir("ccshare-incoming-into-");
    const stream = [
      ...(await recordsOf(source, A, `${A}.jsonl`)),
      ...(await recordsOf(source, B, `${B}.jsonl`)),
      ...(await recordsOf(source, A, `${A}/tool-results/late.txt`)),
    ];
    const error = await refusal({ catalog: [session(A), session(B)], wanted: new Set([A, B]), into, env: { CLAUDE_CONFIG_DIR: config } }, stream);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as Error).message).toContain(A);
    const folders = existsSync(join(config, "projects")) ? readdirSync(join(config, "projects")) : [];
    expect(folders).toEqual([]);
  });
});

type Sent = Pick<FixtureSession, "id" | "folder" | "cwd" | "files">;

/** Every file of `sessions` through an Incoming, as a sharer sends them. */
async function received(sessions: Sent[], sourceConfig: string, into: string, env: { [name: string]: string }): Promise<InstallResult> {
  const catalog = sessions.map((s) => ({ ...session(s.id), project: s.cwd, root: join(sourceConfig, "projects", s.folder) }));
  const incoming = await Incoming.open({ catalog, wanted: new Set(sessions.map((s) => s.id)), into, env });
  try {
    for (const s of sessions) {
      for (const path of s.files) {
        const abs = join(sourceConfig, "projects", s.folder, path);
        for await (const r of fileRecords({ file: { path, abs, size: statSync(abs).size }, from: 0 }, s.id, { chunkBytes: 4096 })) await incoming.accept(r);
      }
    }
    await incoming.accept({ k: "done" });
    return await incoming.install();
  } finally {
    await incoming.dispose();
  }
}

// Each JSONL file is edited on its way to disk and the session then placed from
// where it arrived: what lands must be byte for byte what the slow reference
// editor (test/support/reference_editor.ts) makes of each file as sent.
describe("edited on arrival", () => {
  /** Every installed file, by path relative to the project folder. */
  const contents = (folder: string) => new Map(tree(folder).filter((p) => !p.endsWith("/")).map((p) => [p, readFileSync(join(folder, p))]));

  test("installs exactly the reference editor's bytes, for sessions of every era, torn and not UTF-8", async () => {
    const src = source([
      { era: "1.0", cwd: "/Users/alice/src/legacy", subagents: 1 },
      { era: "2.0", cwd: "/home/bob/work/api", subagents: 2, invalidUtf8: true },
      { era: "2.1", cwd: "/home/alice/src/app", subagents: 2, tools: 2, tail: "torn" },
      { era: "2.1", cwd: "/home/alice/src/app/sub", tail: "no-newline", relocatedTo: "/home/alice/src/app/moved" },
    ]);
    const target = realpathSync(tempDir());
    const r = receiver();
    const viaIncoming = await received(src.sessions, src.config, target, r.env);
    expect(viaIncoming.installed.map((i) => i.id)).toEqual(src.sessions.map((s) => s.id));
    const expected = new Map<string, Uint8Array>();
    for (const s of src.sessions) {
      const edit = { cwd: cwdRewrite(s.cwd, target), paths: [{ from: `${join(src.config, "projects", s.folder)}/`, to: `${viaIncoming.folder}/` }] };
      for (const path of s.files) {
        const sentBytes = new Uint8Array(readFileSync(join(src.config, "projects", s.folder, path)));
        expected.set(path, path.endsWith(".jsonl") ? referenceEdit(sentBytes, edit) : sentBytes);
      }
    }
    const actual = contents(viaIncoming.folder);
    expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [path, bytes] of expected) expect([path, Buffer.compare(actual.get(path)!, bytes)]).toEqual([path, 0]);
    expect(new TextDecoder().decode(actual.get(`${src.sessions[2]!.id}.jsonl`))).toContain(`"cwd":"${target}"`);
    for (const path of actual.keys()) expect(statSync(join(viaIncoming.folder, path)).mode & 0o777).toBe(0o600);
    expect(readdirSync(viaIncoming.folder).filter((n) => n.startsWith(".ccshare-staging"))).toEqual([]);
    expect(readdirSync(join(r.config, "projects")).filter((n) => n.startsWith("."))).toEqual([]);
  });

  test("skips a session received again unchanged, and gives a changed one a new id in every line", async () => {
    const src = source([{ era: "2.1", cwd: "/home/alice/src/app", subagents: 1 }]);
    const s = src.sessions[0]!;
    const r = receiver();
    const into = tempDir();
    const first = await received([s], src.config, into, r.env);
    const before = readFileSync(first.installed[0]!.path);
    const again = await received([s], src.config, into, r.env);
    expect(again.installed).toEqual([]);
    expect(again.skipped).toEqual([{ id: s.id, reason: "already up to date" }]);
    // The sharer continued the session: same id, one more line.
    appendFileSync(join(src.config, "projects", s.folder, `${s.id}.jsonl`), `${JSON.stringify({ type: "last-prompt", cwd: s.cwd, sessionId: s.id })}\n`);
    const changed = await received([s], src.config, into, r.env);
    const newId = changed.installed[0]!.newId!;
    expect(newId).toMatch(/^[0-9a-f-]{36}$/);
    expect(readFileSync(first.installed[0]!.path)).toEqual(before);
    for (const file of [`${newId}.jsonl`, ...s.files.filter((f) => f.startsWith(`${s.id}/`) && f.endsWith(".jsonl")).map((f) => newId + f.slice(s.id.length))]) {
      const lines = parsedLines(readFileSync(join(changed.folder, file), "utf8"));
      expect(new Set(lines.filter((l) => "sessionId" in l).map((l) => l.sessionId))).toEqual(new Set([newId]));
      expect(new Set(lines.filter((l) => "cwd" in l).map((l) => l.cwd))).toEqual(new Set([changed.target]));
    }
  });

  test("a file whose bytes do not match its digest installs nothing, and no staging is left", async () => {
    const src = source([{ era: "2.1", cwd: "/home/alice/src/app" }]);
    const s = src.sessions[0]!;
    const r = receiver();
    const into = tempDir();
    const abs = join(src.config, "projects", s.folder, `${s.id}.jsonl`);
    async function* tampered() {
      for await (const rec of fileRecords({ file: { path: `${s.id}.jsonl`, abs, size: statSync(abs).size }, from: 0 }, s.id)) yield rec.k === "end" ? { k: "end" as const, sha256: new Uint8Array(32) } : rec;
    }
    const error = await refusal({ catalog: [{ ...session(s.id), project: s.cwd }], wanted: new Set([s.id]), into, env: r.env }, tampered());
    expect(error).toBeInstanceOf(DigestMismatchError);
    expect(existsSync(join(r.config, "projects")) ? readdirSync(join(r.config, "projects")) : []).toEqual([]);
  });
});

describe("legacy agent files edited on arrival", () => {
  test("one whose name is taken by a different file gets a fresh name, and the one there stays", async () => {
    const src = source([]);
    const cwd = "/home/alice/src/app";
    const folder = join(src.config, "projects", "-home-alice-src-app");
    mkdirSync(folder, { recursive: true });
    const sessionWithAgent = (id: string, note: string): Sent => {
      writeFileSync(join(folder, `${id}.jsonl`), `${JSON.stringify({ type: "user", cwd, sessionId: id, message: { role: "user", content: "hi" } })}\n`);
      writeFileSync(join(folder, "agent-shared.jsonl"), `${JSON.stringify({ type: "user", cwd, sessionId: id, agentId: "shared", note })}\n`);
      return { id, folder: "-home-alice-src-app", cwd, files: [`${id}.jsonl`, "agent-shared.jsonl"] };
    };
    const r = receiver();
    const into = tempDir();
    const first = await received([sessionWithAgent(A, "first")], src.config, into, r.env);
    const second = await received([sessionWithAgent(B, "second")], src.config, into, r.env);
    expect(second.installed.map((i) => i.id)).toEqual([B]);
    const agents = readdirSync(second.folder).filter((n) => n.startsWith("agent-shared")).sort();
    expect(agents.length).toBe(2);
    expect(readFileSync(join(first.folder, "agent-shared.jsonl"), "utf8")).toContain('"note":"first"');
    const fresh = agents.find((n) => n !== "agent-shared.jsonl")!;
    expect(fresh).toMatch(/^agent-shared-[0-9a-f]{8}\.jsonl$/);
    const moved = readFileSync(join(second.folder, fresh), "utf8");
    expect(moved).toContain('"note":"second"');
    expect(moved).toContain(`"cwd":"${second.target}"`);
  });
});

// A real full disk while a session arrives: the receiver's config dir on a
// 256 KiB tmpfs, in a private mount namespace that disappears with the child.
const canMount = spawnSync("unshare", ["--mount", "--map-root-user", "sh", "-c", "d=$(mktemp -d) && mount -t tmpfs -o size=64k tmpfs $d && umount $d && rmdir $d"]).status === 0;

describe("a disk that fills up while sessions arrive", () => {
  test.skipIf(!canMount)("says so, installs none of them, and leaves nothing behind", () => {
    const src = source([
      { era: "2.1", cwd: "/home/alice/src/app", seed: "small" },
      { era: "2.1", cwd: "/home/alice/src/app", seed: "big", prompts: ["one", `two ${"x".repeat(600 * 1024)}`] },
    ]);
    const r = receiver();
    const into = realpathSync(tempDir());
    const script = join(tempDir(), "full_disk.ts");
    writeFileSync(script, `
      import { readdirSync, statSync } from "node:fs";
      import { join } from "node:path";
      import { fileRecords } from ${JSON.stringify(join(repo, "src/pack/encode.ts"))};
      import { Incoming } from ${JSON.stringify(join(repo, "src/install/incoming.ts"))};
      const o = JSON.parse(process.argv[2]);
      const catalog = o.sessions.map((s) => ({ id: s.id, title: "", firstPrompt: "", project: s.cwd, branch: "", messages: 1, created: "", modified: "", bytes: 1 << 30, files: s.files.length, subagents: 0, version: "" }));
      const incoming = await Incoming.open({ catalog, wanted: new Set(catalog.map((s) => s.id)), into: o.into, env: o.env });
      let error = null;
      try {
        for (const s of o.sessions) for (const path of s.files) {
          const abs = join(o.source, "projects", s.folder, path);
          for await (const r of fileRecords({ file: { path, abs, size: statSync(abs).size }, from: 0 }, s.id)) await incoming.accept(r);
        }
        await incoming.accept({ k: "done" });
        await incoming.install();
      } catch (e) {
        error = { name: e.name, message: e.message };
        await incoming.abort();
      } finally {
        await incoming.dispose();
      }
      console.log(JSON.stringify({ error, files: readdirSync(o.env.CLAUDE_CONFIG_DIR, { recursive: true }) }));
    `);
    const sessions = src.sessions.map(({ id, folder, cwd, files }) => ({ id, folder, cwd, files }));
    const options = JSON.stringify({ sessions, source: src.config, into, env: r.env });
    const child = spawnSync("unshare", ["--mount", "--map-root-user", "sh", "-c", 'mount -t tmpfs -o size=256k tmpfs "$0" && exec "$1" "$2" "$3"', r.config, join(repo, "node_modules/.bin/bun"), script, options], { encoding: "utf8", timeout: 60_000 });
    expect(child.stderr).toBe("");
    const report = JSON.parse(child.stdout) as { error: { name: string; message: string } | null; files: string[] };
    expect(report.error?.name).toBe(DiskError.name);
    expect(report.error?.message).toMatch(/^The disk is full while writing .+; free some space and try again\.$/);
    // Nothing remains: no session, no staging dir, not even the projects folder it made.
    expect(report.files.sort()).toEqual([]);
  });
});
