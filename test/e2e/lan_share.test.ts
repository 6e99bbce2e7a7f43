// Issue 4 end to end: the compiled binary on both sides, inside an isolated
// network namespace (loopback only), found by real mDNS. Each test is one
// scenario a user can meet.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { projectFolderName } from "../../src/catalog/paths.ts";
import { writeStore, type FixtureSession } from "../fixtures/store.ts";
import { claudeCodeExecutable } from "../support/claude_code.ts";
import { createNetns, type Netns } from "../support/netns.ts";
import { resumeWith } from "../support/resume.ts";
import { fileLines, installedFiles, person, startJson, withoutCwd, writeBigSession, type Person } from "./_transfer_support.ts";

let ns: Netns;
beforeAll(async () => {
  ns = await createNetns();
});
afterAll(async () => {
  await ns?.destroy();
});

function topLevelCwd(line: string): string | undefined {
  try {
    const cwd = JSON.parse(line)?.cwd;
    return typeof cwd === "string" ? cwd : undefined;
  } catch {
    return undefined;
  }
}

const isReady = (e: Record<string, unknown>) => e.event === "ready";

async function sharer(who: Person, args: string[]) {
  const share = startJson(ns, ["share", "--yes", ...args], who);
  const ready = await share.next(isReady);
  return { share, code: String(ready.code), room: String(ready.room) };
}

describe("sharing on the LAN", () => {
  let alice: Person;
  let sessions: FixtureSession[];
  beforeAll(() => {
    alice = person();
    sessions = writeStore(alice.configDir);
  });

  test("a receiver gets every era's sessions, byte for byte apart from the cwd rewrite, and Claude Code resumes them", async () => {
    const bob = person();
    const { share, code } = await sharer(alice, ["--all", "--passphrase", "orbit maple tiger flute"]);
    const receive = startJson(ns, ["receive", code, "--all", "--yes"], bob);
    const installed = await receive.next((e) => e.event === "installed");
    expect(await receive.exited).toBe(0);
    expect(await share.exited).toBe(0);
    expect(share.events.at(-1)).toMatchObject({ event: "done", receivers: 1, reason: "sent" });

    const folder = join(bob.configDir, "projects", projectFolderName(bob.project, {}));
    expect((installed.sessions as unknown[]).length).toBe(sessions.length);
    for (const s of sessions) {
      for (const file of s.files) {
        // Paths into alice's project folder (saved tool output) now point into bob's.
        const sent = fileLines(join(alice.configDir, "projects", s.folder, file)).map((l) => l.replaceAll(`${join(alice.configDir, "projects", s.folder)}/`, `${folder}/`));
        const got = fileLines(join(folder, file));
        expect(got.length).toBe(sent.length);
        expect(got.map(withoutCwd)).toEqual(sent.map(withoutCwd));
      }
      // The transcript's recorded cwd now points at the receiver's project.
      const recorded = fileLines(join(folder, `${s.id}.jsonl`)).map(topLevelCwd).find((cwd) => cwd !== undefined);
      if (s.cwd === s.project) expect(recorded).toBe(bob.project);
    }

    // The proof the product works: the real Claude Code resumes what the binary installed.
    const claude = claudeCodeExecutable();
    const target = sessions.find((s) => s.era === "2.1" && s.texts.length > 0)!;
    const run = await resumeWith(claude, target.id, bob.project, { home: bob.home, config: bob.configDir });
    expect(run.output).not.toContain("No conversation found");
    expect(run.bodies.join("\n")).toContain(target.texts[0]!);
  }, 180_000);

  test("--keep-open serves two receivers, each with its own passphrase check", async () => {
    const { share, code } = await sharer(alice, ["--session", sessions[0]!.id, "--keep-open", "0.1", "--passphrase", "keep open words"]);
    const first = person();
    const second = person();
    const [a, b] = [startJson(ns, ["receive", code, "--all", "--yes"], first), startJson(ns, ["receive", code, "--all", "--yes"], second)];
    expect(await a.exited).toBe(0);
    expect(await b.exited).toBe(0);
    expect(await share.exited).toBe(0);
    expect(share.events.filter((e) => e.event === "sent").length).toBe(2);
    expect(share.events.at(-1)).toMatchObject({ event: "done", receivers: 2, reason: "time-up" });
    for (const who of [first, second]) expect(installedFiles(who.configDir).some((f) => f.endsWith(`${sessions[0]!.id}.jsonl`))).toBe(true);
  }, 60_000);

  test("a wrong passphrase fails with a clear error and installs nothing, then the right one works", async () => {
    const { share, room, code } = await sharer(alice, ["--session", sessions[1]!.id, "--passphrase", "right words here"]);
    const mallory = person();
    const wrong = startJson(ns, ["receive", `${room}-wrong words here`, "--all", "--yes"], mallory);
    expect(await wrong.exited).toBe(1);
    expect(await wrong.stderr).toContain("Wrong passphrase");
    expect(installedFiles(mallory.configDir)).toEqual([]);
    await share.next((e) => e.event === "failed-attempt");

    const bob = person();
    const right = startJson(ns, ["receive", code, "--all", "--yes"], bob);
    expect(await right.exited).toBe(0);
    expect(await share.exited).toBe(0);
    expect(installedFiles(bob.configDir).some((f) => f.endsWith(`${sessions[1]!.id}.jsonl`))).toBe(true);
  }, 60_000);

  test("the sharer stops after --max-attempts wrong passphrases and says so", async () => {
    const { share, room } = await sharer(alice, ["--session", sessions[2]!.id, "--passphrase", "the real one", "--max-attempts", "2"]);
    for (const guess of ["guess one", "guess two"]) {
      const mallory = person();
      const attempt = startJson(ns, ["receive", `${room}-${guess}`, "--all", "--yes"], mallory);
      expect(await attempt.exited).toBe(1);
    }
    expect(await share.exited).toBe(1);
    expect(await share.stderr).toContain("wrong passphrase attempts");
    expect(share.events.filter((e) => e.event === "failed-attempt").length).toBe(2);
  }, 60_000);
});

