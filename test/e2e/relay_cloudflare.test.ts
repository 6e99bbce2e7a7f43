// Issue 15 end to end: the compiled binary shares through the Cloudflare relay
// (src/relay/worker.ts) running in the real workerd under Miniflare, as
// `make relay-local` runs it. (The two-receivers, wrong-guess and no-plaintext
// scenario runs against it in relay_share.test.ts.) Here: a 200 MB session,
// installed byte for byte; and a receiver that is still picking while the
// room's object hibernates.
import { afterAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { createReadStream, readdirSync } from "node:fs";
import { join } from "node:path";
import { joinRoom } from "../../src/net/relay_client.ts";
import { receiveSessions } from "../../src/transfer/receive.ts";
import { startTestRelay, type TestRelay } from "../relay/support.ts";
import { installedFiles, person, startJson, writeBigSession } from "./_transfer_support.ts";

const relays: TestRelay[] = [];
afterAll(() => Promise.all(relays.map((r) => r.stop())));
async function relay(): Promise<TestRelay> {
  const r = await startTestRelay("workerd");
  relays.push(r);
  return r;
}

async function sha256(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** The one session file `id` under a config dir's projects/. */
function sessionFile(configDir: string, id: string): string {
  const found = installedFiles(configDir).find((f) => f.endsWith(`${id}.jsonl`));
  if (!found) throw new Error(`session ${id} is not installed under ${configDir}: ${JSON.stringify(installedFiles(configDir))}`);
  return join(configDir, "projects", found);
}

describe("sharing through the Cloudflare relay (workerd)", () => {
  test("a 200 MB session arrives and is installed byte for byte", async () => {
    const r = await relay();
    const [alice, bob] = [person(), person()];
    // Recorded in bob's project, so the install rewrites no cwd: every byte must match.
    const id = writeBigSession(alice.configDir, bob.project, 200);
    const share = startJson(undefined, ["share", "--yes", "--no-lan", "--relay", r.url, "--session", id, "--passphrase", "two hundred megabytes"], alice);
    const ready = await share.next((e) => e.event === "ready");
    const receive = startJson(undefined, ["receive", "--no-lan", "--relay", r.url, String(ready.code), "--all", "--yes"], bob);
    expect(await receive.exited).toBe(0);
    expect(await share.exited).toBe(0);
    const [sent, installed] = [sessionFile(alice.configDir, id), sessionFile(bob.configDir, id)];
    expect(await sha256(installed)).toBe(await sha256(sent));
    expect(share.events.find((e) => e.event === "sent")).toBeDefined();
  }, 180_000);

  test("a receiver still picking while the room's object hibernates gets its sessions", async () => {
    const r = await relay();
    const [alice, bob] = [person(), person()];
    const id = writeBigSession(alice.configDir, bob.project, 2);
    const share = startJson(undefined, ["share", "--yes", "--no-lan", "--relay", r.url, "--session", id, "--passphrase", "asleep in the picker"], alice);
    const ready = await share.next((e) => e.event === "ready");
    const room = String(ready.room);
    // `ccshare receive` without --yes, in-process, so the picking can wait for the eviction.
    const channel = await joinRoom(r.url, room);
    let evicted = false;
    const result = await receiveSessions(channel, {
      room,
      passphrase: "asleep in the picker",
      into: bob.project,
      env: bob.env,
      choose: async (catalog) => {
        await r.evict!(room);
        evicted = true;
        return catalog.map((s) => s.id);
      },
    });
    channel.close(1000, "");
    expect(evicted).toBe(true);
    expect(result.install?.installed.map((i) => i.id)).toEqual([id]);
    expect(await sha256(sessionFile(bob.configDir, id))).toBe(await sha256(sessionFile(alice.configDir, id)));
    expect(await share.exited).toBe(0);
    expect(readdirSync(join(bob.configDir, "projects")).length).toBe(1);
  }, 60_000);
});
