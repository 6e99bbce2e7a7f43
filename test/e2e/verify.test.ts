// --verify (PROTOCOL.md §3, issue 13): the short authentication string, as
// words, on both screens, the same on both, through the compiled binary.
import { describe, expect, test } from "bun:test";
import { writeStore } from "../fixtures/store.ts";
import { requireBinary, run } from "../support/bin.ts";
import { startRelayProcess } from "./_relay_process.ts";
import { installedFiles, person, startJson } from "./_transfer_support.ts";

describe("--verify", () => {
  test("both sides show the same four verification words, on screen and in --json, and only with --verify", async () => {
    const relay = await startRelayProcess();
    try {
      const alice = person();
      const [session] = writeStore(alice.configDir);
      const shareArgs = ["share", "--yes", "--no-lan", "--relay", relay.url, "--session", session!.id, "--passphrase", "verify these words"];
      const receiveArgs = (code: unknown) => ["receive", "--no-lan", "--relay", relay.url, String(code), "--all", "--yes"];

      const share = startJson(undefined, [...shareArgs, "--verify"], alice);
      const { code } = await share.next((e) => e.event === "ready");
      const bob = person();
      const receive = startJson(undefined, [...receiveArgs(code), "--verify"], bob);
      expect(await receive.exited).toBe(0);
      expect(await share.exited).toBe(0);
      const mine = receive.events.find((e) => e.event === "verify");
      expect(String(mine?.sas).split(" ")).toHaveLength(4);
      expect(share.events.find((e) => e.event === "verify")).toEqual({ event: "verify", peer: 1, sas: mine!.sas });
      expect(installedFiles(bob.configDir).some((f) => f.endsWith(`${session!.id}.jsonl`))).toBe(true);

      // On a person's screen: the words the sharer shows, on the receiver's stderr.
      const again = startJson(undefined, [...shareArgs, "--verify"], alice);
      const { code: code2 } = await again.next((e) => e.event === "ready");
      const carol = person();
      const human = await run([requireBinary(), ...receiveArgs(code2), "--verify"], { env: carol.env, cwd: carol.project });
      expect(human.code).toBe(0);
      const { sas } = await again.next((e) => e.event === "verify");
      expect(human.stderr).toContain(`Verification words: ${sas}`);
      expect(await again.exited).toBe(0);

      // Without --verify, no words anywhere.
      const plain = startJson(undefined, shareArgs, alice);
      const { code: code3 } = await plain.next((e) => e.event === "ready");
      const quiet = startJson(undefined, receiveArgs(code3), person());
      expect(await quiet.exited).toBe(0);
      expect(await plain.exited).toBe(0);
      expect([...quiet.events, ...plain.events].some((e) => e.event === "verify")).toBe(false);
    } finally {
      relay.proc.kill("SIGKILL");
    }
  }, 90_000);
});
