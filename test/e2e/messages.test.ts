// Issue 18, each message as a user meets it, with the compiled binary through
// a relay on loopback (no mDNS, nothing leaves the machine). Each test fails on
// the text it replaced (quoted in the test name where it was wrong).
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import pkg from "../../package.json" with { type: "json" };
import { Transcript, uuidFrom } from "../fixtures/lines.ts";
import { writeManySessions } from "../fixtures/many_sessions.ts";
import { isolatedEnv, requireBinary, run } from "../support/bin.ts";
import { startRelay, type RelayProcess } from "../support/relay_process.ts";
import { countingRelay, follow, shareThrough } from "./_messages_support.ts";

setDefaultTimeout(60_000);

let relay: RelayProcess;
beforeAll(async () => {
  relay = await startRelay();
});
afterAll(() => relay.stop());

const receiver = () => isolatedEnv();
const receive = (code: string, who: { env: Record<string, string>; home: string }, ...extra: string[]) =>
  run([requireBinary(), "receive", "--no-lan", "--relay", relay.url, code, ...extra], { env: who.env, cwd: who.home });

describe("receiving", () => {
  test('a mistyped room says no sharer is waiting, without first saying "Connected to the sharer"', async () => {
    const r = await receive("ZZZZZZ-orbit-maple-tiger-cabin", receiver());
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("No sharer is waiting in that room");
    expect(r.stderr).not.toContain("Connected");
  });

  test('"Connected to the sharer (through the relay)" once the sharer answers', async () => {
    const { share, code } = await shareThrough(relay, 1);
    const r = await receive(code, receiver(), "--all", "--yes");
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("Connected to the sharer (through the relay).");
    await share.proc.exited;
  });

  test("the room alone, with the passphrase from CCSHARE_PASSPHRASE", async () => {
    const { share, code } = await shareThrough(relay, 1);
    const who = receiver();
    const [room, ...words] = code.split("-");
    const r = await run([requireBinary(), "receive", "--no-lan", "--relay", relay.url, room!, "--all", "--yes"], { env: { ...who.env, CCSHARE_PASSPHRASE: words.join("-") }, cwd: who.home });
    expect([r.code, r.stderr]).toEqual([0, expect.stringContaining("Installed 1 session.")]);
    await share.proc.exited;
  });

  test("a near-miss word is named before any attempt is spent: nothing dials the relay", async () => {
    const fake = countingRelay();
    const r = await run([requireBinary(), "receive", "--no-lan", "--relay", fake.url, "K7P2QX-cabim-orbit-maple-tiger"], { env: receiver().env });
    fake.stop();
    expect([r.code, r.stderr]).toEqual([2, "ccshare: 'cabim' is not in ccshare's word list; did you mean 'cabin'?\n"]);
    expect(fake.dials()).toBe(0);
  });

  test("an --into folder that does not exist is refused before anything is transferred", async () => {
    const fake = countingRelay();
    const r = await run([requireBinary(), "receive", "--no-lan", "--relay", fake.url, "K7P2QX-orbit-maple-tiger-cabin", "--into", "/nonexistent/app"], { env: receiver().env });
    fake.stop();
    expect([r.code, r.stderr]).toEqual([1, "ccshare: The folder /nonexistent/app does not exist; create it or choose another with --into.\n"]);
    expect(fake.dials()).toBe(0);
  });

  test("more than 5 sessions: a count per project and `ccshare list --project` to see them, not one resume line each; --json keeps every id", async () => {
    const { share, code } = await shareThrough(relay, 9, ["--keep-open", "1"]);
    const who = receiver();
    const r = await receive(code, who, "--all", "--yes");
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`Installed 9 sessions for ${who.home}, from 7 projects:`);
    expect(r.stdout).toContain("  2  from /home/alice/src/proj-0\n");
    expect(r.stdout).toContain(`To see them:           ccshare list --project ${who.home}\n`);
    expect(r.stdout.match(/claude --resume/g)).toHaveLength(1);
    const again = await receive(code, receiver(), "--all", "--yes", "--json");
    const installed = again.stdout.trim().split("\n").map((l) => JSON.parse(l)).find((e) => e.event === "installed");
    expect(installed.sessions).toHaveLength(9);
    expect(installed.sessions.every((s: { resume: string }) => s.resume.includes("claude --resume"))).toBe(true);
    share.proc.kill("SIGINT");
    await share.proc.exited;
  });
});

