// A realistic store (every era and layout, test/fixtures/store.ts) goes through
// encode -> CBOR -> decode and comes out byte-exact, with the modes the
// installer relies on (SESSIONS-FORMAT.md: files 0600, folders 0700).
import { afterAll, expect, test } from "bun:test";
import { readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { writeStore } from "../fixtures/store.ts";
import { fileParts, offeredSession, sandbox, sha256, unpack, removeSandboxes } from "./_streams.ts";
import { tempDir } from "../support/cleanup.ts";

afterAll(removeSandboxes);

const configDir = tempDir("ccshare-roundtrip-");
afterAll(() => rmSync(configDir, { recursive: true, force: true }));

test("every session of a realistic store arrives byte for byte", async () => {
  const fixtures = writeStore(configDir);
  const outgoing = fixtures.map((s) => ({
    id: s.id,
    files: s.files.map((path) => {
      const abs = join(configDir, "projects", s.folder, path);
      return { path, abs, size: statSync(abs).size };
    }),
  }));
  const box = sandbox({ wanted: fixtures.map((s) => s.id) });
  // Through the wire form too: every record encoded and decoded as a peer would see it.
  const sessions = await unpack(box, fileParts(outgoing.map((s) => offeredSession(s.id, s.files))));

  expect(sessions.map((s) => s.id)).toEqual(outgoing.map((s) => s.id));
  let files = 0;
  for (const session of outgoing) {
    const unpacked = sessions.find((s) => s.id === session.id)!;
    expect(unpacked.files.map((f) => f.path)).toEqual(session.files.map((f) => f.path));
    for (const file of session.files) {
      const original = new Uint8Array(readFileSync(file.abs));
      const received = join(box.staging, ...file.path.split("/"));
      expect(new Uint8Array(readFileSync(received))).toEqual(original);
      expect(unpacked.files.find((f) => f.path === file.path)).toEqual({ path: file.path, size: original.length, sha256: sha256(original) });
      expect(statSync(received).mode & 0o777).toBe(0o600);
      files++;
    }
  }
  expect(files).toBeGreaterThan(fixtures.length); // subagents, tool results and legacy siblings came too
  expect(statSync(box.staging).mode & 0o777).toBe(0o700);
  rmSync(box.root, { recursive: true, force: true });
});
