// The room's guess budget (issue 13, finding 3) and the receiver's handshake
// split at the point where a guess is spent (PROTOCOL.md §2, §3).
import { describe, expect, test } from "bun:test";
import { WrongPassphraseError } from "../../src/errors.ts";
import { memoryChannelPair, type Channel } from "../../src/net/channel.ts";
import { decodeMessage } from "../../src/pack/cbor.ts";
import { GuessBudget } from "../../src/transfer/guess_budget.ts";
import { handshakeAsReceiver, handshakeAsSharer, reachSharer } from "../../src/transfer/handshake.ts";

const ROOM = "K7P2QX";
const PASS = "orbit maple tiger flute";

/** A channel that records the type of every message sent on it. */
function recording(channel: Channel, sent: string[]): Channel {
  return {
    ...channel,
    closed: channel.closed,
    buffered: 0,
    send: (m) => (sent.push(String(decodeMessage(m).t)), channel.send(m)),
    receive: (ms) => channel.receive(ms),
    close: (code, reason) => channel.close(code, reason),
  };
}

describe("a room's guess budget", () => {
  test("evaluates wrong guesses until the budget is spent, then refuses the rest without evaluating them", () => {
    const budget = new GuessBudget(3);
    const reported: number[] = [];
    let evaluated = 0;
    const wrongGuess = () => (evaluated++, false);
    const verdicts = Array.from({ length: 100 }, () => budget.gate((n) => reported.push(n)).evaluate(wrongGuess));
    expect(verdicts.slice(0, 3)).toEqual(["wrong", "wrong", "wrong"]);
    expect(new Set(verdicts.slice(3))).toEqual(new Set(["refused"]));
    expect(evaluated).toBe(3);
    expect(reported).toEqual([1, 2, 3]);
    expect(budget.spent).toBe(true);
  });

  test("a right guess costs nothing from the budget", () => {
    const budget = new GuessBudget(1);
    expect(budget.gate().evaluate(() => true)).toBe("right");
    expect(budget.gate().evaluate(() => true)).toBe("right");
    expect(budget.wrongGuesses).toBe(0);
    expect(budget.gate().evaluate(() => false)).toBe("wrong");
    expect(budget.gate().evaluate(() => true)).toBe("refused");
  });

  test("refuses to be entered from inside an evaluation (one at a time, by construction)", () => {
    const budget = new GuessBudget(3);
    expect(() => budget.gate().evaluate(() => budget.gate().evaluate(() => true) === "right")).toThrow(/one at a time/);
  });
});

describe("the handshake and the budget", () => {
  test("hostile: the right passphrase, refused by a spent budget, gets exactly what a wrong one gets", async () => {
    const spent = new GuessBudget(1);
    spent.gate().evaluate(() => false);
    const outcome = async (passphrase: string) => {
      const [s, r] = memoryChannelPair();
      const sent: string[] = [];
      const results = await Promise.allSettled([
        handshakeAsSharer(recording(s, sent), { room: ROOM, passphrase: PASS, guesses: spent.gate() }),
        handshakeAsReceiver(r, { room: ROOM, passphrase }),
      ]);
      return { sent, close: await s.closed, errors: results.map((x) => (x.status === "rejected" ? (x.reason as Error).name : "ok")) };
    };
    const right = await outcome(PASS);
    expect(right).toEqual({ sent: ["hello", "pake", "fail"], close: { code: 1000, reason: "wrong passphrase" }, errors: ["WrongPassphraseError", "WrongPassphraseError"] });
    expect(await outcome("not the passphrase")).toEqual(right);
  });

  test("reaching the sharer sends only the hello; walking away then spends no guess", async () => {
    const [s, r] = memoryChannelPair();
    const budget = new GuessBudget(1);
    const sent: string[] = [];
    const sharer = handshakeAsSharer(s, { room: ROOM, passphrase: PASS, guesses: budget.gate() });
    const reached = await reachSharer(recording(r, sent), { room: ROOM, passphrase: "a wrong one" });
    expect(sent).toEqual(["hello"]);
    reached.abandon();
    await expect(sharer).rejects.not.toBeInstanceOf(WrongPassphraseError);
    expect(budget.wrongGuesses).toBe(0);
  });

  test("proving after reaching the sharer completes the handshake", async () => {
    const [s, r] = memoryChannelPair();
    const [sharer, reached] = await Promise.all([handshakeAsSharer(s, { room: ROOM, passphrase: PASS }), reachSharer(r, { room: ROOM, passphrase: PASS }).then((x) => x.prove())]);
    expect(reached.sas).toBe(sharer.sas);
  });
});
