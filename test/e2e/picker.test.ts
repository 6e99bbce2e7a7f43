// Issue 12 §1: the picker, as a person meets it, in the compiled binary (and
// under Deno) on a real pseudo-terminal, read through a real terminal emulator.
import { beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { writeManySessions } from "../fixtures/many_sessions.ts";
import type { FixtureSession } from "../fixtures/store.ts";
import { cliSource, denoPath, isolatedEnv, requireBinary, run } from "../support/bin.ts";
import { KEY, Pty } from "../support/pty.ts";
import { startRelay } from "../support/relay_process.ts";

setDefaultTimeout(60_000);

const PASSPHRASE = "abandon-ability-able-about-above-absent-absorb-abstract";
let env: Record<string, string>;
let home: string;
let sessions: FixtureSession[];

beforeAll(() => {
  ({ env, home } = isolatedEnv());
  sessions = writeManySessions(env.CLAUDE_CONFIG_DIR!, 500);
});

function exportIn(out: string, o: { cols?: number; command?: string[] } = {}): Pty {
  return new Pty([...(o.command ?? [requireBinary()]), "export", "--out", join(home, out), "--passphrase", PASSPHRASE], { env, cols: o.cols ?? 100, rows: 30 });
}

async function bundleIds(file: string): Promise<string[]> {
  const r = await run([requireBinary(), "import", join(home, file), "--list", "--json", "--passphrase", PASSPHRASE], { env });
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout.trim().split("\n")[0]!).sessions.map((s: { id: string }) => s.id).sort();
}

describe("the export picker over 500 sessions", () => {
  test("typing part of one title, Space and Enter exports exactly that session", async () => {
    const pty = exportIn("one.ccs");
    await pty.waitFor("esc cancel");
    expect(pty.lines()[0]).toContain("Sessions to export  500 sessions, 0 selected");
    pty.write("topic-421 ");
    await pty.waitFor("1 of 500 sessions, 1 selected");
    pty.write(KEY.enter);
    expect(await pty.exited()).toBe(0);
    expect(pty.history().join("\n")).toContain("✔ Sessions to export: 1 selected");
    expect(await bundleIds("one.ccs")).toEqual([sessions[421]!.id]);
  });

  test("the filter matches the project and the first prompt; arrows, End and Ctrl-A select; Enter takes them", async () => {
    const pty = exportIn("some.ccs");
    await pty.waitFor("esc cancel");
    pty.write("proj-3");
    await pty.waitFor("71 of 500 sessions");
    pty.write(KEY.ctrlA);
    await pty.waitFor("71 selected");
    pty.write(KEY.ctrlA); // all of them again: none
    await pty.waitFor("0 selected");
    pty.write(KEY.end + KEY.space + KEY.home + KEY.space + KEY.down + KEY.space + KEY.up + KEY.space);
    await pty.waitFor("2 selected");
    pty.write(KEY.enter);
    expect(await pty.exited()).toBe(0);
    const inProj3 = sessions.filter((s) => s.cwd.endsWith("proj-3"));
    // Newest first: End selects the oldest, Home the newest, Down the next; Up and Space unselect the newest.
    expect(await bundleIds("some.ccs")).toEqual([inProj3[0]!.id, inProj3.at(-2)!.id].sort());
  });

  test("Esc cancels: exit 130, 'Cancelled; nothing was exported.', no file", async () => {
    const pty = exportIn("none.ccs");
    await pty.waitFor("esc cancel");
    pty.write(KEY.space + KEY.escape);
    expect(await pty.exited()).toBe(130);
    expect(pty.history().join("\n")).toContain("ccshare: Cancelled; nothing was exported.");
    expect(pty.history().join("\n")).not.toContain("Unexpected error");
    expect(existsSync(join(home, "none.ccs"))).toBe(false);
  });

  test("Ctrl-C cancels the same way", async () => {
    const pty = exportIn("none2.ccs");
    await pty.waitFor("esc cancel");
    pty.write(KEY.ctrlC);
    expect(await pty.exited()).toBe(130);
    expect(pty.history().join("\n")).toContain("Cancelled; nothing was exported.");
  });

  for (const cols of [60, 200]) {
    test(`at ${cols} columns every row fits: none wraps, none is left behind after moving and selecting`, async () => {
      const pty = exportIn(`w${cols}.ccs`, { cols });
      await pty.waitFor("esc cancel");
      pty.write(KEY.space + KEY.down + KEY.space + KEY.pageDown + KEY.space + KEY.pageUp + "topic-4");
      await pty.waitFor("3 selected");
      expect(pty.wrappedRows()).toBe(0);
      const screen = pty.lines();
      // One frame: one title line, one help line, nothing of an earlier frame above or below.
      expect(screen.filter((l) => l.includes("Sessions to export")).length).toBe(1);
      expect(screen.filter((l) => l.includes("esc cancel")).length).toBe(1);
      for (const line of screen) expect(line.length).toBeLessThan(cols);
      pty.write(KEY.escape);
      expect(await pty.exited()).toBe(130);
    });
  }
});

