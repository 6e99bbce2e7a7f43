// Issue 13, finding 9, against the compiled binary: Ctrl-C on a share stops a
// running transfer within 0.5 s, through a relay as on the LAN, and the
// receiver ends with an error and nothing left behind (no session, no staging).
// The bound is the issue's; on a loaded 2-core machine the stop is measured
// from the signal to the receiver's exit, which is the end of the transfer.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { createNetns, type Netns } from "../support/netns.ts";
import { startRelayProcess } from "./_relay_process.ts";
import { installedFiles, person, startJson, writeBigSession, type Person } from "./_transfer_support.ts";

const STOP_WITHIN_MS = 500;

/** Every entry under the receiver's projects/ folder, folders included (a staging dir is a folder). */
function everything(who: Person): string[] {
  try {
    return readdirSync(join(who.configDir, "projects"), { recursive: true }).map(String);
  } catch {
    return [];
  }
}

async function stopMidTransfer(ns: Netns | undefined, shareArgs: string[], receiveArgs: (code: string) => string[], label: string): Promise<void> {
  const alice = person();
  const bigId = writeBigSession(alice.configDir, "/home/alice/src/big", 200);
  const share = startJson(ns, ["share", "--yes", "--session", bigId, "--passphrase", "stop me now", ...shareArgs], alice);
  const code = String((await share.next((e) => e.event === "ready")).code);
  const bob = person();
  const receive = startJson(ns, receiveArgs(code), bob);
  // In full flow: every window of credit in use, buffers on the way full.
  const progress = await receive.next((e) => e.event === "progress" && Number(e.bytes) > 32 * 2 ** 20);
  const signalled = performance.now();
  share.proc.kill("SIGINT");
  const [sharerCode, receiverCode] = await Promise.all([
    share.exited.then((c) => ({ c, ms: performance.now() - signalled })),
    receive.exited.then((c) => ({ c, ms: performance.now() - signalled })),
  ]);
  const last = receive.events.filter((e) => e.event === "progress").at(-1)!;
  console.log(
    `${label}: Ctrl-C at ${Math.round(Number(progress.bytes) / 2 ** 20)} MiB of ${Math.round(Number(progress.total) / 2 ** 20)} MiB; ` +
      `receiver ended ${Math.round(receiverCode.ms)} ms later (last progress ${Math.round(Number(last.bytes) / 2 ** 20)} MiB), sharer exited after ${Math.round(sharerCode.ms)} ms`,
  );
  expect(sharerCode.c).toBe(0);
  expect(share.events.at(-1)).toMatchObject({ event: "done", reason: "stopped" });
  expect(receiverCode.c).toBe(1);
  expect(await receive.stderr).toMatch(/ended before it was complete|went away|closed/);
  expect(receiverCode.ms).toBeLessThan(STOP_WITHIN_MS);
  // The sharer itself may take a little longer: its mDNS goodbye is bounded by 1 s (net/lan.ts).
  expect(sharerCode.ms).toBeLessThan(2000);
  expect(Number(last.bytes)).toBeLessThan(Number(last.total));
  expect(installedFiles(bob.configDir)).toEqual([]);
  expect(everything(bob).filter((e) => e.includes(".ccshare-staging-"))).toEqual([]);
}

describe("Ctrl-C on a share", () => {
  test("Ctrl-C on a relay share stops within 0.5 s, and the receiver cleans up", async () => {
    const relay = await startRelayProcess();
    try {
      await stopMidTransfer(undefined, ["--no-lan", "--relay", relay.url], (code) => ["receive", "--no-lan", "--relay", relay.url, code, "--all", "--yes"], "relay");
    } finally {
      relay.proc.kill("SIGKILL");
    }
  }, 90_000);

  describe("on the LAN", () => {
    let ns: Netns;
    beforeAll(async () => {
      ns = await createNetns();
    });
    afterAll(async () => {
      await ns?.destroy();
    });

    test("Ctrl-C on a LAN share stops within 0.5 s, and the receiver cleans up", async () => {
      await stopMidTransfer(ns, [], (code) => ["receive", code, "--all", "--yes"], "LAN");
    }, 90_000);
  });
});
