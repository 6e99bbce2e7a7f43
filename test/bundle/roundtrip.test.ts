// export -> import through the library functions (PROTOCOL.md §7): a realistic
// store (every era and layout) comes out of a bundle byte for byte apart from
// the cwd rewrite, into the receiver's project folder for the target.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { exportBundle } from "../../src/bundle/export.ts";
import { MAGIC } from "../../src/bundle/format.ts";
import { importBundle, listBundle } from "../../src/bundle/import.ts";
import { expectInstalledExactly, fastScrypt, offered, receiver, sharer, snapshot, tempDir } from "./_bundle.ts";

const PASSPHRASE = "orbit-maple-tiger-flute-acid-zebra-quiz-lamp";

async function exported(store = sharer()) {
  const out = join(tempDir(), "sessions.ccs");
  const sessions = await offered(store);
  const result = await exportBundle({ sessions, passphrase: PASSPHRASE, out, scrypt: fastScrypt() });
  return { store, out, result, sessions };
}

describe("bundle round trip", () => {
  test("every session of a realistic store is installed byte for byte apart from the cwd rewrite", async () => {
    const { store, out, result } = await exported();
    expect(result.sessions).toBe(store.sessions.length);
    const r = receiver();
    const imported = await importBundle({
      path: out,
      passphrase: async () => PASSPHRASE,
      choose: async (catalog) => catalog.map((s) => s.id),
      into: r.target,
      env: r.env,
    });
    expect(imported.install.skipped).toEqual([]);
    expect(imported.install.installed.map((i) => i.id).sort()).toEqual(store.sessions.map((s) => s.id).sort());
    expect(imported.install.target).toBe(r.target);
    let files = 0;
    for (const session of store.sessions) files += expectInstalledExactly(store, session, imported.install.folder, r.target);
    expect(files).toBe(result.files);
    expect(files).toBeGreaterThan(store.sessions.length); // subagents, tool results and legacy siblings came too
    // The staging folders are gone.
    expect(Object.keys(snapshot(r.projects)).filter((p) => p.includes(".ccshare-"))).toEqual([]);
  });

  test("the file starts with the magic and version, and holds no session text in clear", async () => {
    const { store, out } = await exported();
    const bytes = readFileSync(out);
    expect([...bytes.subarray(0, 9)]).toEqual([...MAGIC, 1]);
    const text = bytes.toString("latin1");
    for (const session of store.sessions) {
      for (const t of [...session.texts, session.title, session.cwd].filter((t) => t.length > 6)) expect(text.includes(t)).toBe(false);
    }
  });

  test("importing some sessions installs only those", async () => {
    const { store, out } = await exported();
    const r = receiver();
    const wanted = [store.sessions[0]!.id, store.sessions[3]!.id];
    const imported = await importBundle({ path: out, passphrase: async () => PASSPHRASE, choose: async () => wanted, into: r.target, env: r.env });
    expect(imported.install.installed.map((i) => i.id).sort()).toEqual([...wanted].sort());
    for (const id of wanted) expectInstalledExactly(store, store.sessions.find((s) => s.id === id)!, imported.install.folder, r.target);
    const others = store.sessions.filter((s) => !wanted.includes(s.id));
    const installed = Object.keys(snapshot(imported.install.folder));
    for (const s of others) expect(installed.some((p) => p.includes(s.id))).toBe(false);
  });

  test("importing the same bundle twice leaves the first install as it was", async () => {
    const { out } = await exported(sharer([{ era: "2.1", cwd: "/home/alice/src/app", subagents: 1 }]));
    const r = receiver();
    const o = { path: out, passphrase: async () => PASSPHRASE, choose: async (c: { id: string }[]) => c.map((s) => s.id), into: r.target, env: r.env };
    const first = await importBundle(o);
    const before = snapshot(r.projects);
    const second = await importBundle(o);
    expect(first.install.installed.length).toBe(1);
    expect(second.install.installed).toEqual([]);
    expect(second.install.skipped.map((s) => s.reason)).toEqual(["already up to date"]);
    const after = snapshot(r.projects);
    // Only the session index is rewritten; every session file is untouched.
    expect(Object.fromEntries(Object.entries(after).filter(([p]) => !p.endsWith("sessions-index.json")))).toEqual(
      Object.fromEntries(Object.entries(before).filter(([p]) => !p.endsWith("sessions-index.json"))),
    );
  });

  test("an import cancelled midway installs nothing and leaves no staging folder", async () => {
    const { out } = await exported();
    const r = receiver();
    const before = snapshot(r.projects);
    const stop = new AbortController();
    const error = await importBundle({
      path: out,
      passphrase: async () => PASSPHRASE,
      choose: async (catalog) => catalog.map((s) => s.id),
      into: r.target,
      env: r.env,
      signal: stop.signal,
      onProgress: (p) => p.bytes > p.total / 2 && stop.abort(),
    }).catch((e: Error) => e);
    expect((error as Error).message).toBe("Import cancelled; nothing was installed.");
    expect(snapshot(r.projects)).toEqual(before);
  });

  test("listing a bundle shows its catalog and header and installs nothing", async () => {
    const { store, out, sessions } = await exported();
    const r = receiver();
    const before = snapshot(r.projects);
    let derived = 0;
    const listing = await listBundle({ path: out, passphrase: async () => PASSPHRASE, onDeriving: () => derived++ });
    expect(derived).toBe(1);
    expect(listing.header.count).toBe(store.sessions.length);
    expect(listing.header.N).toBe(2 ** 10);
    expect(listing.catalog.map((s) => s.id)).toEqual(sessions.map((s) => s.entry.id));
    const first = listing.catalog[0]!;
    const entry = sessions[0]!.entry;
    expect(first).toEqual({ ...first, title: entry.title, project: entry.project, branch: entry.branch, messages: entry.messages, bytes: entry.bytes, files: sessions[0]!.files.length });
    expect(snapshot(r.projects)).toEqual(before);
  });

  test("export reports progress up to the total of the sessions' bytes", async () => {
    const store = sharer([{ era: "2.1", cwd: "/home/alice/src/app", subagents: 2, tools: 3 }]);
    const sessions = await offered(store);
    const seen: { bytes: number; total: number }[] = [];
    await exportBundle({ sessions, passphrase: PASSPHRASE, out: join(tempDir(), "p.ccs"), scrypt: fastScrypt(), onProgress: (p) => seen.push(p) });
    const total = sessions[0]!.files.reduce((n, f) => n + f.size, 0);
    expect(seen.at(-1)).toEqual({ bytes: total, total });
    expect(seen.every((p, i) => i === 0 || p.bytes >= seen[i - 1]!.bytes)).toBe(true);
  });
});
