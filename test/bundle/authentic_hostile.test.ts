// A bundle made by someone who knows the passphrase is authentic, not honest:
// its records pass through the same checks as a live transfer's (pack/decode.ts
// Unpacker, PROTOCOL.md §4) plus the bundle's own (§7). One test per attack,
// each ending in a specific error with nothing installed.
import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { zstdCompressSync } from "node:zlib";
import { BundleFormatError, DigestMismatchError, LimitExceededError, ProtocolError, UnsafePathError } from "../../src/errors.ts";
import type { CatalogSession, Record } from "../../src/pack/records.ts";
import { importBundle } from "../../src/bundle/import.ts";
import { receiver } from "./_bundle.ts";
import { authentic, expectRefused, PASSPHRASE } from "./_craft.ts";

const ID = "3f2a9c4e-8b1d-4c6e-9a7f-2d5e8c1b4a90";
const OTHER = "11111111-2222-4333-8444-555555555555";
const LINE = new TextEncoder().encode('{"type":"user","cwd":"/home/mallory/app","message":{"role":"user","content":"hi"}}\n');

function listed(id: string): CatalogSession {
  return { id, title: "t", firstPrompt: "p", project: "/home/mallory/app", branch: "main", messages: 1, created: "2026-07-19T00:00:00Z", modified: "2026-07-19T00:00:00Z", bytes: LINE.length, files: 1, subagents: 0, version: "2.1.0" };
}

const sha256 = (b: Uint8Array) => new Uint8Array(createHash("sha256").update(b).digest());
const catalog = (...ids: string[]): Record => ({ k: "catalog", sessions: ids.map(listed), total: ids.length });
function file(session: string, path: string, content = LINE, o: { size?: number; digest?: Uint8Array } = {}): Record[] {
  return [
    { k: "file", session, path, size: o.size ?? content.length },
    { k: "data", z: new Uint8Array(zstdCompressSync(content)) },
    { k: "end", sha256: o.digest ?? sha256(content) },
  ];
}
const DONE: Record = { k: "done" };

describe("an authentic bundle", () => {
  test("that is well formed imports (the control for the attacks below)", async () => {
    const path = await authentic([catalog(ID), ...file(ID, `${ID}.jsonl`), DONE]);
    const r = receiver();
    const result = await importBundle({ path, passphrase: async () => PASSPHRASE, choose: async (c) => c.map((s) => s.id), into: r.target, env: r.env });
    expect(result.install.installed.map((i) => i.id)).toEqual([ID]);
    expect(readFileSync(result.install.installed[0]!.path, "utf8")).toBe(new TextDecoder().decode(LINE).replace("/home/mallory/app", r.target));
  });

  test("whose catalog total disagrees with its header's count is refused", async () => {
    const { error } = await expectRefused(await authentic([catalog(ID), ...file(ID, `${ID}.jsonl`), DONE], 2), BundleFormatError);
    expect(error.message).toContain("lists a different number of sessions than its header declares");
  });

  test("that starts with a file instead of its catalog is refused", async () => {
    await expectRefused(await authentic([...file(ID, `${ID}.jsonl`), DONE]), BundleFormatError);
  });

  test("carrying files of a session its catalog does not list is refused", async () => {
    const { error } = await expectRefused(await authentic([catalog(ID), ...file(ID, `${ID}.jsonl`), ...file(OTHER, `${OTHER}.jsonl`), DONE]), BundleFormatError);
    expect(error.message).toContain("files of a session its catalog does not list");
  });

  test("carrying a path that climbs out of the project folder is refused", async () => {
    await expectRefused(await authentic([catalog(ID), ...file(ID, `${ID}.jsonl`), ...file(ID, `${ID}/../../../.bashrc`), DONE]), UnsafePathError);
  });

  test("carrying an absolute path is refused", async () => {
    await expectRefused(await authentic([catalog(ID), ...file(ID, "/etc/passwd"), DONE]), UnsafePathError);
  });

  test("whose file does not match its digest is refused", async () => {
    await expectRefused(await authentic([catalog(ID), ...file(ID, `${ID}.jsonl`, LINE, { digest: new Uint8Array(32) }), DONE]), DigestMismatchError);
  });

  test("whose data decompresses past the declared size (a zip bomb) is refused", async () => {
    const bomb = new Uint8Array(1 << 20);
    await expectRefused(await authentic([catalog(ID), ...file(ID, `${ID}.jsonl`, bomb, { size: 10 }), DONE]), LimitExceededError);
  });

  test("with a session that lacks its transcript is refused", async () => {
    await expectRefused(await authentic([catalog(ID), ...file(ID, `${ID}/subagents/agent-a1.jsonl`), DONE]), ProtocolError);
  });

  test("with a second catalog after the files is refused", async () => {
    await expectRefused(await authentic([catalog(ID), ...file(ID, `${ID}.jsonl`), catalog(ID), DONE]), ProtocolError);
  });

  test("with a reverse-direction record (want) in the stream is refused", async () => {
    await expectRefused(await authentic([catalog(ID), { k: "want", ids: [ID] }, ...file(ID, `${ID}.jsonl`), DONE]), ProtocolError);
  });
});
