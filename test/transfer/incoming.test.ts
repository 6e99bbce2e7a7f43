// transfer/incoming.ts: sessions are prepared for install as soon as they are
// complete, so a sharer must send each session's files together.
import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ProtocolError } from "../../src/errors.ts";
import { fileRecords } from "../../src/pack/encode.ts";
import type { CatalogSession, Record } from "../../src/pack/records.ts";
import { Incoming } from "../../src/transfer/incoming.ts";

const A = "11111111-1111-4111-8111-111111111111";
const B = "22222222-2222-4222-8222-222222222222";

function session(id: string): CatalogSession {
  return { id, title: id, firstPrompt: "", project: "/home/alice/app", branch: "", messages: 1, created: "", modified: "", bytes: 0, files: 2, subagents: 0, version: "" };
}

async function recordsOf(dir: string, sessionId: string, path: string): Promise<Record[]> {
  const abs = join(dir, path);
  mkdirSync(join(abs, ".."), { recursive: true });
  writeFileSync(abs, `{"type":"user","cwd":"/home/alice/app","sessionId":"${sessionId}"}\n`);
  const out: Record[] = [];
  for await (const r of fileRecords({ path, abs, size: 0 }, sessionId)) out.push(r);
  return out;
}

describe("receiving into staging", () => {
  const source = mkdtempSync(join(tmpdir(), "ccshare-incoming-src-"));

  test("sessions sent one after another are installed, each prepared while the next arrives", async () => {
    const config = mkdtempSync(join(tmpdir(), "ccshare-incoming-cfg-"));
    const into = mkdtempSync(join(tmpdir(), "ccshare-incoming-into-"));
    const incoming = await Incoming.open({ catalog: [session(A), session(B)], wanted: new Set([A, B]), into, env: { CLAUDE_CONFIG_DIR: config } });
    try {
      for (const r of [...(await recordsOf(source, A, `${A}.jsonl`)), ...(await recordsOf(source, B, `${B}.jsonl`)), { k: "done" } as Record]) await incoming.accept(r);
      const result = await incoming.install();
      expect(result.installed.map((i) => i.id).sort()).toEqual([A, B]);
    } finally {
      await incoming.dispose();
    }
    expect(readdirSync(join(config, "projects")).filter((n) => n.startsWith(".ccshare"))).toEqual([]);
  });

  test("hostile: more files of a session after the sharer moved on to another are refused, and nothing is installed", async () => {
    const config = mkdtempSync(join(tmpdir(), "ccshare-incoming-cfg-"));
    const into = mkdtempSync(join(tmpdir(), "ccshare-incoming-into-"));
    const incoming = await Incoming.open({ catalog: [session(A), session(B)], wanted: new Set([A, B]), into, env: { CLAUDE_CONFIG_DIR: config } });
    const stream = [
      ...(await recordsOf(source, A, `${A}.jsonl`)),
      ...(await recordsOf(source, B, `${B}.jsonl`)),
      ...(await recordsOf(source, A, `${A}/tool-results/late.txt`)),
    ];
    let error: unknown;
    try {
      for (const r of stream) await incoming.accept(r);
    } catch (e) {
      error = e;
      await incoming.abort();
    } finally {
      await incoming.dispose();
    }
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as Error).message).toContain(A);
    const folders = existsSync(join(config, "projects")) ? readdirSync(join(config, "projects")) : [];
    expect(folders).toEqual([]);
  });
});