describe("the picker under Deno", () => {
  test("works the same from source under Deno", async () => {
    const pty = exportIn("deno.ccs", { command: [denoPath, "run", "-A", cliSource] });
    await pty.waitFor("esc cancel", 30_000);
    pty.write("topic-77 ");
    await pty.waitFor("1 selected");
    pty.write(KEY.enter);
    expect(await pty.exited()).toBe(0);
    expect(await bundleIds("deno.ccs")).toEqual([sessions[77]!.id]);
  });
});

describe("the receive picker", () => {
  test("one offered session starts selected, so Enter takes it", async () => {
    const relay = await startRelay();
    const sharer = isolatedEnv();
    const [one] = writeManySessions(sharer.env.CLAUDE_CONFIG_DIR!, 1);
    const share = new Pty([requireBinary(), "share", "--session", one!.id, "--yes", "--no-lan", "--relay", relay.url, "--passphrase", "orbit-maple-tiger-flute"], { env: sharer.env });
    const shown = await share.waitFor(/ccshare receive .* ([0-9A-Z]{6}-orbit-maple-tiger-flute)/);
    const code = /([0-9A-Z]{6}-orbit-maple-tiger-flute)/.exec(shown)![1]!;
    const receiver = isolatedEnv();
    const receive = new Pty([requireBinary(), "receive", "--no-lan", "--relay", relay.url, code], { env: receiver.env, cwd: receiver.home });
    await receive.waitFor("esc cancel");
    expect(receive.lines().join("\n")).toContain("[x] Task number 0 about topic-0 refactor");
    expect(receive.lines().join("\n")).toContain("Sessions to receive  1 session, 1 selected");
    receive.write(KEY.enter);
    expect(await receive.exited()).toBe(0);
    expect(receive.history().join("\n")).toContain("Installed 1 session. To continue:");
    await share.exited();
    relay.stop();
  });

  test("Esc in the receive picker installs nothing and says so", async () => {
    const relay = await startRelay();
    const sharer = isolatedEnv();
    writeManySessions(sharer.env.CLAUDE_CONFIG_DIR!, 3);
    const share = new Pty([requireBinary(), "share", "--all", "--yes", "--no-lan", "--relay", relay.url, "--passphrase", "orbit-maple-tiger-flute"], { env: sharer.env });
    const code = /([0-9A-Z]{6}-orbit-maple-tiger-flute)/.exec(await share.waitFor(/[0-9A-Z]{6}-orbit-maple-tiger-flute/))![1]!;
    const receiver = isolatedEnv();
    const receive = new Pty([requireBinary(), "receive", "--no-lan", "--relay", relay.url, code], { env: receiver.env, cwd: receiver.home });
    await receive.waitFor("esc cancel");
    expect(receive.lines().join("\n")).toContain("Sessions to receive  3 sessions, 0 selected");
    receive.write(KEY.escape);
    expect(await receive.exited()).toBe(130);
    expect(receive.history().join("\n")).toContain("ccshare: Cancelled; nothing was installed.");
    expect(existsSync(join(receiver.env.CLAUDE_CONFIG_DIR!, "projects"))).toBe(false);
    share.kill();
    relay.stop();
  });
});