describe("a side that vanishes mid-transfer", () => {
  let alice: Person;
  let bigId: string;
  beforeAll(() => {
    alice = person();
    bigId = writeBigSession(alice.configDir, "/home/alice/src/big", 96);
  });

  test("a sharer killed mid-transfer leaves the receiver with an error and nothing installed", async () => {
    const { share, code } = await sharer(alice, ["--session", bigId, "--passphrase", "killed sharer"]);
    const bob = person();
    const receive = startJson(ns, ["receive", code, "--all", "--yes"], bob);
    await receive.next((e) => e.event === "progress");
    share.proc.kill("SIGKILL");
    expect(await receive.exited).toBe(1);
    expect(await receive.stderr).toMatch(/ended before it was complete|went away|closed/);
    expect(installedFiles(bob.configDir)).toEqual([]);
  }, 60_000);

  test("a receiver killed mid-transfer is noticed, and with --keep-open the sharer stays up for the next", async () => {
    const { share, code } = await sharer(alice, ["--session", bigId, "--passphrase", "killed receiver", "--keep-open", "1"]);
    const quitter = person();
    const first = startJson(ns, ["receive", code, "--all", "--yes"], quitter);
    await first.next((e) => e.event === "progress");
    first.proc.kill("SIGKILL");
    await share.next((e) => e.event === "peer-failed");
    expect(share.proc.exitCode).toBeNull();

    const bob = person();
    const second = startJson(ns, ["receive", code, "--all", "--yes"], bob);
    expect(await second.exited).toBe(0);
    await share.next((e) => e.event === "sent");
    const installed = join(bob.configDir, "projects", projectFolderName(bob.project, {}), `${bigId}.jsonl`);
    expect(existsSync(installed)).toBe(true);
    expect(readFileSync(installed).length).toBeGreaterThan(90 * 1024 * 1024);
    share.proc.kill("SIGINT");
    expect(await share.exited).toBe(0);
  }, 90_000);
});
