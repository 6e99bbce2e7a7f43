// Issue 13, findings 6 and 7, against the compiled binary inside an isolated
// network namespace (real mDNS, a real relay, nothing on the real LAN): what a
// listener and an impostor on the LAN can do to a share, and a receiver that
// races LAN and relay.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeStore, type FixtureSession } from "../fixtures/store.ts";
import { bunPath, lines, repoRoot } from "../support/bin.ts";
import { createNetns, type Netns } from "../support/netns.ts";
import { startRelayProcess, type RelayProcess } from "./_relay_process.ts";
import { installedFiles, person, startJson, type Person } from "./_transfer_support.ts";

let ns: Netns;
let relay: RelayProcess;
let alice: Person;
let sessions: FixtureSession[];
beforeAll(async () => {
  ns = await createNetns();
  relay = await startRelayProcess([], ns);
  alice = person();
  sessions = writeStore(alice.configDir);
});
afterAll(async () => {
  await ns?.destroy();
});

/** A helper script inside the namespace, its JSON lines in order. */
function script(name: string, args: string[]) {
  const proc = ns.exec([bunPath, `${repoRoot}/test/support/${name}`, ...args]);
  const events: Record<string, unknown>[] = [];
  const stream = lines(proc.stdout);
  const next = async (pred: (e: Record<string, unknown>) => boolean) => {
    const seen = events.find(pred);
    if (seen) return seen;
    for (let line = await stream.next(); !line.done; line = await stream.next()) {
      const event = JSON.parse(line.value);
      events.push(event);
      if (pred(event)) return event;
    }
    throw new Error(`${name} ended without the event; stderr: ${await new Response(proc.stderr).text()}`);
  };
  /** Every event, once the script has ended. */
  const all = async () => {
    for (let line = await stream.next(); !line.done; line = await stream.next()) events.push(JSON.parse(line.value));
    return events;
  };
  return { proc, events, next, all };
}

const isReady = (e: Record<string, unknown>) => e.event === "ready";

/** The HTTP status the sharer's LAN listener answers a WebSocket upgrade with. */
async function upgradeStatus(port: unknown, room: unknown, headers: string[]): Promise<string> {
  const curl = await ns.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "1", "-H", "Connection: Upgrade", "-H", "Upgrade: websocket", "-H", "Sec-WebSocket-Version: 13", "-H", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", ...headers.flatMap((h) => ["-H", h]), `http://127.0.0.1:${port}/v1/join/${room}`]);
  return curl.stdout;
}

