// export and import through the compiled binary (dist/ccshare, built by `make
// test`), as a user or a CI job runs them: real processes, real scrypt
// parameters (N = 2^18), the passphrase from the environment or generated.
import { beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { requireBinary, run } from "../support/bin.ts";
import { expectInstalledExactly, receiver, sharer, snapshot, tempDir, type Receiver, type Store } from "./_bundle.ts";
import { handmadeHeader } from "./_craft.ts";

const PASSPHRASE = "quiz-lamp-orbit-maple-tiger-flute-acid-zebra";
let bin = "";
let store: Store;
let bundle = "";

const base = (home: string) => ({ PATH: process.env.PATH ?? "/usr/bin:/bin", CBOR_NATIVE_ACCELERATION_DISABLED: "true", NO_COLOR: "1", TMPDIR: tempDir(), HOME: home });
const as = (who: Store | Receiver, extra: Record<string, string> = {}) => ({ ...base(who.home), ...who.env, ...extra });
const lines = (stdout: string) => stdout.trim().split("\n").filter(Boolean).map((l) => JSON.parse(l));

beforeAll(async () => {
  bin = requireBinary();
  store = sharer();
  bundle = join(tempDir(), "sessions.ccs");
  // As in the README's CI job: the passphrase from the environment, no questions.
  const exported = await run([bin, "export", "--all", "--out", bundle, "--yes", "--json"], { env: as(store, { CCSHARE_PASSPHRASE: PASSPHRASE }) });
  expect(exported.stderr).not.toContain(PASSPHRASE);
  expect([exported.code, exported.stderr]).toEqual([0, ""]);
  expect(lines(exported.stdout)).toEqual([{ event: "exported", path: bundle, bytes: readFileSync(bundle).length, sessions: store.sessions.length, files: expect.any(Number) }]);
}, 60_000);

describe("the compiled binary", () => {
  test("imports what it exported, byte for byte apart from the cwd rewrite", async () => {
    const r = receiver();
    const imported = await run([bin, "import", bundle, "--into", r.target, "--yes", "--json"], { env: as(r, { CCSHARE_PASSPHRASE: PASSPHRASE }) });
    expect([imported.code, imported.stderr]).toEqual([0, ""]);
    const [catalog, installed] = lines(imported.stdout);
    expect(catalog.event).toBe("catalog");
    expect(catalog.sessions.length).toBe(store.sessions.length);
    expect(installed).toMatchObject({ event: "installed", target: r.target, skipped: [] });
    expect(installed.sessions.map((s: { id: string }) => s.id).sort()).toEqual(store.sessions.map((s) => s.id).sort());
    for (const s of installed.sessions) expect(s.resume).toBe(`cd ${r.target} && claude --resume ${s.id}`);
    for (const session of store.sessions) expectInstalledExactly(store, session, installed.folder, r.target);
  }, 60_000);

  test("prints a human summary and the resume commands without --json", async () => {
    const r = receiver();
    const one = store.sessions[0]!;
    const imported = await run([bin, "import", bundle, "--into", r.target, "--session", one.id.slice(0, 8)], { env: as(r, { CCSHARE_PASSPHRASE: PASSPHRASE }) });
    expect(imported.code).toBe(0);
    expect(imported.stderr).toContain("Deriving the key...");
    expect(imported.stderr).toContain("Installed 1 session. To continue:");
    expect(imported.stdout).toBe(`  cd ${r.target} && claude --resume ${one.id}\n`);
  }, 60_000);

  test("imports with the README's command, `ccshare import sessions.ccs --all`, into the current directory", async () => {
    const r = receiver();
    const imported = await run([bin, "import", bundle, "--all"], { env: as(r, { CCSHARE_PASSPHRASE: PASSPHRASE }), cwd: r.target });
    expect(imported.code).toBe(0);
    // More than five: how to see them, and the newest to continue (issue 18), not one line each.
    expect(store.sessions.length).toBeGreaterThan(5);
    expect(imported.stderr).toContain(`Installed ${store.sessions.length} sessions for ${r.target}, from `);
    expect(imported.stdout).toContain(`To see them:           ccshare list --project ${r.target}\n`);
    expect(imported.stdout).toMatch(new RegExp(`To continue the newest: cd ${r.target.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} && claude --resume [0-9a-f-]{36}\n`));
  }, 60_000);

  test("lists a bundle's catalog with --list --json and installs nothing", async () => {
    const r = receiver();
    const before = snapshot(r.projects);
    const listed = await run([bin, "import", bundle, "--list", "--json"], { env: as(r, { CCSHARE_PASSPHRASE: PASSPHRASE }) });
    expect(listed.code).toBe(0);
    const [catalog] = lines(listed.stdout);
    expect(catalog).toMatchObject({ event: "catalog", count: store.sessions.length });
    expect(catalog.sessions.map((s: { id: string }) => s.id).sort()).toEqual(store.sessions.map((s) => s.id).sort());
    expect(snapshot(r.projects)).toEqual(before);
  }, 60_000);

  test("refuses a wrong passphrase with one sentence, exit code 1, and installs nothing", async () => {
    const r = receiver();
    const before = snapshot(r.projects);
    const refused = await run([bin, "import", bundle, "--yes", "--into", r.target], { env: as(r, { CCSHARE_PASSPHRASE: "not-the-passphrase" }) });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toEndWith("ccshare: Wrong passphrase, or the file is damaged.\n");
    expect(snapshot(r.projects)).toEqual(before);
  }, 60_000);

  test("refuses a hostile header before asking for a passphrase or running scrypt", async () => {
    const hostile = join(tempDir(), "hostile.ccs");
    writeFileSync(hostile, handmadeHeader({ N: 2 ** 30 }));
    const r = receiver();
    const refused = await run([bin, "import", hostile, "--yes"], { env: as(r) });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe("ccshare: hostile.ccs: This bundle asks for scrypt N = 1073741824, over the limit of 524288; refusing to open it.\n");
  }, 30_000);

  test("generates an 8-word passphrase, prints it once on stderr and in --json, and it opens the bundle", async () => {
    const out = join(tempDir(), "generated.ccs");
    const one = store.sessions[1]!;
    const exported = await run([bin, "export", "--session", one.id, "--out", out, "--json"], { env: as(store) });
    expect(exported.code).toBe(0);
    const [line] = lines(exported.stdout);
    const words = String(line.passphrase).split("-");
    expect(words.length).toBe(8);
    expect(exported.stderr.split(line.passphrase).length - 1).toBe(1);
    expect(exported.stderr).toContain("88 bits");
    const r = receiver();
    const imported = await run([bin, "import", out, "--yes", "--json", "--into", r.target, "--passphrase", line.passphrase], { env: as(r) });
    expect(imported.code).toBe(0);
    expect(lines(imported.stdout)[1].sessions.map((s: { id: string }) => s.id)).toEqual([one.id]);
  }, 60_000);

  test("warns when a chosen passphrase is weak for a file that can be attacked offline", async () => {
    const out = join(tempDir(), "weak.ccs");
    const exported = await run([bin, "export", "--session", store.sessions[0]!.id, "--out", out, "--yes"], { env: as(store, { CCSHARE_PASSPHRASE: "hunter2" }) });
    expect(exported.code).toBe(0);
    expect(exported.stderr).toMatch(/This passphrase has about \d+ bits; anyone with the file can guess offline/);
  }, 60_000);

  test("refuses to overwrite a file without --force (exit 2), before asking anything", async () => {
    const out = join(tempDir(), "taken.ccs");
    writeFileSync(out, "precious");
    const refused = await run([bin, "export", "--all", "--out", out, "--yes"], { env: as(store, { CCSHARE_PASSPHRASE: PASSPHRASE }) });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("already exists; pass --force to replace it");
    expect(readFileSync(out, "utf8")).toBe("precious");
    expect(existsSync(`${out}.partial`)).toBe(false);
  }, 30_000);
});
