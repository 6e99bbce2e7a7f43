// The CLI root: help, version, exit codes (DESIGN.md §1), run as the binary.
import { describe, expect, test } from "bun:test";
import pkg from "../package.json" with { type: "json" };
import { SUMMARIES } from "../src/cli.ts";
import { isolatedEnv, requireBinary, run } from "./support/bin.ts";

const { env } = isolatedEnv();
const ccshare = (...args: string[]) => run([requireBinary(), ...args], { env });

describe("the root command", () => {
  test("root --help lists every command with the description its own --help shows", async () => {
    const root = await ccshare("--help");
    expect(root.code).toBe(0);
    for (const [name, summary] of Object.entries(SUMMARIES)) {
      expect(root.stdout).toContain(`${name}`);
      expect(root.stdout).toContain(summary);
      const own = await ccshare(name, "--help");
      expect(own.code).toBe(0);
      expect(own.stdout).toContain(summary);
      expect(own.stdout).toContain("EXAMPLES");
    }
  });

  test("--version prints the package version", async () => {
    const r = await ccshare("--version");
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  test("an unknown command is a usage error: exit 2 and one sentence", async () => {
    const r = await ccshare("frobnicate");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('ccshare: ccshare has no command "frobnicate"; the commands are list, show, view, share, receive, relay, export, import, scan, completion.\n');
  });

  test("help text has no colour codes when stdout is not a terminal", async () => {
    const r = await ccshare("share", "--help");
    expect(r.stdout).not.toContain("\x1b[");
  });

  test("a bad value is a usage error that names the flag", async () => {
    const r = await ccshare("receive", "K7P2QX-orbit-maple", "--timeout", "soon");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--timeout");
  });
});
