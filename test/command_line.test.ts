// Issue 12 §2 and issue 18: strict command lines (every command, every option),
// stable --json error codes, and --help checked against what each command
// does. Run as the binary, as users and scripts run it.
import { beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as errors from "../src/errors.ts";
import { writeManySessions } from "./fixtures/many_sessions.ts";
import { isolatedEnv, repoRoot, requireBinary, run } from "./support/bin.ts";

const { env, home } = isolatedEnv();
const ccshare = (...args: string[]) => run([requireBinary(), ...args], { env, cwd: home });
let commands: string[] = [];
const options: Record<string, string[]> = {};

beforeAll(async () => {
  writeManySessions(env.CLAUDE_CONFIG_DIR!, 3);
  commands = /USAGE ccshare ([a-z|-]+)/.exec((await ccshare("--help")).stdout)![1]!.split("|");
  for (const command of commands) {
    options[command] = [...(await ccshare(command, "--help")).stdout.matchAll(/^\s*(?:-[a-zA-Z], )?--([a-z][a-z-]*)/gm)].map((m) => m[1]!);
  }
}, 60_000);

describe("strict command lines", () => {
  test("a misspelt option is a usage error that does nothing: export --projct X --all writes no bundle", async () => {
    const r = await ccshare("export", "--projct", "/x", "--all", "--out", "all.ccs", "--passphrase", "a-b-c");
    expect([r.code, r.stderr]).toEqual([2, "ccshare: ccshare export has no option --projct; did you mean --project?\n"]);
    expect(existsSync(join(home, "all.ccs"))).toBe(false);
  });

  test("every option of every command, misspelt, is refused with that option offered", async () => {
    const refused: string[] = [];
    for (const command of commands) {
      for (const option of options[command]!.filter((o) => o !== "help")) {
        const typo = `${option}x`;
        const r = await ccshare(command, `--${typo}`);
        if (r.code !== 2 || !r.stderr.includes(`no option --${typo}; did you mean --${option}?`)) refused.push(`${command} --${typo}: ${r.code} ${r.stderr.trim()}`);
      }
    }
    expect(refused).toEqual([]);
  }, 60_000);

  test("a misspelt command is refused with the nearest offered", async () => {
    const r = await ccshare("exprt", "--all");
    expect([r.code, r.stderr]).toEqual([2, 'ccshare: ccshare has no command "exprt"; did you mean export?\n']);
  });

  test("an extra argument, a missing one, a switch given a value, a value missing: each exit 2, one sentence", async () => {
    const cases: [string[], string][] = [
      [["list", "extra"], 'ccshare list takes no arguments, but was also given "extra".'],
      [["show"], "ccshare show needs ID (the session id, or its first characters)."],
      [["import"], "ccshare import needs FILE (the bundle file (.ccs))."],
      [["export", "--all"], "ccshare export needs --out FILE (the bundle file to write)."],
      [["share", "--all=yes"], '--all is a switch and takes no value, but got "yes".'],
      [["list", "--since"], "--since needs a value: --since DATE."],
      [["--json", "list"], "Options go after the command: ccshare list --json."],
      [["receive", "-q"], "ccshare receive has no option -q; see ccshare receive --help for its options."],
    ];
    for (const [args, message] of cases) expect([args, (await ccshare(...args)).code, (await ccshare(...args)).stderr]).toEqual([args, 2, `ccshare: ${message}\n`]);
  });

  test("the documented spellings still work: --no-lan, -y, --flag=value, --relay with no URL", async () => {
    expect((await ccshare("list", "--since=3d", "--json")).code).toBe(0);
    const r = await ccshare("share", "--no-lan", "--relay", "-y", "--all");
    expect(r.stderr).toBe("ccshare: No relay configured: pass --relay wss://host:port or set CCSHARE_RELAY.\n");
  });
});

describe("--json errors", () => {
  test("carry a stable code and the sentence, never a class name", async () => {
    const cases: [string[], string][] = [
      [["show", "ffffffff", "--json"], "session-not-found"],
      [["list", "--bogus", "--json"], "usage"],
      [["import", "nowhere.ccs", "--json", "--passphrase", "a-b-c"], "failed"],
    ];
    for (const [args, code] of cases) {
      const r = await ccshare(...args);
      const event = JSON.parse(r.stdout.trim());
      expect([args, Object.keys(event), event.code]).toEqual([args, ["event", "code", "message"], code]);
      expect(r.stderr).toBe(`ccshare: ${event.message}\n`);
    }
  });

  test("every error class has its own code, in kebab case, and the README's table lists each", () => {
    const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
    const codes = new Map<string, string>();
    for (const [name, value] of Object.entries(errors)) {
      if (typeof value !== "function" || !(value.prototype instanceof Error) || name === "fromFsError") continue;
      const code = new (value as new (m: string) => errors.CcshareError)("x").code;
      expect([name, /^[a-z]+(-[a-z]+)*$/.test(code)]).toEqual([name, true]);
      expect([name, codes.get(code)]).toEqual([name, undefined]);
      codes.set(code, name);
    }
    for (const code of [...codes.keys(), "unexpected"]) expect([code, readme.includes(`\`${code}\``)]).toEqual([code, true]);
  });

  test("the README's --json table names every event any command emits", () => {
    const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
    const events = new Set<string>();
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(dir, e.name));
        else for (const m of readFileSync(join(dir, e.name), "utf8").matchAll(/event: "([a-z-]+)"/g)) events.add(m[1]!);
      }
    };
    walk(join(repoRoot, "src"));
    expect(events.size).toBeGreaterThan(10);
    for (const event of events) expect([event, readme.includes(`| \`${event}\``)]).toEqual([event, true]);
  });
});

describe("--help against what each command does", () => {
  /** The options a command's source reads: args.x, args["x-y"], repeated(rawArgs, "x"). */
  function optionsRead(command: string): Set<string> {
    const source = readFileSync(join(repoRoot, "src/commands", `${command}.ts`), "utf8");
    const read = new Set<string>();
    for (const m of source.matchAll(/args\.([a-z][a-zA-Z]*)|args\["([a-z-]+)"\]|repeated\(rawArgs, "([a-z-]+)"\)/g)) read.add(m[1] ?? m[2] ?? m[3]!);
    return read;
  }

  test("no command documents an option it does not read, nor reads one it does not document", () => {
    const wrong: string[] = [];
    for (const command of commands) {
      const documented = new Set(options[command]!.filter((o) => !o.startsWith("no-") && o !== "help" && o !== "verbose"));
      // Positionals are read as args too (`args.file`); they are documented as USAGE, not options.
      const usage = readFileSync(join(repoRoot, "src/commands", `${command}.ts`), "utf8");
      const positionals = new Set([...usage.matchAll(/(\w+): \{\s*type: "positional"/g)].map((m) => m[1]!));
      const read = [...optionsRead(command)].filter((o) => !positionals.has(o));
      for (const o of documented) if (!read.includes(o)) wrong.push(`${command} documents --${o} but never reads it`);
      for (const o of read) if (!documented.has(o)) wrong.push(`${command} reads --${o} but --help does not show it`);
    }
    expect(wrong).toEqual([]);
  });

  test("receive --help says the code is asked for (hidden) when omitted, and no longer offers to generate a passphrase", async () => {
    const help = (await ccshare("receive", "--help")).stdout.replace(/\s+/g, " ");
    expect(help).toContain("Omitted on a terminal: asked for, hidden, since other local users can see argv");
    expect(help).not.toContain("generated");
  });
});
