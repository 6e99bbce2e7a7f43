// The decoder (pack/safe_path.ts) and the installer (install/prepare.ts) must
// agree on which file names belong to a session (issue 13): a name the decoder
// takes is installed, and a name the installer would refuse is refused before
// anything is written. Each shape goes through install/incoming.ts, the path a
// receive takes.
import { describe, expect, test } from "bun:test";
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { UnsafePathError } from "../../src/errors.ts";
import { fileRecords } from "../../src/pack/encode.ts";
import type { CatalogSession, Record } from "../../src/pack/records.ts";
import { receiver, refusal, tempDir, tree } from "./_stage.ts";

const ID = "33333333-3333-4333-8333-333333333333";
const catalog: CatalogSession = { id: ID, title: "", firstPrompt: "", project: "/home/alice/app", branch: "", messages: 1, created: "", modified: "", bytes: 1 << 20, files: 2, subagents: 0, version: "" };

async function streamOf(paths: string[]): Promise<Record[]> {
  const dir = tempDir("ccshare-shapes-src-");
  const out: Record[] = [];
  for (const path of paths) {
    const abs = join(dir, path);
    mkdirSync(join(abs, ".."), { recursive: true });
    writeFileSync(abs, `{"type":"user","cwd":"/home/alice/app","sessionId":"${ID}"}\n`);
    for await (const r of fileRecords({ file: { path, abs, size: statSync(abs).size }, from: 0 }, ID)) out.push(r);
  }
  return [...out, { k: "done" }];
}

async function outcome(path: string): Promise<{ error: unknown; files: string[]; into: string }> {
  const r = receiver();
  const into = tempDir("ccshare-shapes-into-");
  const error = await refusal({ catalog: [catalog], wanted: new Set([ID]), into, env: r.env }, await streamOf([`${ID}.jsonl`, path]));
  return { error, files: tree(join(r.config, "projects")).filter((p) => !p.endsWith("/")), into };
}

describe("the decoder and the installer agree", () => {
  for (const path of [`agent-a1b2c3.jsonl`, `${ID}/subagents/agent-a1b2c3.jsonl`, `${ID}/subagents/agent-a1b2c3.meta.json`, `${ID}/tool-results/toolu_1.txt`, `${ID}/subagents/workflows/wf_1/agent-a1.jsonl`]) {
    test(`${path.replace(ID, "<id>")} is received and installed`, async () => {
      const { error, files } = await outcome(path);
      expect(error).toBeUndefined();
      expect(files.some((f) => f.endsWith(path))).toBe(true);
    });
  }

  for (const path of ["agent-a1b2c3.meta.json", "agent-a1b2c3.txt", `${ID}.meta.json`]) {
    test(`hostile: ${path.replace(ID, "<id>")} beside the transcript is refused by the decoder, with nothing installed`, async () => {
      const { error, files } = await outcome(path);
      expect(error).toBeInstanceOf(UnsafePathError);
      expect((error as Error).message).toMatch(/sent an unsafe file path/);
      expect(files).toEqual([]);
    });
  }
});
