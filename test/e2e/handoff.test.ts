// Issue 12 §3 end to end: a session goes back and forth between two people with
// the compiled binary (share and receive through a relay on loopback) and the
// real Claude Code continuing it on each side, against the loopback stand-in
// for the model API (DESIGN.md §6). It must come back as an update of the one
// session, never a second copy, and once both sides are level nothing moves.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { projectFolderName } from "../../src/catalog/paths.ts";
import { claudeCodeExecutable } from "../support/claude_code.ts";
import { startRelay, type RelayProcess } from "../support/relay_process.ts";
import { claudeTurn } from "../support/resume.ts";
import { person, startJson, type Person } from "./_transfer_support.ts";

let claude = "";
let relay: RelayProcess | undefined;

beforeAll(async () => {
  claude = claudeCodeExecutable();
  relay = await startRelay();
}, 600_000);

afterAll(() => relay?.stop());

/** `who` shares session `id` through the relay; `to` receives it into its project. The receiver's last JSON event. */
async function handOver(who: Person, to: Person, id: string): Promise<Record<string, unknown>> {
  const share = startJson(undefined, ["share", "--session", id, "--yes", "--no-lan", "--relay", relay!.url], who);
  const ready = await share.next((e) => e.event === "ready");
  const receive = startJson(undefined, ["receive", "--no-lan", "--relay", relay!.url, String(ready.code), "--all", "--yes"], to);
  const installed = await receive.next((e) => e.event === "installed");
  expect([await receive.exited, await receive.stderr]).toEqual([0, expect.any(String)]);
  expect(await share.exited).toBe(0);
  return installed;
}

const session = (who: Person, id: string) => join(who.configDir, "projects", projectFolderName(who.project, {}), `${id}.jsonl`);
const transcripts = (who: Person) => readdirSync(join(who.configDir, "projects", projectFolderName(who.project, {}))).filter((n) => n.endsWith(".jsonl"));

describe("a session handed back and forth", () => {
  test("comes back as an update of the one session, Claude Code resumes the other side's turn, and a third hand-over moves nothing", async () => {
    const alice = person();
    const bob = person();
    const id = "5e1f2a3b-4c5d-4e6f-8a7b-9c0d1e2f3a4b";
    const r = (who: Person) => ({ home: who.home, config: who.configDir });

    // Alice starts the session with the real Claude Code.
    const first = await claudeTurn(claude, ["--session-id", id, "-p", "alice asks about marker-alice-1111"], alice.project, r(alice));
    expect(first.code).toBe(0);

    // To Bob: a new session there.
    const toBob = await handOver(alice, bob, id);
    expect(toBob.sessions).toEqual([expect.objectContaining({ id })]);
    expect((toBob.sessions as { newId?: string }[])[0]!.newId).toBeUndefined();
    // Bob's copy keeps Alice's modification time (today's: kept as it is), so --continue and list order agree with hers.
    expect(Math.abs(statSync(session(bob, id)).mtimeMs - statSync(session(alice, id)).mtimeMs)).toBeLessThan(1);

    // Bob carries on: Claude Code appends his turn.
    const bobs = await claudeTurn(claude, ["--resume", id, "-p", "bob adds marker-bob-2222"], bob.project, r(bob));
    expect(bobs.code).toBe(0);
    expect(bobs.bodies.join("\n")).toContain("marker-alice-1111");

    // Back to Alice: her one session is brought up to date in place.
    const before = readFileSync(session(alice, id));
    const back = await handOver(bob, alice, id);
    expect(back.sessions).toEqual([expect.objectContaining({ id, updated: true })]);
    expect((back.sessions as { newId?: string }[])[0]!.newId).toBeUndefined();
    expect(transcripts(alice)).toEqual([`${id}.jsonl`]);
    const after = readFileSync(session(alice, id));
    // Alice's own bytes are kept as they were; Bob's turn follows them.
    expect(after.subarray(0, before.length).equals(before)).toBe(true);
    expect(after.subarray(before.length).toString()).toContain("marker-bob-2222");
    // Bob's lines record Alice's project as their cwd (what Claude Code checks on resume).
    const cwds = after.subarray(before.length).toString().split("\n").filter(Boolean).map((l) => (JSON.parse(l) as { cwd?: string }).cwd).filter((c) => c !== undefined);
    expect(cwds.length).toBeGreaterThan(0);
    expect(new Set(cwds)).toEqual(new Set([alice.project]));

    // A third hand-over of the unchanged session installs nothing.
    const again = await handOver(bob, alice, id);
    expect(again.sessions).toEqual([]);
    expect(again.skipped).toEqual([{ id, reason: "already up to date" }]);
    expect(readFileSync(session(alice, id)).equals(after)).toBe(true);

    // And Claude Code on Alice's side sends Bob's turn to the model.
    const resumed = await claudeTurn(claude, ["--resume", id, "-p", "alice again"], alice.project, r(alice));
    expect(resumed.code).toBe(0);
    const sent = resumed.bodies.join("\n");
    expect(sent).toContain("marker-bob-2222");
    expect(sent).toContain("marker-alice-1111");
  }, 240_000);
});
