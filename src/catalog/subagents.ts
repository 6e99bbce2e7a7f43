// A session's subagents, and which Task/Agent call each one ran for, so that a
// transcript can show a subagent's work where it happened. Subagent files:
// 2.1.x `<id>/subagents/agent-<aid>.jsonl` with `agent-<aid>.meta.json`
// (agentType, description, toolUseId), 2.0.x `agent-<aid>.jsonl` beside the
// session (SESSIONS-FORMAT.md "Where").
import { readFileSync, statSync } from "node:fs";
import { basename } from "node:path";
import { stripEscapes } from "../ui/terminal_text.ts";
import type { SessionFile } from "./entry.ts";
import { AGENT_FILE } from "./paths.ts";
import { transcriptEntries, type TranscriptEntry } from "./transcript.ts";

export interface Subagent {
  agentId: string;
  /** Absolute path of its transcript. */
  path: string;
  bytes: number;
  /** From its .meta.json (2.1.x); "" when unknown. */
  description: string;
  agentType: string;
  toolUseId: string;
}

const META_MAX = 64 << 10;
const AGENT_CALLS = new Set(["Task", "Agent"]);

function metaOf(path: string): Record<string, unknown> {
  try {
    if (statSync(path).size > META_MAX) return {};
    const meta = JSON.parse(readFileSync(path, "utf8"));
    return meta && typeof meta === "object" ? meta : {};
  } catch {
    return {}; // no meta (2.0.x), or a torn one: the call's own description heads it
  }
}

const text = (value: unknown) => (typeof value === "string" ? stripEscapes(value) : "");

/** The subagents among a session's files (see catalog.ts sessionFiles), in file order. */
export function subagentsOf(files: SessionFile[]): Subagent[] {
  return files.filter((f) => AGENT_FILE.test(basename(f.path))).map((f) => {
    const meta = metaOf(f.abs.replace(/\.jsonl$/, ".meta.json"));
    return {
      agentId: basename(f.path).slice("agent-".length, -".jsonl".length),
      path: f.abs,
      bytes: f.size,
      description: text(meta.description),
      agentType: text(meta.agentType),
      toolUseId: typeof meta.toolUseId === "string" ? meta.toolUseId : "",
    };
  });
}

/** How a subagent is headed: its task's description (its meta's, else its call's), and its type. */
export function subagentTitle(subagent: Subagent, call?: TranscriptEntry): string {
  const description = subagent.description || text((call?.input as { description?: unknown } | undefined)?.description);
  return `${description.trim() || subagent.agentId}${subagent.agentType ? ` (${subagent.agentType})` : ""}`;
}

/** The text a subagent was first given: what its Task call's `prompt` said. */
function firstPrompt(agent: Subagent): string {
  for (const e of transcriptEntries(agent.path)) if (e.kind === "prompt") return e.text;
  return "";
}

/** Hands each subagent to the call it ran for; each is handed out once. */
export class SubagentClaims {
  private readonly unclaimed: Subagent[];
  private prompts = new Map<Subagent, string>();

  constructor(subagents: Subagent[]) {
    this.unclaimed = [...subagents];
  }

  /**
   * The subagent of a Task/Agent call: the one whose meta names the call, else
   * the one the result names, else the one whose first prompt is the call's.
   */
  claim(call: TranscriptEntry, result?: TranscriptEntry): Subagent | undefined {
    if (call.kind !== "tool" || !AGENT_CALLS.has(call.tool ?? "") || this.unclaimed.length === 0) return undefined;
    const prompt = stripEscapes(String((call.input as { prompt?: unknown } | undefined)?.prompt ?? "")).trim();
    const found =
      this.unclaimed.find((a) => call.id && a.toolUseId === call.id) ??
      this.unclaimed.find((a) => result?.agent && a.agentId === result.agent) ??
      (prompt ? this.unclaimed.find((a) => !a.toolUseId && this.promptOf(a) === prompt) : undefined);
    if (found) this.unclaimed.splice(this.unclaimed.indexOf(found), 1);
    return found;
  }

  /** The subagents no call claimed (automatic ones such as 2.0.x "Warmup", or calls cut off). */
  rest(): Subagent[] {
    return this.unclaimed.splice(0);
  }

  private promptOf(agent: Subagent): string {
    let prompt = this.prompts.get(agent);
    if (prompt === undefined) this.prompts.set(agent, (prompt = firstPrompt(agent).trim()));
    return prompt;
  }
}
