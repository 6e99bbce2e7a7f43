// The writing side of bundles (PROTOCOL.md §7): FILE.partial then rename, so a
// failed or cancelled export leaves nothing; never overwriting without --force.
import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { exportBundle } from "../../src/bundle/export.ts";
import { listBundle } from "../../src/bundle/import.ts";
import { UsageError } from "../../src/errors.ts";
import { fastScrypt, offered, sharer, tempDir } from "./_bundle.ts";

const PASSPHRASE = "lamp-orbit-maple-tiger-flute-acid-zebra-quiz";

async function attempt(out: string, o: Partial<Parameters<typeof exportBundle>[0]> = {}) {
  const store = sharer([{ era: "2.1", cwd: "/home/alice/src/app", subagents: 1, tools: 2, seed: "export-test" }]);
  let derived = false;
  const result = await exportBundle({
    sessions: await offered(store),
    passphrase: PASSPHRASE,
    out,
    scrypt: fastScrypt(),
    onDeriving: () => (derived = true),
    ...o,
  }).then(
    (r) => r,
    (e: Error) => e,
  );
  return { result, derived, store };
}

describe("export", () => {
  test("refuses to overwrite an existing file, before deriving any key", async () => {
    const out = join(tempDir(), "sessions.ccs");
    writeFileSync(out, "precious");
    const { result, derived } = await attempt(out);
    expect(result).toBeInstanceOf(UsageError);
    expect((result as Error).message).toBe(`${out} already exists; pass --force to replace it, or choose another --out.`);
    expect(derived).toBe(false);
    expect(readFileSync(out, "utf8")).toBe("precious");
  });

  test("replaces an existing file with --force", async () => {
    const out = join(tempDir(), "sessions.ccs");
    writeFileSync(out, "old");
    const { result } = await attempt(out, { force: true });
    expect(result).not.toBeInstanceOf(Error);
    expect((await listBundle({ path: out, passphrase: async () => PASSPHRASE })).catalog.length).toBe(1);
  });

  test("refuses a folder as --out", async () => {
    const { result } = await attempt(tempDir());
    expect((result as Error).message).toMatch(/is a folder; give --out a file name/);
  });

  test("writes a private file (0600) and leaves no .partial beside it", async () => {
    const out = join(tempDir(), "sessions.ccs");
    await attempt(out);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(readdirSync(dirname(out))).toEqual(["sessions.ccs"]);
  });

  test("that fails midway (a session file vanished) leaves neither the file nor its .partial", async () => {
    const out = join(tempDir(), "sessions.ccs");
    const store = sharer([{ era: "2.1", cwd: "/home/alice/src/app", subagents: 2, seed: "vanishing" }]);
    const sessions = await offered(store);
    rmSync(sessions[0]!.files.at(-1)!.abs);
    const error = await exportBundle({ sessions, passphrase: PASSPHRASE, out, scrypt: fastScrypt() }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect(readdirSync(dirname(out))).toEqual([]);
  });

  test("that is cancelled midway leaves neither the file nor its .partial", async () => {
    const out = join(tempDir(), "sessions.ccs");
    const stop = new AbortController();
    const { result } = await attempt(out, { signal: stop.signal, onProgress: () => stop.abort() });
    expect((result as Error).message).toBe("Export cancelled; no bundle was written.");
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dirname(out))).toEqual([]);
  });

  test("refuses to write over another export's .partial, and takes it over with --force", async () => {
    const out = join(tempDir(), "sessions.ccs");
    writeFileSync(`${out}.partial`, "someone else's");
    const { result } = await attempt(out);
    expect((result as Error).message).toMatch(/sessions\.ccs\.partial exists: another export is writing it, or one was interrupted/);
    expect(readFileSync(`${out}.partial`, "utf8")).toBe("someone else's");
    const forced = await attempt(out, { force: true });
    expect(forced.result).not.toBeInstanceOf(Error);
    expect(readdirSync(dirname(out))).toEqual(["sessions.ccs"]);
  });
});
