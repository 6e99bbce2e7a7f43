import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { Buffer } from "node:buffer";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { factsOf, skimLine } from "../../src/catalog/skim.ts";
import { writeBigStore, writeStore } from "../fixtures/store.ts";
import { tempHome } from "./_env.ts";

// Large files and child processes: generous on a loaded machine (bunfig's timeout is not applied).
setDefaultTimeout(60_000);


function jsonlFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) jsonlFiles(path, out);
    else if (name.endsWith(".jsonl")) out.push(path);
  }
  return out;
}

/** Skimming must agree with parsing on every line it does not hand back to the parser. */
function expectAgreement(paths: string[]): number {
  let checked = 0;
  for (const path of paths) {
    for (const text of readFileSync(path, "utf8").split("\n")) {
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(text);
      } catch {
        continue;
      }
      const buf = Buffer.from(`garbage before${text}{"type":"user","isMeta":true} garbage after`);
      const start = "garbage before".length;
      const skimmed = skimLine(buf, start, start + Buffer.byteLength(text));
      if (!skimmed) continue;
      const expected = factsOf(parsed);
      if (expected.type !== "user" && expected.type !== "assistant" && expected.type !== "system" && expected.type !== "attachment") {
        expect(skimmed.type).toBe(expected.type);
        continue;
      }
      expect({ text: text.slice(0, 120), ...skimmed }).toEqual({ text: text.slice(0, 120), ...expected });
      checked++;
    }
  }
  return checked;
}

describe("skimming a line", () => {
  test("agrees with parsing it, on every line of the fixture store", () => {
    const { configDir } = tempHome();
    writeStore(configDir);
    expect(expectAgreement(jsonlFiles(configDir))).toBeGreaterThan(200);
  });

  test("agrees with parsing it, on lines of every size in a generated big store", () => {
    const { configDir } = tempHome();
    writeBigStore(configDir, { sessions: 8, totalBytes: 6_000_000 });
    expect(expectAgreement(jsonlFiles(configDir))).toBeGreaterThan(100);
  });

  test("is not fooled by field names inside strings", () => {
    const line = JSON.stringify({ parentUuid: null, isSidechain: false, type: "user", message: { role: "user", content: 'see "isMeta":true and "isSidechain":true and "type":"assistant"' }, uuid: "u", timestamp: "t" });
    expect(skimLine(Buffer.from(line), 0, line.length)).toMatchObject({ type: "user", meta: false, sidechain: false, hasText: true });
  });

  test("reads the type from the role when it comes after the message (assistant lines)", () => {
    const line = `{"parentUuid":"p","isSidechain":false,"cwd":"/x","message":{"model":"m","id":"msg_1","type":"message","role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"Write","input":{"content":"${"y".repeat(9000)}"}},{"type":"text","text":"done"}]},"type":"assistant","uuid":"u","gitBranch":"b"}`;
    expect(skimLine(Buffer.from(line), 0, line.length)).toMatchObject({ type: "assistant", messageId: "msg_1", hasText: true, branch: "b" });
  });

  test("hands back what it cannot settle from the head of a long line", () => {
    const line = `{"parentUuid":"p","isSidechain":false,"message":{"role":"user","content":[{"tool_use_id":"t","content":"${"z".repeat(9000)}"}]}}`;
    const odd = line.replace('{"tool_use_id":"t",', '{"content_first":"x","content":"' + "q".repeat(5000) + '","tool_use_id":"t",');
    expect(skimLine(Buffer.from(odd), 0, odd.length)).toBeUndefined();
  });
});

describe("lines in unusual shapes", () => {
  test("a line written with spaces after colons is handed to the parser, and still counts", () => {
    const line = '{"type": "user", "isSidechain": false, "message": {"role": "user", "content": "Spaced out"}, "cwd": "/x", "timestamp": "2026-01-01T00:00:00Z"}';
    expect(skimLine(Buffer.from(line), 0, line.length)).toBeUndefined();
    expect(factsOf(JSON.parse(line))).toMatchObject({ type: "user", hasText: true });
  });

  test("a progress line that nests an assistant message is not an assistant line", () => {
    const line = JSON.stringify({ parentUuid: "p", isSidechain: false, cwd: "/x", type: "progress", data: { message: { type: "assistant", message: { id: "msg_n", role: "assistant", content: [{ type: "text", text: "nested" }] } } }, uuid: "u" });
    expect(skimLine(Buffer.from(line), 0, line.length)?.type).toBe("progress");
  });
});

test("a conversation line whose message starts after a long header is handed to the parser", () => {
  const line = JSON.stringify({ parentUuid: "p", isSidechain: false, cwd: `/${"d".repeat(3000)}`, type: "user", message: { role: "user", content: `${"z".repeat(5000)}` }, uuid: "u" });
  expect(skimLine(Buffer.from(line), 0, line.length)).toBeUndefined();
});
