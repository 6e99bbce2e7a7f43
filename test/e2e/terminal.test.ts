// `show` and `list` on a real terminal: the compiled binary in a pseudo-
// terminal (util-linux `script`) of a set width, with a stand-in pager that
// records what it was given, and the real less.
import { beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { displayWidth } from "../../src/ui/table.ts";
import { Transcript, uuidFrom } from "../fixtures/lines.ts";
import { writeRichSession, type RichSession } from "../fixtures/rich_session.ts";
import { writeBigStore, writeStore } from "../fixtures/store.ts";
import { isolatedEnv, requireBinary, run } from "../support/bin.ts";

setDefaultTimeout(60_000);

const SCRIPT = "/usr/bin/script";
let bin: string;
let env: Record<string, string>;
let home: string;
let rich: RichSession;
let thinker: string;
const ansi = /\x1b\[[0-9;?]*[A-Za-z]|\x1b[=>]|\r/g;

/** Runs `command` in a terminal of `cols` columns (and many rows, so less -F returns at once). */
function inTerminal(command: string, o: { cols: number; env?: Record<string, string> }) {
  return run([SCRIPT, "-qec", `stty cols ${o.cols} rows 500; ${command}`, "/dev/null"], { env: { TERM: "xterm", ...(o.env ?? env) } });
}

beforeAll(() => {
  bin = requireBinary();
  ({ env, home } = isolatedEnv());
  const configDir = env.CLAUDE_CONFIG_DIR!;
  rich = writeRichSession(configDir);
  writeStore(configDir);
  thinker = uuidFrom("terminal:thinker");
  const t = new Transcript({ era: "2.1", sessionId: thinker, cwd: "/home/alice/think", branch: "main", start: new Date("2026-07-19T08:00:00Z") });
  t.prompt("Think it over");
  t.response([{ type: "thinking", thinking: `First line of a long thought ${"and more ".repeat(30)}\nsecond line of it\nthird line of it`, signature: "s" }, { type: "text", text: "Thought." }]);
  mkdirSync(join(configDir, "projects", "-home-alice-think"), { recursive: true });
  writeFileSync(join(configDir, "projects", "-home-alice-think", `${thinker}.jsonl`), t.text());
  // A stand-in `less`: records its arguments, its LESS and LESSCHARSET, and what it was given.
  mkdirSync(join(home, "bin"));
  writeFileSync(join(home, "bin", "less"), `#!/bin/sh\nprintf '%s|%s|%s\\n' "$*" "$LESS" "$LESSCHARSET" > ${home}/less-args\ncat > ${home}/paged\n`);
  chmodSync(join(home, "bin", "less"), 0o755);
});

const fakeLess = () => ({ ...env, PATH: `${home}/bin:${env.PATH}` });

describe.skipIf(!existsSync(SCRIPT))("show on a terminal", () => {
  test("goes through `less -R` with LESS=FRX, cutting tool lines to the terminal's width", async () => {
    const r = await inTerminal(`${bin} show ${rich.id}`, { cols: 70, env: fakeLess() });
    expect(r.code).toBe(0);
    expect(readFileSync(`${home}/less-args`, "utf8")).toBe("-R|FRX|utf-8\n");
    const paged = readFileSync(`${home}/paged`, "utf8").replace(ansi, "");
    expect(paged.split("\n")[0]).toBe(rich.title);
    expect(paged.split("\n")[1]).toBe("/home/alice/src/parser · branch fix/parser · 2026-07-19 09:00 → 2026-…");
    const cut = paged.split("\n").filter((l) => /^(\│ )*( {2}[→∴]| {4}⎿| {6})/.test(l));
    expect(cut.length).toBeGreaterThan(10);
    for (const line of cut) expect([line, displayWidth(line) <= 70]).toEqual([line, true]);
  });

  test("pairs parallel calls with their own results, puts the subagent at its call, and marks Claude Code's own reply", async () => {
    await inTerminal(`${bin} show ${rich.id}`, { cols: 120, env: fakeLess() });
    const paged = readFileSync(`${home}/paged`, "utf8").replace(ansi, "");
    const at = (text: string) => paged.indexOf(text);
    // Bash's result came first in the file; each result is printed under its own call.
    expect(at("→ Read /home/alice/src/parser/src/parser.ts")).toBeLessThan(at("1→export function parse"));
    expect(at("1→export function parse")).toBeLessThan(at("→ Bash npm test"));
    expect(at("→ Bash npm test")).toBeLessThan(at("⎿ FAIL parser.test.ts"));
    expect(at("→ Task Find callers of parse")).toBeLessThan(at("┌ subagent Find callers of parse (Explore)"));
    expect(at("│ > Find every caller of parse()")).toBeLessThan(at("    ⎿ Two callers: src/cli.ts and src/api.ts rich-subagent-answer"));
    expect(paged).not.toContain("agentId:"); // Claude Code's own bookkeeping line
    expect(paged).toContain('(Claude Code wrote "No response requested."; not the model)');
    expect(paged).toMatch(/Tokens: [\d,]+ in \([\d,]+ from cache\) · [\d,]+ out, over \d+ responses\./);
  });

  test("shows thinking dimmed on one line, or whole with --thinking", async () => {
    const { NO_COLOR: _, ...colour }: Record<string, string> = { ...env, PAGER: "cat" };
    const short = await inTerminal(`${bin} show ${thinker}`, { cols: 60, env: colour });
    const line = short.stdout.split("\n").find((l) => l.includes("First line of a long thought"))!;
    expect(line).toStartWith("\x1b[2m  ∴ First line");
    expect(displayWidth(line.replace(ansi, ""))).toBeLessThanOrEqual(60);
    expect(short.stdout).not.toContain("second line of it");
    const whole = await inTerminal(`${bin} show ${thinker} --thinking`, { cols: 60, env: colour });
    expect(whole.stdout.replace(ansi, "")).toContain("    second line of it\n    third line of it");
  });

  test("uses $PAGER when set, and no pager on a pipe", async () => {
    const r = await inTerminal(`${bin} show ${rich.id}`, { cols: 80, env: { ...fakeLess(), PAGER: `cat > ${home}/by-pager` } });
    expect(r.code).toBe(0);
    expect(readFileSync(`${home}/by-pager`, "utf8")).toContain(rich.text.prompt);
    writeFileSync(`${home}/less-args`, "");
    const piped = await run([bin, "show", rich.id], { env: fakeLess() });
    expect(piped.stdout).toContain(rich.text.prompt);
    expect(readFileSync(`${home}/less-args`, "utf8")).toBe("");
  });

  test("runs the real less, which returns at once when the text fits the screen", async () => {
    const r = await inTerminal(`${bin} show ${thinker}`, { cols: 100 });
    expect(r.code).toBe(0);
    expect(r.stdout.replace(ansi, "")).toContain("Think it over");
  });
});

describe.skipIf(!existsSync(SCRIPT))("list on a terminal", () => {
  test("fits every row to the terminal's width, and --wide does not cut", async () => {
    for (const cols of [50, 80, 120]) {
      const r = await inTerminal(`${bin} list`, { cols });
      const rows = r.stdout.replace(ansi, "").trimEnd().split("\n");
      expect(rows.length).toBeGreaterThan(10);
      for (const row of rows) expect([cols, row, displayWidth(row) <= cols]).toEqual([cols, row, true]);
    }
    const wide = (await inTerminal(`${bin} list --wide`, { cols: 50 })).stdout.replace(ansi, "").split("\n");
    expect(wide.some((row) => displayWidth(row) > 50)).toBe(true);
  });

  test("on a pipe, keeps one row per session, uncut", async () => {
    const listed = JSON.parse((await run([bin, "list", "--json"], { env })).stdout) as { title: string }[];
    const rows = (await run([bin, "list"], { env })).stdout.trimEnd().split("\n");
    expect(rows).toHaveLength(listed.length + 1);
    for (const [i, s] of listed.entries()) expect(rows[i + 1]).toContain(s.title.replace(/\s+/g, " ").trim());
  });

  test("`list | head` ends quietly when head stops reading", async () => {
    const big = isolatedEnv();
    writeBigStore(big.configDir, { sessions: 1000, totalBytes: 1 });
    const r = await run(["/bin/sh", "-c", `${bin} list | head -1; ${bin} list --json | head -1`], { env: big.env });
    expect(r).toEqual({ code: 0, stdout: "ID        TITLE              PROJECT                          BRANCH       MSGS  MODIFIED      SIZE\n[\n", stderr: "" });
  });
});
