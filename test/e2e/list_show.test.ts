// `ccshare list` and `ccshare show`, run as the compiled binary over a fixture store.
import { beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Transcript, uuidFrom } from "../fixtures/lines.ts";
import { writeSession, writeStore, type FixtureSession } from "../fixtures/store.ts";
import { isolatedEnv, requireBinary, run } from "../support/bin.ts";

// Large files and child processes: generous on a loaded machine (bunfig's timeout is not applied).
setDefaultTimeout(60_000);

let bin: string;
let env: Record<string, string>;
let configDir: string;
let sessions: FixtureSession[];
const ccshare = (...args: string[]) => run([bin, ...args], { env });

beforeAll(() => {
  bin = requireBinary();
  ({ env, configDir } = isolatedEnv());
  sessions = writeStore(configDir);
});

const ESC = "\x1b";

describe("ccshare list", () => {
  test("--json prints every session with exactly the contract's fields, newest first", async () => {
    const { code, stdout } = await ccshare("list", "--json");
    expect(code).toBe(0);
    const listed = JSON.parse(stdout) as Record<string, unknown>[];
    expect(listed.map((e) => e.id)).toEqual(sessions.map((s) => s.id));
    for (const [i, s] of sessions.entries()) {
      expect(listed[i]).toEqual({ id: s.id, title: s.title, firstPrompt: s.firstPrompt, project: s.project, branch: s.branch, messages: s.messages, created: s.created, modified: s.modified, bytes: s.bytes, subagents: s.subagents, version: s.version, folder: s.folder });
    }
  });

  test("prints a table with title, project, branch, messages, relative time and size", async () => {
    const { code, stdout } = await ccshare("list");
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^ID\s+TITLE\s+PROJECT\s+BRANCH\s+MSGS\s+MODIFIED\s+SIZE$/);
    expect(lines).toHaveLength(sessions.length + 1);
    const first = sessions[0]!;
    expect(lines[1]).toContain(first.id.slice(0, 8));
    expect(lines[1]).toContain(first.title);
    expect(lines[1]).toContain(first.branch);
    expect(lines[1]).toMatch(/ (\d+ (min|h|d) ago|just now|\d{4}-\d\d-\d\d) /);
    expect(lines[1]).toMatch(/\d+(\.\d)? KB$/);
    expect(stdout).not.toContain(ESC);
  });

  test("--project, --since and --grep narrow the list", async () => {
    const app = sessions.filter((s) => s.project === "/home/alice/src/app");
    expect(JSON.parse((await ccshare("list", "--json", "--project", "/home/alice/src/app")).stdout).map((e: { id: string }) => e.id)).toEqual(app.map((s) => s.id));
    const since = JSON.parse((await ccshare("list", "--json", "--since", sessions[2]!.modified)).stdout);
    expect(since.map((e: { id: string }) => e.id)).toEqual(sessions.slice(0, 3).map((s) => s.id));
    const grep = JSON.parse((await ccshare("list", "--json", "--grep", "LEGACY SUMMARY")).stdout);
    expect(grep.map((e: { id: string }) => e.id)).toEqual(sessions.filter((s) => s.title.startsWith("Legacy summary")).map((s) => s.id));
  });

  test("nothing found is one clear line and exit 0, or [] with --json", async () => {
    const empty = isolatedEnv().env;
    const table = await run([bin, "list"], { env: empty });
    expect(table).toMatchObject({ code: 0, stdout: `No Claude Code sessions found in ${empty.CLAUDE_CONFIG_DIR}/projects.\n` });
    expect(await run([bin, "list", "--json"], { env: empty })).toMatchObject({ code: 0, stdout: "[]\n" });
    const filtered = await ccshare("list", "--grep", "nothing says this");
    expect(filtered).toMatchObject({ code: 0, stdout: "No sessions match these filters.\n" });
  });

  test("a bad --since is a usage error (exit 2)", async () => {
    const { code, stderr } = await ccshare("list", "--since", "yesterday-ish");
    expect(code).toBe(2);
    expect(stderr).toContain("--since expects a date");
  });

  test("a repeated listing gives the same answer from the cache", async () => {
    const first = await ccshare("list", "--json");
    expect(existsSync(join(env.XDG_CACHE_HOME!, "ccshare"))).toBe(true);
    expect((await ccshare("list", "--json")).stdout).toBe(first.stdout);
  });

  const root = process.getuid?.() === 0;
  test.skipIf(!root || !existsSync("/usr/bin/setpriv"))("an unreadable session file costs one warning, and the rest are listed", async () => {
    const other = isolatedEnv();
    const readable = writeSession(other.configDir, { era: "2.1", cwd: "/home/bob/app", seed: "readable" });
    const secret = writeSession(other.configDir, { era: "2.1", cwd: "/home/bob/app", seed: "secret" });
    chmodSync(other.home, 0o755);
    for (const dir of [other.configDir, join(other.configDir, "projects"), join(other.configDir, "projects", readable.folder)]) chmodSync(dir, 0o755);
    for (const f of readable.files) chmodSync(join(other.configDir, "projects", readable.folder, f), 0o644);
    chmodSync(join(other.configDir, "projects", secret.folder, secret.files[0]!), 0o600);
    // nobody cannot write a cache in root's home either: listing must not mind.
    const nobody = { ...other.env, XDG_CACHE_HOME: join(other.home, ".cache") };
    const { code, stdout, stderr } = await run(["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", bin, "list", "--json"], { env: nobody });
    expect(code).toBe(0);
    expect(JSON.parse(stdout).map((e: { id: string }) => e.id)).toEqual([readable.id]);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toContain(secret.id);
  });
});

