// Issue 13, finding 3, against the compiled binary: a guesser that holds a
// hundred guesses and sends them at once must get no more evaluated than
// --max-attempts, and the one right guess among them must look, on the wire,
// exactly like the wrong ones: same messages, same close code and reason, and
// an answer that comes no sooner or later than theirs.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeStore } from "../fixtures/store.ts";
import { bunPath, repoRoot } from "../support/bin.ts";
import { stagedGuesses, type GuessOutcome } from "../support/guesser.ts";
import { createNetns, type Netns } from "../support/netns.ts";
import { startRelayProcess } from "./_relay_process.ts";
import { person, startJson, type JsonProcess } from "./_transfer_support.ts";

const GUESSES = 100;
const MAX_ATTEMPTS = 3;
const PASSPHRASE = "orbit maple tiger flute";
/** Far from the front of the burst: the budget is spent on the first three to arrive. */
const RIGHT_INDEX = 50;

const signature = (o: GuessOutcome) => JSON.stringify({ messages: o.messages, code: o.close.code, reason: o.close.reason, error: o.error });

/** What must hold of one attack, whichever path it took. */
async function expectHeld(share: JsonProcess, outcomes: GuessOutcome[], path: string): Promise<void> {
  const evaluated = share.events.filter((e) => e.event === "failed-attempt");
  const right = outcomes.find((o) => o.right)!;
  const wrong = outcomes.filter((o) => !o.right);
  const ms = wrong.map((o) => o.ms).sort((a, b) => a - b);
  console.log(
    `${path}: ${GUESSES} staged guesses, ${evaluated.length} evaluated (--max-attempts ${MAX_ATTEMPTS}); ` +
      `every one answered ${signature(right)}; wrong ones answered in ${Math.round(ms[0]!)}-${Math.round(ms.at(-1)!)} ms, the right one in ${Math.round(right.ms)} ms`,
  );
  expect(evaluated.map((e) => e.attempts)).toEqual([1, 2, 3]);
  expect(share.events.some((e) => e.event === "sent" || e.event === "want")).toBe(false);
  // Every connection, the right one included, was told "fail" and closed the same way.
  expect(new Set(outcomes.map(signature))).toEqual(new Set([JSON.stringify({ messages: ["fail"], code: 1000, reason: "wrong passphrase", error: "WrongPassphraseError" })]));
  expect(right.ms).toBeGreaterThanOrEqual(ms[0]!);
  expect(right.ms).toBeLessThanOrEqual(ms.at(-1)!);
  expect(await share.exited).toBe(1);
  expect(await share.stderr).toContain(`Stopped sharing after ${MAX_ATTEMPTS} wrong passphrase attempts`);
}

describe("hostile: simultaneous guesses", () => {
  test("hostile: 100 simultaneous staged guesses through the relay against --max-attempts 3 are evaluated at most 3 times and the right guess looks like the wrong ones", async () => {
    const relay = await startRelayProcess(["--max-waiting", "128", "--join-rate", "1000"]);
    try {
      const alice = person();
      const [session] = writeStore(alice.configDir);
      const share = startJson(undefined, ["share", "--yes", "--no-lan", "--relay", relay.url, "--session", session!.id, "--passphrase", PASSPHRASE, "--max-attempts", String(MAX_ATTEMPTS)], alice);
      const room = String((await share.next((e) => e.event === "ready")).room);
      const outcomes = await stagedGuesses({ url: `${relay.url}/v1/join/${room}`, room, count: GUESSES, rightIndex: RIGHT_INDEX, rightPassphrase: PASSPHRASE });
      await expectHeld(share, outcomes, "relay");
    } finally {
      relay.proc.kill("SIGKILL");
    }
  }, 120_000);

  describe("on the LAN", () => {
    let ns: Netns;
    beforeAll(async () => {
      ns = await createNetns();
    });
    afterAll(async () => {
      await ns?.destroy();
    });

    test("hostile: 100 simultaneous staged guesses on the LAN against --max-attempts 3 are evaluated at most 3 times and the right guess looks like the wrong ones", async () => {
      const alice = person();
      const [session] = writeStore(alice.configDir);
      const share = startJson(ns, ["share", "--yes", "--session", session!.id, "--passphrase", PASSPHRASE, "--max-attempts", String(MAX_ATTEMPTS)], alice);
      const ready = await share.next((e) => e.event === "ready");
      const room = String(ready.room);
      const url = `ws://127.0.0.1:${ready.port}/v1/join/${room}`;
      const guesser = await ns.run([bunPath, `${repoRoot}/test/support/guesser.ts`, url, room, String(RIGHT_INDEX), String(GUESSES), PASSPHRASE]);
      expect(guesser.stderr).toBe("");
      await expectHeld(share, JSON.parse(guesser.stdout) as GuessOutcome[], "LAN");
    }, 120_000);
  });
});
