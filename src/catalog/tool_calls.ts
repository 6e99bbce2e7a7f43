// Tool calls paired with their results. Claude Code writes parallel calls
// first and their results after, in the order they finished (SESSIONS-FORMAT.md
// "More facts"), so a result finds its call by tool_use_id, never by position.
// Entries keep their order; a call waits, with whatever came after it, until its
// result arrives, so what is held is bounded by one turn's calls.
import type { TranscriptEntry } from "./transcript.ts";

/** An entry as shown: a tool call carries its result (if one came). */
export interface TranscriptItem {
  entry: TranscriptEntry;
  result?: TranscriptEntry;
}

/** After this many held items, or at a prompt, unanswered calls are let go without a result. */
const MAX_HELD = 500;

export class ToolCallPairing {
  private held: TranscriptItem[] = [];
  private waiting = new Map<string, TranscriptItem>();

  /** Calls still waiting for a result. */
  get pending(): number {
    return this.waiting.size;
  }

  /** Takes one entry; returns the items now ready, in order. */
  push(entry: TranscriptEntry): TranscriptItem[] {
    if (entry.kind === "result" && entry.id) {
      const call = this.waiting.get(entry.id);
      if (call) {
        call.result = entry;
        this.waiting.delete(entry.id);
        return this.ready();
      }
    }
    // A prompt starts a new turn: a call unanswered by now was interrupted.
    if (entry.kind === "prompt" && !entry.subagent) this.waiting.clear();
    const item: TranscriptItem = { entry };
    if (entry.kind === "tool" && entry.id) this.waiting.set(entry.id, item);
    this.held.push(item);
    if (this.held.length > MAX_HELD) this.waiting.clear();
    return this.ready();
  }

  /** Everything still held (the end of the transcript or of a page). */
  end(): TranscriptItem[] {
    this.waiting.clear();
    return this.ready();
  }

  private ready(): TranscriptItem[] {
    let n = 0;
    while (n < this.held.length && !(this.held[n]!.entry.kind === "tool" && this.waiting.has(this.held[n]!.entry.id ?? ""))) n++;
    return n === 0 ? [] : this.held.splice(0, n);
  }
}

/** The items of a stream of entries. */
export function* pairToolCalls(entries: Iterable<TranscriptEntry>): Generator<TranscriptItem> {
  const pairing = new ToolCallPairing();
  for (const entry of entries) yield* pairing.push(entry);
  yield* pairing.end();
}