describe("ccshare show", () => {
  const main = () => sessions.find((s) => s.subagents === 3)!;

  test("prints prompts, answers, one line per tool call, cut results and marked subagents", async () => {
    const { code, stdout } = await ccshare("show", main().id.slice(0, 8));
    expect(code).toBe(0);
    for (const text of main().texts) expect(stdout).toContain(text);
    expect(stdout).toContain("\n> Please fix the parser bug");
    expect(stdout).toMatch(/\n {2}→ Read \/home\/alice\/src\/app\/src\/parser-0\.ts\n/);
    expect(stdout).toContain("more line");
    expect(stdout.match(/┌ subagent /g)).toHaveLength(3);
    expect(stdout).toContain("\n  ∴ Let me think.\n"); // thinking: one line, unless --thinking
    expect(stdout).not.toContain(ESC);
  });

  test("--json prints the normalised entries", async () => {
    const { code, stdout } = await ccshare("show", main().id, "--json");
    expect(code).toBe(0);
    const entries = JSON.parse(stdout) as { kind: string; text: string; subagent?: string }[];
    const said = (e: { kind: string }) => e.kind === "prompt" || e.kind === "answer";
    const mainTexts = entries.filter((e) => said(e) && !e.subagent).map((e) => e.text);
    const subagentTexts = entries.filter((e) => said(e) && e.subagent).map((e) => e.text);
    expect([...mainTexts, ...subagentTexts.filter((t) => t.startsWith("Find"))]).toEqual(main().texts);
    expect(new Set(entries.filter((e) => e.subagent).map((e) => e.subagent)).size).toBe(3);
    expect(new Set(entries.map((e) => e.kind))).toEqual(new Set(["prompt", "answer", "tool", "result"]));
  });

  test("--raw prints the file's bytes as they are when stdout is not a terminal", async () => {
    const s = sessions.find((x) => x.era === "2.0" && x.firstPrompt === x.title)!; // the one with invalid UTF-8
    const proc = Bun.spawn([bin, "show", s.id, "--raw"], { env, stdout: "pipe" });
    const bytes = new Uint8Array(await new Response(proc.stdout).arrayBuffer());
    expect(await proc.exited).toBe(0);
    expect(bytes).toEqual(new Uint8Array(readFileSync(join(configDir, "projects", s.folder, s.files[0]!))));
  });

  test("strips escape sequences from session content, and colours only a terminal without NO_COLOR", async () => {
    const own = isolatedEnv();
    const id = uuidFrom("e2e-escapes");
    const t = new Transcript({ era: "2.1", sessionId: id, cwd: "/x", branch: "main", start: new Date() });
    t.prompt("Title \x1b]0;pwned\x07here \x1b]52;c;ZXZpbA==\x1b\\and \x1b[2Jclear").reply("Answer \x1b[31mred\x1b[0m");
    mkdirSync(join(own.configDir, "projects", "-x"), { recursive: true });
    writeFileSync(join(own.configDir, "projects", "-x", `${id}.jsonl`), t.text());
    const plain = await run([bin, "show", id], { env: own.env });
    expect(plain.stdout).toContain("> Title here and clear");
    expect(plain.stdout).toContain("Answer red");
    expect(plain.stdout).not.toContain(ESC);
    // PAGER=cat: this checks show's own bytes on a terminal (test/e2e/terminal.test.ts checks the pager).
    const { NO_COLOR: _, ...colourEnv }: Record<string, string> = { ...own.env, PAGER: "cat" };
    const piped = await run([bin, "show", id], { env: colourEnv });
    expect(piped.stdout).not.toContain(ESC);
    if (existsSync("/usr/bin/script")) {
      const tty = await run(["/usr/bin/script", "-qec", `${bin} show ${id}`, "/dev/null"], { env: { ...colourEnv, TERM: "xterm" } });
      expect(tty.stdout).toContain(`${ESC}[1m`);
      expect(tty.stdout).not.toContain("pwned");
      expect(tty.stdout).not.toContain(`${ESC}]`);
      const raw = await run(["/usr/bin/script", "-qec", `${bin} show ${id} --raw`, "/dev/null"], { env: { ...colourEnv, TERM: "xterm" } });
      expect(raw.stdout).toContain('"parentUuid"');
      expect(raw.stdout).not.toContain(`${ESC}]`);
      const noColor = await run(["/usr/bin/script", "-qec", `${bin} show ${id}`, "/dev/null"], { env: { ...own.env, PAGER: "cat", TERM: "xterm" } });
      expect(noColor.stdout).not.toContain(ESC);
    }
  });

  test("an unknown id is a clear error and exit 1", async () => {
    const { code, stderr } = await ccshare("show", "abcdef12");
    expect(code).toBe(1);
    expect(stderr).toContain("No session with id abcdef12");
  });

  test("an ambiguous prefix lists the candidates and exits 1", async () => {
    const own = isolatedEnv();
    const a = writeSession(own.configDir, { era: "2.1", cwd: "/a", id: "aaaa1111-8b1d-4c6e-9a7f-2d5e8c1b4a90" });
    const b = writeSession(own.configDir, { era: "2.0", cwd: "/b", id: "aaaa2222-8b1d-4c6e-9a7f-2d5e8c1b4a90" });
    const { code, stderr } = await run([bin, "show", "aaaa"], { env: own.env });
    expect(code).toBe(1);
    expect(stderr).toContain(a.id);
    expect(stderr).toContain(b.id);
  });
});
