// Scanning and copying whole files, including the hostile ones a store can
// hold: a corrupt line, a 50 MB line, bytes that are not UTF-8, a flood of
// keywords, a secret across a read boundary. None may crash the scanner or
// let a secret through; every other byte is copied as it was.
import { describe, expect, test } from "bun:test";
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { scanFile } from "../../src/redact/file_scan.ts";
import { placeholder } from "../../src/redact/placeholder.ts";
import { writeRedactedCopy } from "../../src/redact/redacted_copy.ts";
import { ruleSet } from "../../src/redact/rule.ts";
import { credentials } from "../fixtures/secrets.ts";
import { leaked, offered, tempDir } from "./_redact.ts";

const set = ruleSet();
const github = credentials().find((c) => c.rule === "github-pat")!.value;
const aws = credentials().find((c) => c.rule === "aws-access-token")!.value;
const line = (content: string) => JSON.stringify({ type: "user", uuid: "u1", message: { role: "user", content } });

async function redacted(name: string, data: string | Uint8Array): Promise<{ scan: Awaited<ReturnType<typeof scanFile>>; out: Buffer }> {
  const dir = tempDir();
  const abs = join(dir, name);
  writeFileSync(abs, data);
  const scan = await scanFile(offered(abs, name), set);
  const to = join(dir, `redacted-${name}`);
  const size = await writeRedactedCopy(scan, set, to);
  const out = readFileSync(to);
  expect(out.length).toBe(size);
  return { scan, out };
}

describe("hostile files", () => {
  test("a corrupt line and a torn last line do not stop the lines around them from being redacted", async () => {
    const text = [line(`one ${github}`), '{"type":"user","message":{"content":"broken', line(`two ${aws}`), `{"type":"user","cut here ${github}`].join("\n");
    const { scan, out } = await redacted("s.jsonl", text);
    expect(scan.found.map((f) => f.rule)).toEqual(["github-pat", "aws-access-token", "github-pat"]);
    const lines = out.toString("utf8").split("\n");
    expect(lines).toHaveLength(4);
    expect(JSON.parse(lines[0]!).message.content).toBe(`one ${placeholder("github-pat")}`);
    expect(lines[1]).toBe('{"type":"user","message":{"content":"broken');
    expect(JSON.parse(lines[2]!).message.content).toBe(`two ${placeholder("aws-access-token")}`);
    expect(leaked(out, [github, aws])).toEqual([]);
  });

  test("a 50 MB line with a secret in the middle is redacted in place, as text, without decoding it", async () => {
    const filler = "x".repeat(25 * 1024 * 1024);
    const big = line(`${filler} ${github} ${filler}`);
    const started = performance.now();
    const { scan, out } = await redacted("big.jsonl", `${line("before")}\n${big}\n${line(`after ${aws}`)}\n`);
    expect(performance.now() - started).toBeLessThan(30_000);
    expect(scan.found.map((f) => f.rule)).toEqual(["github-pat", "aws-access-token"]);
    expect(leaked(out, [github, aws])).toEqual([]);
    const lines = out.toString("utf8").split("\n");
    expect(lines).toHaveLength(4);
    expect(JSON.parse(lines[1]!).message.content).toBe(`${filler} ${placeholder("github-pat")} ${filler}`);
  }, 60_000);

  test("bytes that are not UTF-8 survive in lines with no secret, and a line with one stays valid JSON", async () => {
    const bad = new Uint8Array([0xff, 0xfe, 0xc3, 0x28]);
    const before = new TextEncoder().encode(`${line("plain")}\n{"type":"user","message":{"content":"`);
    const after = new TextEncoder().encode(`"}}\n${line(`key ${github}`)}\n`);
    const { out } = await redacted("bytes.jsonl", Buffer.concat([before, bad, after]));
    expect(out.subarray(0, before.length + bad.length + 4)).toEqual(Buffer.concat([before, bad, new TextEncoder().encode('"}}\n')]));
    expect(JSON.parse(out.toString("utf8").split("\n")[2]!).message.content).toBe(`key ${placeholder("github-pat")}`);
  });

  test("8 MB of keywords and nothing else is scanned in bounded time and left as it was", async () => {
    const flood = "AKIA ghp_ sk_live_ -----BEGIN eyJ ://".repeat(240_000);
    const started = performance.now();
    const { scan, out } = await redacted("flood.txt", flood);
    expect(performance.now() - started).toBeLessThan(30_000);
    expect(scan.found).toEqual([]);
    expect(out.toString("latin1")).toBe(flood);
  }, 60_000);

  test("a secret across the 1 MiB read boundary is found", async () => {
    for (const shift of [-20, -3, 0, 5]) {
      const at = 1024 * 1024 + shift;
      const text = "y".repeat(at) + ` ${github} ` + "y".repeat(1000);
      const { scan, out } = await redacted(`edge${shift}.txt`, text);
      expect(scan.found.map((f) => f.rule)).toEqual(["github-pat"]);
      expect(leaked(out, [github])).toEqual([]);
    }
  });
});

test("a file appended to after the scan is copied as scanned: the new line, never scanned, stays behind", async () => {
  const dir = tempDir();
  const abs = join(dir, "live.jsonl");
  writeFileSync(abs, `${line(`first ${github}`)}\n`);
  const scan = await scanFile(offered(abs, "live.jsonl"), set);
  appendFileSync(abs, `${line(`later ${aws}`)}\n`);
  const to = join(dir, "copy.jsonl");
  await writeRedactedCopy(scan, set, to);
  expect(readFileSync(to, "utf8")).toBe(`${line(`first ${placeholder("github-pat")}`)}\n`);
});

test("a subagent's .meta.json is one JSON document, redacted as JSON", async () => {
  const { out } = await redacted("agent-x.meta.json", JSON.stringify({ agentType: "Explore", description: `check ${github}` }, null, 2));
  expect(JSON.parse(out.toString("utf8"))).toEqual({ agentType: "Explore", description: `check ${placeholder("github-pat")}` });
});