describe("sharing", () => {
  test('relay only: "Waiting for a receiver through the relay at ws://…", not "Waiting for a receiver and through"', async () => {
    const { share } = await shareThrough(relay, 1);
    const text = await share.until("Waiting for");
    expect(text).toContain(`Waiting for a receiver through the relay at ${relay.url}. Ctrl-C to stop.`);
    expect(text).not.toContain("receiver and through");
    share.proc.kill("SIGINT");
    await share.proc.exited;
  });

  test("the printed receive command is shell-quoted: pasted into sh, a passphrase with spaces is one argument", async () => {
    const { share } = await shareThrough(relay, 1, ["--passphrase", "it's my secret"]);
    const command = /On the other machine run:\n\n  (.+)\n/.exec(await share.until("On the other machine run:\n\n  ccshare"))![1]!;
    expect(command).toMatch(/^ccshare receive --relay ws:\/\/127\.0\.0\.1:\d+ '[0-9A-Z]{6}-it'\\''s my secret'$/);
    const who = receiver();
    const r = await run(["sh", "-c", `${command.replace(/^ccshare/, requireBinary())} --all --yes --no-lan`], { env: who.env, cwd: who.home });
    expect([r.code, r.stderr]).toEqual([0, expect.stringContaining("Installed 1 session.")]);
    await share.proc.exited;
  });

  test('--keep-open says how long it stays open, and after each receiver how many were served and the time left', async () => {
    const { share, code } = await shareThrough(relay, 1, ["--keep-open", "2"]);
    expect(await share.until("Waiting for")).toMatch(/Waiting for receivers through the relay at \S+, for 2 min \(until \d\d:\d\d\)\. Ctrl-C to stop\./);
    expect((await receive(code, receiver(), "--all", "--yes")).code).toBe(0);
    expect(await share.until("served")).toContain("Receiver #1 installed 1 session. 1 receiver served; 2 min left.");
    share.proc.kill("SIGINT");
    expect(await share.until("Stopped")).toContain("Stopped sharing after serving 1 receiver.");
  });

  test('one wrong attempt of one allowed: "after 1 wrong passphrase attempt", not "attempts"', async () => {
    const { share, code } = await shareThrough(relay, 1, ["--max-attempts", "1"]);
    const room = code.split("-")[0]!;
    expect((await receive(`${room}-abandon-ability-able-about`, receiver(), "--all", "--yes")).code).toBe(1);
    expect(await share.proc.exited).toBe(1);
    const text = share.text();
    expect(text).toContain("(1 of 1 attempt).");
    expect(text).toContain("ccshare: Stopped sharing after 1 wrong passphrase attempt; someone may be guessing.");
  });

  test("--relay 127.0.0.1:PORT is plain ws:// on loopback; a wss:// relay that is not says which scheme it tried and offers the other", async () => {
    const bare = `127.0.0.1:${relay.port}`;
    const { env } = isolatedEnv();
    writeManySessions(env.CLAUDE_CONFIG_DIR!, 1);
    const share = follow([requireBinary(), "share", "--all", "--yes", "--no-lan", "--relay", bare], { env });
    expect(await share.until("Waiting for")).toContain(`through the relay at ${bare}.`);
    share.proc.kill("SIGINT");
    await share.proc.exited;
    const r = await run([requireBinary(), "share", "--all", "--yes", "--no-lan", "--relay", `wss://${bare}`], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`ccshare: Could not reach the relay at wss://${bare}/; check the address, or if that relay speaks plain WebSocket (ws://), try --relay ws://${bare}/.`);
  });
});

describe("the relay", () => {
  test("GET / names ccshare, its version and /healthz (not a file users do not have)", async () => {
    const response = await fetch(`http://127.0.0.1:${relay.port}/`);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toBe(`ccshare relay ${pkg.version}: WebSockets for \`ccshare share --relay\` and \`ccshare receive --relay\`; its status is at /healthz.\n`);
    expect(text).not.toContain("PROTOCOL.md");
  });

  test('its log names a close without a reason: "(1000, normal)", not "(1000 )"', async () => {
    const logged = follow([requireBinary(), "relay", "--host", "127.0.0.1", "--port", "0"], { env: isolatedEnv().env });
    const url = /relay listening on (ws:\/\/\S+)/.exec(await logged.until("relay listening on"))![1]!.replace(/;$/, "");
    const { env } = isolatedEnv();
    writeManySessions(env.CLAUDE_CONFIG_DIR!, 1);
    const share = follow([requireBinary(), "share", "--all", "--yes", "--no-lan", "--relay", url], { env });
    await share.until("Waiting for");
    share.proc.kill("SIGINT");
    const text = await logged.until("closed after");
    expect(text).toMatch(/room [0-9A-Z]{6} closed after [\d.]+ s: 0 joins, 0 pipes \(1000, normal\)/);
    expect(text).not.toContain("(1000 )");
    logged.proc.kill("SIGTERM");
  });
});

describe("bundles", () => {
  test("import's words are a bundle's: no passphrase, a session it does not hold; export's are export's", async () => {
    const { env, home } = isolatedEnv();
    writeManySessions(env.CLAUDE_CONFIG_DIR!, 2);
    const out = join(home, "b.ccs");
    const made = await run([requireBinary(), "export", "--all", "--out", out, "--yes", "--json"], { env });
    const { passphrase } = JSON.parse(made.stdout.trim());
    const noPass = await run([requireBinary(), "import", out], { env, cwd: home });
    expect(noPass.stderr).toBe("ccshare: No passphrase given for the bundle: pass --passphrase or set CCSHARE_PASSPHRASE (or run in a terminal to be asked).\n");
    const missing = await run([requireBinary(), "import", out, "--session", "ffff", "--passphrase", passphrase], { env, cwd: home });
    expect(missing.stderr).toEndWith('\nccshare: The bundle holds no session starting with "ffff"; nothing was installed.\n');
    const noChoice = await run([requireBinary(), "export", "--out", join(home, "c.ccs")], { env });
    expect(noChoice.stderr).toBe("ccshare: Choose what to export with --session ID, --all or --project DIR (or run in a terminal to pick).\n");
    // Its generated passphrase, retyped with spaces and capitals, opens it.
    const spaced = await run([requireBinary(), "import", out, "--all", "--passphrase", passphrase.replace(/-/g, " ").toUpperCase()], { env, cwd: home });
    expect([spaced.code, spaced.stderr]).toEqual([0, expect.stringContaining("Installed 2 sessions.")]);
  });
});

describe("show", () => {
  test("strips bidirectional overrides from what it prints", async () => {
    const { env, configDir } = isolatedEnv();
    const id = uuidFrom("bidi");
    const t = new Transcript({ era: "2.1", sessionId: id, cwd: "/home/alice/bidi", branch: "main", start: new Date("2026-07-19T08:00:00Z") });
    t.prompt("Open invoice\u202Egpj.exe and \u2066isolate\u2069 it");
    t.reply("Done \u202Aembedded\u202C.");
    mkdirSync(join(configDir, "projects", "-home-alice-bidi"), { recursive: true });
    writeFileSync(join(configDir, "projects", "-home-alice-bidi", `${id}.jsonl`), t.text());
    const r = await run([requireBinary(), "show", id], { env: { ...env, PAGER: "cat" } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Open invoicegpj.exe and isolate it");
    expect(r.stdout).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
  });
});
