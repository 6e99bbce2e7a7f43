// Issue 12 §4: a receive stopped midway leaves nothing behind. Ctrl-C (SIGINT)
// or SIGTERM at about 30% of a large session: the receiver removes its staging
// and exits 130; SIGKILL leaves its staging, and the next receive into that
// store removes it. Either way the store is as it was before. The compiled
// binary on both sides, through a relay on loopback.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeSession } from "../fixtures/store.ts";
import { startRelay, type RelayProcess } from "../support/relay_process.ts";
import { person, startJson, writeBigSession, type Person } from "./_transfer_support.ts";

let relay: RelayProcess | undefined;
let alice: Person;
let bigId = "";

beforeAll(async () => {
  relay = await startRelay();
  alice = person();
  bigId = writeBigSession(alice.configDir, "/home/alice/src/big", 150);
}, 120_000);

afterAll(() => relay?.stop());

/** Every file under the store and its bytes (the store "as it was"). */
function snapshot(configDir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string, prefix: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = `${prefix}${entry.name}`;
      if (entry.isDirectory()) walk(join(dir, entry.name), `${path}/`);
      else out.set(path, readFileSync(join(dir, entry.name)).toString("base64"));
    }
  };
  if (existsSync(join(configDir, "projects"))) walk(join(configDir, "projects"), "");
  return out;
}

const staging = (configDir: string) => [...snapshot(configDir).keys()].filter((p) => p.includes(".ccshare-staging-"));

async function shareTo(who: Person, args: string[]) {
  const share = startJson(undefined, ["share", ...args, "--yes", "--no-lan", "--relay", relay!.url], who);
  const ready = await share.next((e) => e.event === "ready");
  return { share, code: String(ready.code) };
}

describe("a receive stopped midway", () => {
  for (const signal of ["SIGINT", "SIGTERM", "SIGKILL"] as const) {
    test(`by ${signal} at 30% leaves the store as it was${signal === "SIGKILL" ? ", once the next receive has run" : ""}`, async () => {
      const bob = person();
      writeSession(bob.configDir, { era: "2.1", cwd: bob.project, seed: `bob-own-${signal}` });
      const before = snapshot(bob.configDir);
      const { share, code } = await shareTo(alice, ["--session", bigId]);
      const receive = startJson(undefined, ["receive", "--no-lan", "--relay", relay!.url, code, "--all", "--yes"], bob);
      await receive.next((e) => e.event === "progress" && Number(e.bytes) >= 0.3 * Number(e.total));
      receive.proc.kill(signal);
      const exit = await receive.exited;
      share.proc.kill("SIGKILL");
      await share.exited;
      if (signal === "SIGKILL") {
        expect(staging(bob.configDir).length).toBeGreaterThan(0);
        // The next receive into the store sweeps what the killed one left.
        const small = person();
        const id = writeSession(small.configDir, { era: "2.1", cwd: "/home/carol/app", seed: "small-after-kill" }).id;
        const next = await shareTo(small, ["--session", id]);
        const again = startJson(undefined, ["receive", "--no-lan", "--relay", relay!.url, next.code, "--all", "--yes"], bob);
        await again.next((e) => e.event === "installed");
        expect(await again.exited).toBe(0);
        await next.share.exited;
        expect(staging(bob.configDir)).toEqual([]);
        const after = snapshot(bob.configDir);
        for (const [path, bytes] of before) expect([path, after.get(path) === bytes]).toEqual([path, true]);
      } else {
        expect(exit).toBe(130);
        expect(await receive.stderr).toContain("Cancelled; nothing was installed.");
        expect(snapshot(bob.configDir)).toEqual(before);
      }
    }, 120_000);
  }
});
