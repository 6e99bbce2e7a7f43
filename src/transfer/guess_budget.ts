// A room's budget of wrong passphrase guesses (DESIGN.md §5: the sharer stops
// after --max-attempts failed confirmations). Every handshake of the room asks
// the same budget to evaluate its receiver's confirmation tag (PROTOCOL.md §3).
//
// The budget runs the comparison itself, synchronously, and counts a wrong one
// in the same step: no two evaluations can interleave, so a hundred guesses
// sent at once are evaluated one at a time and the count can never lag behind
// them (issue 13, finding 3). Once the budget is spent, the rest are refused
// without being evaluated, and a refused guess gets exactly the answer a wrong
// one gets (§3). The count is kept at evaluation, not when a handshake starts:
// a receiver racing two paths (§2) and an honest one that leaves early must not
// use up the room.

export type GuessVerdict = "right" | "wrong" | "refused";

/** What one handshake sees of its room's budget. */
export interface GuessGate {
  /** Runs `matches` now (or not at all: "refused") and says what it found. */
  evaluate(matches: () => boolean): GuessVerdict;
}

/** No limit: one handshake on its own (tests, a lone sendSessions). */
export const UNLIMITED_GUESSES: GuessGate = { evaluate: (matches) => (matches() ? "right" : "wrong") };

export class GuessBudget {
  private wrong = 0;
  private evaluating = false;

  constructor(readonly max: number) {
    if (!Number.isSafeInteger(max) || max < 1) throw new RangeError(`a guess budget needs a positive whole number, got ${max}`);
  }

  get wrongGuesses(): number {
    return this.wrong;
  }

  get spent(): boolean {
    return this.wrong >= this.max;
  }

  /** The gate one handshake uses; `onWrong` hears of a wrong guess, with the room's count, before the verdict returns. */
  gate(onWrong: (wrong: number) => void = () => {}): GuessGate {
    return {
      evaluate: (matches) => {
        // `matches` is synchronous, so this can only trip if someone makes it re-enter.
        if (this.evaluating) throw new Error("GuessBudget.evaluate re-entered: confirmations must be evaluated one at a time");
        if (this.spent) return "refused";
        this.evaluating = true;
        try {
          if (matches()) return "right";
        } finally {
          this.evaluating = false;
        }
        this.wrong++;
        onWrong(this.wrong);
        return "wrong";
      },
    };
  }
}
