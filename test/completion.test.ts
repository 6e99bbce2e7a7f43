// `ccshare completion bash|zsh|fish` (src/ui/completion.ts): generated from the
// command definitions, so each script names every command and flag that
// `--help` shows; each is valid for its shell, and bash and fish really complete.
import { beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { defineCommand } from "citty";
import { cliShape, completionScript, SHELLS } from "../src/ui/completion.ts";
import { writeManySessions } from "./fixtures/many_sessions.ts";
import type { FixtureSession } from "./fixtures/store.ts";
import { isolatedEnv, requireBinary, run } from "./support/bin.ts";
import { tempDir } from "./support/cleanup.ts";

const scratch = tempDir("ccshare-completion-");
const scripts: Record<string, string> = {};
let commands: string[] = [];
const flags: Record<string, string[]> = {};
/** A shell the checks run in; CI installs every one of them (.ci/run), so a missing one fails rather than passing unchecked. */
function requireShell(tool: string): void {
  if (Bun.which(tool) === null) throw new Error(`${tool} is missing: \`apt-get install -y ${tool}\` (CI's .ci/run installs it).`);
}

beforeAll(async () => {
  const bin = requireBinary();
  for (const shell of SHELLS) {
    const out = await run([bin, "completion", shell]);
    expect(out.code).toBe(0);
    scripts[shell] = out.stdout;
    writeFileSync(join(scratch, `ccshare.${shell}`), out.stdout);
  }
  // What the CLI itself says it has: `USAGE ccshare list|show|...`, then each command's OPTIONS.
  const help = await run([bin, "--help"]);
  commands = /USAGE ccshare ([a-z|-]+)/.exec(help.stdout)![1]!.split("|");
  for (const command of commands) {
    const out = await run([bin, command, "--help"]);
    // The option column only (descriptions mention other commands' flags, like `claude --resume`).
    flags[command] = [...out.stdout.matchAll(/^\s*(?:-[a-zA-Z], )?(--[a-z][a-z-]*)/gm)].map((m) => m[1]!);
  }
}, 60_000);

describe("completion scripts", () => {
  test("the CLI has the commands the scripts are checked against", () => {
    expect(commands).toEqual(expect.arrayContaining(["list", "show", "share", "receive", "relay", "export", "import", "completion"]));
    expect(flags.export).toEqual(expect.arrayContaining(["--out", "--force", "--session", "--passphrase", "--yes"]));
    expect(flags.import).toEqual(expect.arrayContaining(["--into", "--list", "--json"]));
  });

  for (const shell of SHELLS) {
    test(`the ${shell} script names every command and every flag of each`, () => {
      const missing: string[] = [];
      for (const command of commands) {
        if (!new RegExp(`\\b${command}\\b`).test(scripts[shell]!)) missing.push(command);
        for (const flag of flags[command]!) {
          const spelled = shell === "fish" ? `-l ${flag.slice(2)}` : flag;
          if (!scripts[shell]!.includes(spelled)) missing.push(`${command} ${flag}`);
        }
      }
      expect(missing).toEqual([]);
    });
  }

  test("the bash script is valid bash (bash -n)", async () => {
    expect((await run(["bash", "-n", join(scratch, "ccshare.bash")])).code).toBe(0);
  });

  test("the zsh script is valid zsh (zsh -n)", async () => {
    requireShell("zsh");
    const out = await run(["zsh", "-n", join(scratch, "ccshare.zsh")]);
    expect([out.code, out.stderr]).toEqual([0, ""]);
  });

  test("the fish script is valid fish (fish -n)", async () => {
    requireShell("fish");
    const out = await run(["fish", "-n", join(scratch, "ccshare.fish")]);
    expect([out.code, out.stderr]).toEqual([0, ""]);
  });

  test("bash completes commands, flags, the shell names and folders", async () => {
    const dirs = join(scratch, "tree");
    mkdirSync(join(dirs, "projects-a"), { recursive: true });
    writeFileSync(join(dirs, "project-file"), "");
    const complete = async (...words: string[]) => {
      const script = `source ${join(scratch, "ccshare.bash")}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length - 1}; _ccshare; printf '%s\\n' "\${COMPREPLY[@]}"`;
      return (await run(["bash", "-c", script], { cwd: dirs })).stdout.trim().split("\n").filter(Boolean);
    };
    expect(await complete("ccshare", "im")).toEqual(["import"]);
    expect(await complete("ccshare", "export", "--o")).toEqual(["--out"]);
    expect(await complete("ccshare", "completion", "")).toEqual(["bash", "zsh", "fish"]);
    expect(await complete("ccshare", "import", "sessions.ccs", "--into", "proj")).toEqual(["projects-a"]);
    expect(await complete("ccshare", "share", "--passphrase", "")).toEqual([]);
  });

  test("fish completes commands and flags", async () => {
    requireShell("fish");
    const complete = async (line: string) => (await run(["fish", "--no-config", "-c", `source ${join(scratch, "ccshare.fish")}; complete -C '${line}'`])).stdout.trim().split("\n").map((l) => l.split("\t")[0]);
    expect(await complete("ccshare exp")).toEqual(["export"]);
    expect(await complete("ccshare import --li")).toEqual(["--list"]);
  });

  test("an unknown shell is a usage error", async () => {
    const out = await run([requireBinary(), "completion", "tcsh"]);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('"tcsh" is not one of them');
  });
});

describe("completion of session ids and code words (asked of the binary on Tab)", () => {
  const { env } = isolatedEnv();
  let sessions: FixtureSession[] = [];
  beforeAll(async () => {
    sessions = writeManySessions(env.CLAUDE_CONFIG_DIR!, 12);
    expect((await run([requireBinary(), "list"], { env })).code).toBe(0); // the catalog cache completion reads
  });
  const bash = async (...words: string[]) => {
    const script = `source ${join(scratch, "ccshare.bash")}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length - 1}; _ccshare; printf '%s\\n' "\${COMPREPLY[@]}"`;
    return (await run(["bash", "-c", script], { env })).stdout.trim().split("\n").filter(Boolean);
  };

  test("bash completes show's id, share's and export's --session from this machine's sessions, newest first", async () => {
    const newest = [...sessions].reverse().map((s) => s.id);
    expect(await bash(requireBinary(), "show", "")).toEqual(newest);
    const one = sessions[3]!.id;
    expect(await bash(requireBinary(), "export", "--session", one.slice(0, 6))).toEqual(newest.filter((id) => id.startsWith(one.slice(0, 6))));
    expect(await bash(requireBinary(), "share", "--session", "topic-11")).toEqual([sessions[11]!.id]); // by title
    // receive's and import's --session are the sharer's sessions, not this machine's.
    expect(await bash(requireBinary(), "import", "b.ccs", "--session", "")).toEqual([]);
  });

  test("bash completes the words of a code after its room", async () => {
    expect(await bash(requireBinary(), "receive", "K7P2QX-orbit-map")).toEqual(["K7P2QX-orbit-maple"]);
    expect(await bash(requireBinary(), "receive", "K7P2QX-orbit-cab")).toEqual(["K7P2QX-orbit-cabbage", "K7P2QX-orbit-cabin", "K7P2QX-orbit-cable"]);
    expect(await bash(requireBinary(), "receive", "K7P2")).toEqual([]);
  });

  test("fish shows each id with its title", async () => {
    requireShell("fish");
    const out = await run(["fish", "--no-config", "-c", `source ${join(scratch, "ccshare.fish")}; complete -C '${requireBinary()} show ${sessions[5]!.id.slice(0, 8)}'`], { env });
    expect(out.stdout.trim()).toBe(`${sessions[5]!.id}\tTask number 5 about topic-5 refactor`);
  });
});

test("a command added to the definitions is completed in every shell without touching the generator", async () => {
  const root = defineCommand({
    meta: { name: "ccshare" },
    subCommands: {
      frobnicate: () => Promise.resolve(defineCommand({ meta: { description: "Frobnicate things." }, args: { "dry-run": { type: "boolean", description: "Only say what would happen" }, into: { type: "string", valueHint: "DIR" } } })),
    },
  });
  const shape = await cliShape(root);
  expect(shape.commands.map((c) => c.name)).toEqual(["frobnicate"]);
  for (const shell of SHELLS) {
    const script = completionScript(shell, shape);
    expect(script).toContain("frobnicate");
    expect(script).toContain(shell === "fish" ? "-l dry-run" : "--dry-run");
  }
});
