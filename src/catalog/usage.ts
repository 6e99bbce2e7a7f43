// Token totals of a session. Each line of a split API response repeats its
// message's usage, growing as the response streams (SESSIONS-FORMAT.md "More
// facts"), so each message counts once, with the last figures seen.
import type { MessageUsage } from "./transcript.ts";

export interface UsageTotals {
  /** Input tokens sent fresh, plus those read from and written to the prompt cache. */
  input: number;
  cacheRead: number;
  cacheWrite: number;
  output: number;
  /** API responses counted. */
  responses: number;
}

export class UsageCount {
  private byMessage = new Map<string, MessageUsage>();

  add(usage: MessageUsage | undefined): void {
    if (usage) this.byMessage.set(usage.message, usage);
  }

  totals(): UsageTotals {
    const t: UsageTotals = { input: 0, cacheRead: 0, cacheWrite: 0, output: 0, responses: this.byMessage.size };
    for (const u of this.byMessage.values()) {
      t.input += u.input;
      t.cacheRead += u.cacheRead;
      t.cacheWrite += u.cacheWrite;
      t.output += u.output;
    }
    return t;
  }
}
