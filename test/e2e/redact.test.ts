// Issue 17 end to end with the compiled binary: a store whose session holds
// 29 credentials of 28 kinds in prompts, Bash commands, tool results,
// toolUseResult, thinking, a subagent, its meta file and tool-results files.
// After `export --yes` -> `import` (and after a live share through a relay)
// none of them is in any installed byte; the receiver's catalog says how many
// values were redacted; --no-redact sends them as they are (so the check can
// fail); and no redacted copy is left in the temporary folder.
import { beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { writeSecretSession, type SecretSession } from "../fixtures/secrets.ts";
import { writeSession } from "../fixtures/store.ts";
import { filesUnder, leaked } from "../redact/_redact.ts";
import { cliSource, denoPath, isolatedEnv, lines, repoRoot, requireBinary, run, start } from "../support/bin.ts";
import { startJson, type Person } from "./_transfer_support.ts";

const PASSPHRASE = "quiz-lamp-orbit-maple-tiger-flute-acid-zebra";
let bin = "";
let session: SecretSession;
let values: string[] = [];
const sharer = isolatedEnv();

const jsonLines = (stdout: string) => stdout.trim().split("\n").filter(Boolean).map((l) => JSON.parse(l));
/** Redacted copies a run left behind in its own TMPDIR. */
const leftovers = (env: Record<string, string>) => readdirSync(env.TMPDIR!).filter((n) => n.startsWith("ccshare-redacted-"));

/** A receiver whose project folder lives inside its HOME, so both go when the file ends. */
function person(): Person {
  const { env, home, configDir } = isolatedEnv();
  const project = join(home, "project");
  mkdirSync(project);
  return { env, home, configDir, project };
}

function withTmp(env: Record<string, string>, name: string): Record<string, string> {
  const dir = join(env.HOME!, name);
  mkdirSync(dir, { recursive: true });
  return { ...env, TMPDIR: dir };
}

beforeAll(() => {
  bin = requireBinary();
  session = writeSecretSession(sharer.configDir);
  writeSession(sharer.configDir, { era: "2.1", cwd: "/home/alice/src/app", subagents: 1, tools: 2, seed: "clean-neighbour" });
  values = session.secrets.map((c) => c.value);
});

describe("export and import", () => {
  test("after export --yes and import, no credential is in any installed byte", async () => {
    const env = withTmp(sharer.env, "tmp-export");
    const bundle = join(sharer.home, "redacted.ccs");
    const exported = await run([bin, "export", "--all", "--out", bundle, "--yes", "--json"], { env: { ...env, CCSHARE_PASSPHRASE: PASSPHRASE } });
    expect([exported.code, exported.stderr]).toEqual([0, ""]);
    const events = jsonLines(exported.stdout);
    expect(events.map((e) => e.event)).toEqual(["secrets", "redacted", "exported"]);
    expect(events[1].values).toBe(events[0].values);
    expect(leaked(Buffer.from(exported.stdout), values)).toEqual([]);
    expect(leftovers(env)).toEqual([]);

    const r = person();
    const listed = await run([bin, "import", bundle, "--list", "--json"], { env: { ...r.env, CCSHARE_PASSPHRASE: PASSPHRASE } });
    const catalog = jsonLines(listed.stdout)[0];
    const shown = catalog.sessions.find((s: { id: string }) => s.id === session.id);
    expect(shown.redacted).toBe(events[0].values);
    expect(catalog.sessions.find((s: { id: string }) => s.id !== session.id).redacted).toBeUndefined();
    expect(leaked(Buffer.from(listed.stdout), values)).toEqual([]);

    const imported = await run([bin, "import", bundle, "--into", r.project, "--yes", "--json"], { env: { ...r.env, CCSHARE_PASSPHRASE: PASSPHRASE } });
    expect([imported.code, imported.stderr]).toEqual([0, ""]);
    const installed = filesUnder(r.configDir);
    expect(installed.length).toBeGreaterThanOrEqual(session.files.length);
    for (const f of installed) expect([f.path, leaked(f.bytes, values)]).toEqual([f.path, []]);
    for (const f of installed.filter((x) => x.path.endsWith(".jsonl"))) {
      for (const l of f.bytes.toString("utf8").split("\n")) if (l) JSON.parse(l);
    }
    const human = await run([bin, "import", bundle, "--list"], { env: { ...r.env, CCSHARE_PASSPHRASE: PASSPHRASE } });
    expect(human.stdout).toContain(`${events[0].values} values redacted by the sharer`);
  }, 120_000);

  test("export --no-redact sends every credential as it is (the check above can fail)", async () => {
    const env = withTmp(sharer.env, "tmp-raw");
    const bundle = join(sharer.home, "raw.ccs");
    const exported = await run([bin, "export", "--all", "--out", bundle, "--yes", "--no-redact", "--json"], { env: { ...env, CCSHARE_PASSPHRASE: PASSPHRASE } });
    expect(exported.code).toBe(0);
    expect(jsonLines(exported.stdout).map((e) => e.event)).toEqual(["secrets", "exported"]);
    const r = person();
    await run([bin, "import", bundle, "--into", r.project, "--yes"], { env: { ...r.env, CCSHARE_PASSPHRASE: PASSPHRASE } });
    const all = Buffer.concat(filesUnder(r.configDir).map((f) => f.bytes));
    expect(leaked(all, values).length).toBe(values.length);
  }, 120_000);
});

test("scan --json reports every session's findings, masked, and shares nothing", async () => {
  const scanned = await run([bin, "scan", "--json"], { env: sharer.env });
  expect(scanned.code).toBe(0);
  const [report] = jsonLines(scanned.stdout);
  expect(report).toMatchObject({ event: "scan", scanned: 2, rules: { count: expect.any(Number) } });
  expect(report.sessions.map((s: { id: string }) => s.id)).toEqual([session.id]);
  expect(new Set(report.sessions[0].rules.map((r: { rule: string }) => r.rule)).size).toBeGreaterThanOrEqual(20);
  expect(leaked(Buffer.from(scanned.stdout), values)).toEqual([]);
  const one = await run([bin, "scan", session.id.slice(0, 8)], { env: sharer.env });
  expect(one.stdout).toContain("github-pat");
  expect(leaked(Buffer.from(one.stdout + one.stderr), values)).toEqual([]);
});

test("under Deno, `scan --json` finds exactly what the binary finds", async () => {
  const fromBinary = await run([bin, "scan", "--json"], { env: { ...sharer.env, XDG_CACHE_HOME: join(sharer.home, "cache-bin") } });
  const fromDeno = await run([denoPath, "run", "-A", cliSource, "scan", "--json"], { env: { ...sharer.env, XDG_CACHE_HOME: join(sharer.home, "cache-deno") }, cwd: repoRoot });
  expect([fromDeno.code, fromDeno.stderr]).toEqual([0, ""]);
  expect(fromDeno.stdout).toBe(fromBinary.stdout);
}, 60_000);

test("a live share through a relay sends the redacted session, and the receiver's catalog says so", async () => {
  const relay = start([bin, "relay", "--host", "127.0.0.1", "--port", "0", "--json"], { env: sharer.env });
  const relayEvents = lines(relay.stdout);
  let port = 0;
  for (let next = await relayEvents.next(); !next.done; next = await relayEvents.next()) {
    const e = JSON.parse(next.value);
    if (e.event === "ready") {
      port = e.port;
      break;
    }
  }
  void (async () => {
    while (!(await relayEvents.next()).done);
  })();
  try {
    const url = `ws://127.0.0.1:${port}`;
    const who = { env: withTmp(sharer.env, "tmp-share"), home: sharer.home, configDir: sharer.configDir, project: sharer.home };
    const share = startJson(undefined, ["share", "--yes", "--no-lan", "--relay", url, "--session", session.id], who);
    const ready = await share.next((e) => e.event === "ready");
    const r = person();
    const receive = startJson(undefined, ["receive", "--no-lan", "--relay", url, String(ready.code), "--all", "--yes"], r);
    const catalog = await receive.next((e) => e.event === "catalog");
    const offered = (catalog.sessions as { id: string; redacted?: number }[])[0]!;
    expect(offered.redacted).toBe((share.events.find((e) => e.event === "redacted") as { values: number }).values);
    expect(await receive.exited).toBe(0);
    expect(await share.exited).toBe(0);
    for (const f of filesUnder(r.configDir)) expect([f.path, leaked(f.bytes, values)]).toEqual([f.path, []]);
    expect(leftovers(who.env)).toEqual([]);
  } finally {
    relay.kill("SIGKILL");
  }
}, 120_000);
