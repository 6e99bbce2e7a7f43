// A session's conversation as it is shown: its main transcript with tool calls
// paired to their results, and each subagent's transcript at the Task/Agent
// call that ran it (or at the end, for those no call claims). Read in pages
// when asked: a page ends at the first prompt after `pageBytes` of the file,
// so a 400 MB session shows its start without reading the rest.
import type { Subagent } from "./subagents.ts";
import { SubagentClaims } from "./subagents.ts";
import { ToolCallPairing, type TranscriptItem } from "./tool_calls.ts";
import { transcriptLines, type TranscriptEntry } from "./transcript.ts";
import { UsageCount, type UsageTotals } from "./usage.ts";

export type ConversationEvent =
  /** An entry (a call with its result). `subagent`: the call ran it; its events follow when shown inline. */
  | { kind: "item"; item: TranscriptItem; depth: number; subagent?: Subagent }
  /** A subagent's own transcript starts (after its call's item, or on its own at the end). */
  | { kind: "subagent"; subagent: Subagent; depth: number }
  | { kind: "end"; subagent: Subagent; depth: number }
  /** The page is full: the rest of the main transcript starts at this byte offset. */
  | { kind: "more"; from: number };

export interface ConversationOptions {
  /** Where in the main transcript to start (an offset a "more" event gave). */
  from?: number;
  /** End the page at the first prompt after this many bytes of the main transcript. */
  pageBytes?: number;
  /** Show subagents' transcripts inline (else only their calls carry them). */
  inline: boolean;
  /**
   * Subagents claimed anywhere in the session (see outline()), asked for at the
   * end, which lists the others. Default: those this read did not claim (right
   * when it read from the start).
   */
  claimed?: () => Set<string>;
  /** At the end, the subagents no call claimed (default true; false for a subagent's own pages). */
  listRest?: boolean;
  /** Counts the tokens of every line read. */
  usage?: UsageCount;
}

/** Past this many page sizes without a prompt, a page may also end where no call is waiting. */
const LONG_TURN = 4;

class Reader {
  readonly claims: SubagentClaims;
  constructor(subagents: Subagent[], private readonly o: ConversationOptions, readonly usage?: UsageCount) {
    this.claims = new SubagentClaims(subagents);
  }

  /** The events of one transcript file; `stop` is called with the offset where a full page ended. */
  *file(path: string, depth: number, o: { subagent?: string; from?: number; pageBytes?: number; stop?: (at: number) => void } = {}): Generator<ConversationEvent> {
    const pairing = new ToolCallPairing();
    const from = o.from ?? 0;
    for (const line of transcriptLines(path, { subagent: o.subagent, from })) {
      this.usage?.add(line.usage);
      const first = line.entries[0];
      if (o.pageBytes && first && line.offset - from >= o.pageBytes && line.offset > from && endsPage(first, pairing, line.offset - from >= LONG_TURN * o.pageBytes)) {
        yield* this.items(pairing.end(), depth);
        o.stop?.(line.offset);
        return;
      }
      for (const entry of line.entries) yield* this.items(pairing.push(entry), depth);
    }
    yield* this.items(pairing.end(), depth);
  }

  private *items(items: TranscriptItem[], depth: number): Generator<ConversationEvent> {
    for (const item of items) {
      const subagent = this.claims.claim(item.entry, item.result);
      yield { kind: "item", item, depth, ...(subagent ? { subagent } : {}) };
      if (subagent && this.o.inline) yield* this.subagent(subagent, depth);
    }
  }

  *subagent(subagent: Subagent, depth: number): Generator<ConversationEvent> {
    yield { kind: "subagent", subagent, depth };
    yield* this.file(subagent.path, depth + 1, { subagent: subagent.agentId });
    yield { kind: "end", subagent, depth };
  }
}

/** A prompt starts a page; in a long run of tool work, so does an assistant line with no call waiting. */
function endsPage(first: TranscriptEntry, pairing: ToolCallPairing, longTurn: boolean): boolean {
  if (first.subagent) return false;
  if (first.kind === "prompt" || first.kind === "command") return true;
  return longTurn && pairing.pending === 0 && (first.kind === "answer" || first.kind === "thinking" || first.kind === "tool");
}

/** The conversation of a session: its main transcript file and its subagents. */
export function* conversation(main: string, subagents: Subagent[], o: ConversationOptions): Generator<ConversationEvent> {
  const reader = new Reader(subagents, o, o.usage);
  let more: number | undefined;
  yield* reader.file(main, 0, { from: o.from, pageBytes: o.pageBytes, stop: (at) => (more = at) });
  if (more !== undefined) return void (yield { kind: "more", from: more });
  if (o.listRest === false) return;
  const claimed = o.claimed?.();
  const rest = claimed ? subagents.filter((a) => !claimed.has(a.agentId)) : reader.claims.rest();
  for (const subagent of rest) yield* reader.subagent(subagent, 0);
}

export interface Outline {
  usage: UsageTotals;
  /** agentIds of the subagents some call claims. */
  claimed: Set<string>;
}

/** One pass over the whole session, subagents included: token totals and which subagents calls claim. */
export function outline(main: string, subagents: Subagent[]): Outline {
  const usage = new UsageCount();
  const reader = new Reader(subagents, { inline: true }, usage);
  const claimed = new Set<string>();
  for (const event of reader.file(main, 0)) if (event.kind === "subagent") claimed.add(event.subagent.agentId);
  for (const subagent of reader.claims.rest()) for (const _ of reader.subagent(subagent, 0));
  return { usage: usage.totals(), claimed };
}
