// A conversation as it is shown (src/catalog/conversation.ts and the pieces
// under it): calls paired by tool_use_id, subagents at their calls, pages that
// add up to the whole, and tokens counted once per response.
import { describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { conversation, outline, type ConversationEvent } from "../../src/catalog/conversation.ts";
import { sessionFiles, findSession } from "../../src/catalog/catalog.ts";
import { subagentsOf, SubagentClaims } from "../../src/catalog/subagents.ts";
import { pairToolCalls } from "../../src/catalog/tool_calls.ts";
import type { TranscriptEntry } from "../../src/catalog/transcript.ts";
import { UsageCount } from "../../src/catalog/usage.ts";
import { Transcript, uuidFrom } from "../fixtures/lines.ts";
import { writeRichSession } from "../fixtures/rich_session.ts";
import { writeBigStore } from "../fixtures/store.ts";
import { tempHome } from "./_env.ts";

const tool = (id: string, name = "Read"): TranscriptEntry => ({ kind: "tool", tool: name, text: id, id });
const result = (id: string): TranscriptEntry => ({ kind: "result", text: `result of ${id}`, id });

function said(events: Iterable<ConversationEvent>): string[] {
  const out: string[] = [];
  for (const e of events) {
    if (e.kind === "item") out.push(`${e.depth}:${e.item.entry.kind}:${e.item.entry.text.slice(0, 40)}${e.item.result ? ` => ${e.item.result.text.slice(0, 30)}` : ""}`);
    else if (e.kind !== "more") out.push(`${e.depth}:${e.kind}:${e.subagent.agentId}`);
  }
  return out;
}

describe("pairing tool calls with their results", () => {
  test("pairs parallel calls by tool_use_id, whatever order the results came in, and keeps the calls' order", () => {
    const items = [...pairToolCalls([tool("a"), tool("b"), tool("c"), result("c"), result("a"), { kind: "answer", text: "done" }, result("b")])];
    expect(items.map((i) => [i.entry.text, i.result?.text])).toEqual([["a", "result of a"], ["b", "result of b"], ["c", "result of c"], ["done", undefined]]);
  });

  test("lets an unanswered call go at the next prompt, without a result", () => {
    const items = [...pairToolCalls([tool("a"), { kind: "prompt", text: "stop" }, result("x")])];
    expect(items.map((i) => [i.entry.kind, i.result?.text])).toEqual([["tool", undefined], ["prompt", undefined], ["result", undefined]]);
  });
});

describe("subagents at their calls", () => {
  const agent = (agentId: string, o: { toolUseId?: string; prompt?: string } = {}) => {
    const { home } = tempHome();
    const path = join(home, `agent-${agentId}.jsonl`);
    const t = new Transcript({ era: "2.1", sessionId: "s", cwd: "/x", branch: "", start: new Date(), agentId });
    t.prompt(o.prompt ?? `Prompt of ${agentId}`);
    writeFileSync(path, t.text());
    return { agentId, path, bytes: 1, description: "", agentType: "", toolUseId: o.toolUseId ?? "" };
  };

  test("are claimed by the call their meta names, else the agentId its result gives, else by their first prompt; once each", () => {
    const claims = new SubagentClaims([agent("m", { toolUseId: "t1" }), agent("r"), agent("p", { prompt: "Look around" })]);
    const task = (id: string, prompt = "") => ({ ...tool(id, "Task"), input: { prompt } });
    expect(claims.claim(task("t1"))?.agentId).toBe("m");
    expect(claims.claim(task("t2"), { ...result("t2"), agent: "r" })?.agentId).toBe("r");
    expect(claims.claim(task("t3", "Look around"))?.agentId).toBe("p");
    expect(claims.claim(task("t1"))).toBeUndefined();
    expect(claims.claim(tool("t4"))).toBeUndefined();
  });

  test("a session's subagent is shown inside its call, and one no call claims at the end", () => {
    const { configDir, env } = tempHome();
    const rich = writeRichSession(configDir);
    const lone = new Transcript({ era: "2.1", sessionId: rich.id, cwd: "/x", branch: "", start: new Date(), agentId: "lone1" });
    lone.prompt("Warmup").reply("Ready.");
    const dir = join(configDir, "projects", rich.folder, rich.id, "subagents");
    writeFileSync(join(dir, "agent-lone1.jsonl"), lone.text());
    return findSession(rich.id, env).then((entry) => sessionFiles(entry, env)).then((files) => {
      const shown = said(conversation(files[0]!.abs, subagentsOf(files), { inline: true }));
      const call = shown.findIndex((s) => s.startsWith("0:tool:Find callers of parse"));
      expect(shown.slice(call + 1, call + 2)).toEqual([`0:subagent:${rich.agentId}`]);
      expect(shown[call + 2]).toStartWith("1:prompt:Find every caller of parse()");
      expect(shown.slice(-4)).toEqual(["0:subagent:lone1", "1:prompt:Warmup", "1:answer:Ready.", "0:end:lone1"]);
    });
  });
});

describe("pages", () => {
  test("add up to the whole conversation, each ending just before a prompt", () => {
    const { configDir } = tempHome();
    writeBigStore(configDir, { sessions: 1, totalBytes: 3e6 });
    const path = join(configDir, "projects", "-home-bench-projects-project-0", `${uuidFrom("big:0")}.jsonl`);
    const whole = said(conversation(path, [], { inline: true }));
    const paged: string[] = [];
    let from: number | undefined = 0;
    let pages = 0;
    while (from !== undefined) {
      const events: ConversationEvent[] = [...conversation(path, [], { inline: true, from, pageBytes: 256 << 10 })];
      const more: ConversationEvent | undefined = events.at(-1);
      from = more?.kind === "more" ? more.from : undefined;
      const page = said(events);
      if (pages > 0) expect(page[0]).toMatch(/^0:prompt:Bench prompt/);
      paged.push(...page);
      pages++;
    }
    expect(pages).toBeGreaterThan(2);
    expect(paged).toEqual(whole);
  });
});

describe("tokens", () => {
  test("count each response once, with the last figures its lines give", () => {
    const count = new UsageCount();
    count.add({ message: "m1", input: 3, output: 10, cacheRead: 100, cacheWrite: 0 });
    count.add({ message: "m1", input: 3, output: 40, cacheRead: 100, cacheWrite: 0 });
    count.add({ message: "m2", input: 1, output: 5, cacheRead: 0, cacheWrite: 7 });
    expect(count.totals()).toEqual({ input: 4, cacheRead: 100, cacheWrite: 7, output: 45, responses: 2 });
  });

  test("of a whole session include its subagents'", () => {
    const { configDir, env } = tempHome();
    const rich = writeRichSession(configDir);
    return findSession(rich.id, env).then((entry) => sessionFiles(entry, env)).then((files) => {
      const o = outline(files[0]!.abs, subagentsOf(files));
      expect(o.claimed).toEqual(new Set([rich.agentId]));
      const responses = new Map<string, number>();
      for (const f of files.filter((f) => f.path.endsWith(".jsonl"))) {
        for (const line of readFileSync(f.abs, "utf8").trim().split("\n").map((l) => JSON.parse(l))) {
          if (line.type === "assistant") responses.set(line.message.id, line.message.usage.output_tokens);
        }
      }
      expect(o.usage.responses).toBe(responses.size);
      expect(o.usage.output).toBe([...responses.values()].reduce((a, b) => a + b, 0));
    });
  });
});