describe("hostile: the LAN", () => {
  test("hostile: a web page (any request with an Origin) cannot join the LAN listener, and costs no attempt", async () => {
    const share = startJson(ns, ["share", "--yes", "--session", sessions[0]!.id, "--passphrase", "no browsers here"], alice);
    const { port, room, code } = await share.next(isReady);
    for (const origin of ["Origin: https://evil.example", "Origin: null", "Origin: http://127.0.0.1"]) expect(await upgradeStatus(port, room, [origin])).toBe("403");
    // The control: the same request without an Origin is upgraded.
    expect(await upgradeStatus(port, room, [])).toBe("101");
    const bob = person();
    const receive = startJson(ns, ["receive", String(code), "--all", "--yes"], bob);
    expect(await receive.exited).toBe(0);
    expect(await share.exited).toBe(0);
    expect(share.events.filter((e) => e.event === "failed-attempt")).toEqual([]);
  }, 60_000);

  test("hostile: a LAN sniffer cannot take the sharer's relay room", async () => {
    const sniffer = script("room_sniffer.ts", [relay.url]);
    await sniffer.next((e) => e.event === "listening");
    const share = startJson(ns, ["share", "--yes", "--session", sessions[0]!.id, "--relay", relay.url, "--passphrase", "sniffed room words"], alice);
    const ready = await share.next(isReady);
    const outcome = await sniffer.next((e) => e.event === "took" || e.event === "refused");
    expect(outcome).toMatchObject({ event: "refused", room: ready.room, name: "RoomTakenError" });
    // The share is whole: a receiver through the relay gets the session.
    const bob = person();
    const receive = startJson(ns, ["receive", "--no-lan", "--relay", relay.url, String(ready.code), "--all", "--yes"], bob);
    expect(await receive.exited).toBe(0);
    expect(await share.exited).toBe(0);
    expect(installedFiles(bob.configDir).some((f) => f.endsWith(`${sessions[0]!.id}.jsonl`))).toBe(true);
    sniffer.proc.kill("SIGKILL");
  }, 60_000);

  test("a receiver racing LAN and relay reaches a LAN-only sharer, though the relay opens a socket for a room it does not have", async () => {
    for (let run = 0; run < 3; run++) {
      const share = startJson(ns, ["share", "--yes", "--session", sessions[1]!.id, "--passphrase", "lan only words"], alice);
      const { code } = await share.next(isReady);
      const bob = person();
      const receive = startJson(ns, ["receive", "--relay", relay.url, String(code), "--all", "--yes"], bob);
      expect(await receive.exited).toBe(0);
      expect(receive.events.find((e) => e.event === "connected")).toMatchObject({ via: "lan", refused: 0 });
      expect(await share.exited).toBe(0);
      expect(share.events.filter((e) => e.event === "peer")).toEqual([{ event: "peer", peer: 1, via: "lan" }]);
    }
  }, 90_000);

  test("hostile: a spoofed mDNS answer costs one guess and the real sharer is still reached", async () => {
    const share = startJson(ns, ["share", "--yes", "--session", sessions[2]!.id, "--passphrase", "the real sharer"], alice);
    const { code, room, port } = await share.next(isReady);
    const spoofer = script("mdns_spoofer.ts", [String(room)]);
    const { port: spoofPort } = await spoofer.next(isReady);
    const bob = person();
    const receive = startJson(ns, ["receive", String(code), "--all", "--yes"], bob);
    expect(await receive.exited).toBe(0);
    spoofer.proc.kill("SIGTERM");
    const spoofed = await spoofer.all();
    // The impostor answered first and got its one guess; then the real sharer took the passphrase.
    expect(receive.events.filter((e) => e.event === "refused")).toEqual([{ event: "refused", via: "lan", where: `127.0.0.1:${spoofPort}` }]);
    expect(spoofed.filter((e) => e.event === "guess")).toHaveLength(1);
    expect(receive.events.find((e) => e.event === "connected")).toMatchObject({ via: "lan", refused: 1 });
    expect(await share.exited).toBe(0);
    expect(share.events.filter((e) => e.event === "failed-attempt")).toEqual([]);
    expect(installedFiles(bob.configDir).some((f) => f.endsWith(`${sessions[2]!.id}.jsonl`))).toBe(true);
    expect(port).not.toBe(spoofPort);
  }, 60_000);

  test("hostile: a spoofed mDNS answer is named in the receiver's output, with what it cost", async () => {
    const share = startJson(ns, ["share", "--yes", "--session", sessions[2]!.id, "--passphrase", "the real sharer"], alice);
    const { code, room } = await share.next(isReady);
    const spoofer = script("mdns_spoofer.ts", [String(room)]);
    const { port: spoofPort } = await spoofer.next(isReady);
    const bob = person();
    const receive = ns.exec([`${repoRoot}/dist/ccshare`, "receive", String(code), "--all", "--yes"], { env: bob.env, cwd: bob.project });
    const [stderr, exit] = await Promise.all([new Response(receive.stderr).text(), receive.exited]);
    spoofer.proc.kill("SIGTERM");
    expect(exit).toBe(0);
    expect(stderr).toContain(`127.0.0.1:${spoofPort} (lan) refused the passphrase`);
    expect(stderr).toContain("gets one guess at the passphrase this way, no more");
    expect(stderr).toContain("may be impersonating sharers");
    expect(await share.exited).toBe(0);
  }, 60_000);
});
