// Issue 5 end to end: sharing through a relay with the compiled binary on every
// side (relay, sharer, receivers), all relay-only (--no-lan) on loopback. The
// relay's traffic passes a recording proxy, and nothing in clear may appear in it.
// The same scenario runs against the relay under Deno and against the
// Cloudflare relay in workerd (issue 15: `make relay-local`'s launcher).
import { afterAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { writeStore, type FixtureSession } from "../fixtures/store.ts";
import { bunPath, cliSource, denoPath, killPid, lines, repoRoot, requireBinary, start, trackPid } from "../support/bin.ts";
import { startTapProxy, type TapProxy } from "../support/tap_proxy.ts";
import { limitsFromFlags, requireWorker } from "../relay/support.ts";
import { installedFiles, person, startJson, writeBigSession, type Person } from "./_transfer_support.ts";

type RelayRuntime = "binary" | "deno" | "workerd";

interface Relay {
  url: string;
  proc: Bun.Subprocess;
  tap: TapProxy;
  /** workerd, under the Cloudflare relay's launcher. */
  workerdPid?: number;
}

const relays: Relay[] = [];
afterAll(() => {
  for (const r of relays) {
    r.tap.stop();
    r.proc.kill("SIGKILL");
    if (r.workerdPid) killPid(r.workerdPid);
  }
});

/** A relay process on 127.0.0.1 behind a recording proxy; `url` goes through the proxy. */
async function startRelay(o: { runtime?: RelayRuntime; args?: string[] } = {}): Promise<Relay> {
  const args = ["relay", "--host", "127.0.0.1", "--port", "0", "--json", ...(o.args ?? [])];
  const cmd =
    o.runtime === "deno" ? [denoPath, "run", "-A", cliSource, ...args]
    : o.runtime === "workerd" ? [bunPath, join(repoRoot, "scripts/relay_local.ts"), "--port", "0", "--json", "--limits", JSON.stringify(limitsFromFlags(o.args ?? []))]
    : [requireBinary(), ...args];
  if (o.runtime === "workerd") requireWorker();
  const proc = start(cmd, { env: { ...(process.env as Record<string, string>), CBOR_NATIVE_ACCELERATION_DISABLED: "true" } });
  // Read by hand, and keep reading to the end: leaving a for-await loop would
  // cancel the pipe, and a relay that then writes an event would die of EPIPE.
  const events = lines(proc.stdout);
  for (let next = await events.next(); !next.done; next = await events.next()) {
    const event = JSON.parse(next.value);
    if (event.event === "ready") {
      void (async () => {
        while (!(await events.next()).done);
      })();
      const tap = startTapProxy(event.port);
      trackPid(event.workerdPid ?? 0);
      const relay = { url: `ws://127.0.0.1:${tap.port}`, proc, tap, workerdPid: event.workerdPid };
      relays.push(relay);
      return relay;
    }
  }
  throw new Error(`the relay exited before it was ready: ${await new Response(proc.stderr).text()}`);
}

async function relayShare(relay: Relay, who: Person, args: string[]) {
  const share = startJson(undefined, ["share", "--yes", "--no-lan", "--relay", relay.url, ...args], who);
  const ready = await share.next((e) => e.event === "ready");
  return { share, code: String(ready.code), room: String(ready.room) };
}

const receiveArgs = (relay: Relay, code: string) => ["receive", "--no-lan", "--relay", relay.url, code, "--all", "--yes"];

function contains(haystack: Uint8Array, needle: string): boolean {
  return Buffer.from(haystack).includes(Buffer.from(needle, "utf8"));
}

/** Titles, prompts, answers and paths: none may cross the relay in clear (DESIGN.md §5). */
function plaintextsOf(sessions: FixtureSession[]): string[] {
  return sessions.flatMap((s) => [s.title, s.firstPrompt.slice(0, 40), s.cwd, ...s.texts]).filter((t) => t.length >= 8);
}

for (const runtime of ["binary", "deno", "workerd"] as const) {
  describe(`sharing through a relay (${runtime})`, () => {
    test("two receivers and a wrong guess, each its own pipe and CPace run, and the relay sees no plaintext", async () => {
      const relay = await startRelay({ runtime });
      const alice = person();
      const sessions = writeStore(alice.configDir).slice(0, 4);
      const { share, code, room } = await relayShare(relay, alice, [...sessions.flatMap((s) => ["--session", s.id]), "--keep-open", "1", "--passphrase", "relay words four"]);

      const mallory = person();
      const wrong = startJson(undefined, receiveArgs(relay, `${room}-not the words`), mallory);
      expect(await wrong.exited).toBe(1);
      expect(await wrong.stderr).toContain("Wrong passphrase");
      expect(installedFiles(mallory.configDir)).toEqual([]);

      const [bob, carol] = [person(), person()];
      const [b, c] = [startJson(undefined, receiveArgs(relay, code), bob), startJson(undefined, receiveArgs(relay, code), carol)];
      expect(await b.exited).toBe(0);
      expect(await c.exited).toBe(0);
      for (const who of [bob, carol]) {
        const files = installedFiles(who.configDir);
        for (const s of sessions) expect(files.some((f) => f.endsWith(`${s.id}.jsonl`))).toBe(true);
      }
      expect(b.events.find((e) => e.event === "connected")).toMatchObject({ via: "relay" });
      share.proc.kill("SIGINT");
      expect(await share.exited).toBe(0);
      expect(share.events.filter((e) => e.event === "sent").length).toBe(2);
      expect(share.events.filter((e) => e.event === "failed-attempt").length).toBe(1);

      const seen = relay.tap.fromServer();
      expect(seen.length).toBeGreaterThan(sessions.reduce((n, s) => n + s.bytes, 0) / 20);
      const leaks = plaintextsOf(sessions).filter((t) => contains(seen, t));
      expect(leaks).toEqual([]);
      // The proof the search works: the room code is public and does appear.
      expect(contains(relay.tap.fromServer(), room)).toBe(true);
      // Nobody offered permessage-deflate, so no relay accepted it (issue 15).
      expect(contains(seen, "permessage-deflate")).toBe(false);
    }, 90_000);
  });
}

describe.each(["binary", "workerd"] as const)("the relay (%s) and vanishing peers", (runtime) => {
  test("a receiver who joins a missing room hears 'no such room' at once", async () => {
    const relay = await startRelay({ runtime });
    const started = performance.now();
    const lost = startJson(undefined, receiveArgs(relay, "ZZZZZZ-any words at all"), person());
    expect(await lost.exited).toBe(1);
    expect(await lost.stderr).toMatch(/no such room|room/i);
    expect(performance.now() - started).toBeLessThan(5000);
  }, 30_000);

  test("a sharer killed mid-transfer: the receiver errors with nothing installed, and the room is gone", async () => {
    const relay = await startRelay({ runtime });
    const alice = person();
    const bigId = writeBigSession(alice.configDir, "/home/alice/src/big", 64);
    const { share, code } = await relayShare(relay, alice, ["--session", bigId, "--passphrase", "sharer dies"]);
    const bob = person();
    const receive = startJson(undefined, receiveArgs(relay, code), bob);
    await receive.next((e) => e.event === "progress");
    share.proc.kill("SIGKILL");
    expect(await receive.exited).toBe(1);
    expect(installedFiles(bob.configDir)).toEqual([]);
    const late = startJson(undefined, receiveArgs(relay, code), person());
    expect(await late.exited).toBe(1);
    expect(await late.stderr).toMatch(/no such room|closed/i);
  }, 60_000);

  test("a receiver killed mid-transfer: the sharer notices, stays up with --keep-open, and serves the next", async () => {
    const relay = await startRelay({ runtime });
    const alice = person();
    const bigId = writeBigSession(alice.configDir, "/home/alice/src/big", 64);
    const { share, code } = await relayShare(relay, alice, ["--session", bigId, "--passphrase", "receiver dies", "--keep-open", "1"]);
    const first = startJson(undefined, receiveArgs(relay, code), person());
    await first.next((e) => e.event === "progress");
    first.proc.kill("SIGKILL");
    await share.next((e) => e.event === "peer-failed");
    const bob = person();
    const second = startJson(undefined, receiveArgs(relay, code), bob);
    expect(await second.exited).toBe(0);
    expect(installedFiles(bob.configDir).some((f) => f.endsWith(`${bigId}.jsonl`))).toBe(true);
    share.proc.kill("SIGINT");
    expect(await share.exited).toBe(0);
  }, 60_000);

  test("a room that outlives the relay's --room-ttl is closed and the sharer says so", async () => {
    const relay = await startRelay({ runtime, args: ["--room-ttl", "0.02"] });
    const alice = person();
    const sessions = writeStore(alice.configDir);
    const { share } = await relayShare(relay, alice, ["--session", sessions[0]!.id, "--keep-open", "5", "--passphrase", "expiring room"]);
    expect(await share.exited).toBe(1);
    expect(await share.stderr).toMatch(/room|expired|closed/i);
  }, 30_000);
});
