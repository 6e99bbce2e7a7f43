// Issue 13 findings 5 and 8, attacked against the compiled binary: a sharer
// that knows the passphrase (built on ccshare's own modules, so it gets past
// the handshake) and then lies. An endless catalog, or a session shown as
// 100 B that sends gigabytes: each is refused with one sentence, the receiver
// stays small, and nothing is installed.
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { CreditWindow } from "../../src/net/channel.ts";
import { openRoom } from "../../src/net/relay_client.ts";
import { encodeRecord, type CatalogSession, type Record as PackRecord } from "../../src/pack/records.ts";
import { handshakeAsSharer } from "../../src/transfer/handshake.ts";
import { ReverseStream } from "../../src/transfer/reverse_stream.ts";
import { INITIAL_CREDIT } from "../../src/transfer/send.ts";
import { isolatedEnv, requireBinary, run } from "../support/bin.ts";
import { startRelay, type RelayProcess } from "../support/relay_process.ts";
import { zstd } from "../pack/_streams.ts";

const PASSPHRASE = "orbit-maple-tiger-flute";
const relays: RelayProcess[] = [];
afterAll(() => relays.forEach((r) => r.stop()));

/** A sharer on `room` that runs the handshake honestly, then sends what `lie` sends (within the receiver's credit). */
async function hostileSharer(relay: RelayProcess, room: string, lie: (send: (record: PackRecord, final?: boolean) => Promise<void>) => Promise<void>): Promise<() => void> {
  const opened = await openRoom(relay.url, room);
  void (async () => {
    for await (const { id } of opened.peers) {
      const channel = await opened.acceptPeer(id);
      try {
        const session = await handshakeAsSharer(channel, { room, passphrase: PASSPHRASE });
        const credit = new CreditWindow(INITIAL_CREDIT);
        const replies = new ReverseStream(channel, session, credit);
        await lie(async (record, final = false) => {
          await credit.take(10_000);
          await channel.send(await session.seal(encodeRecord(record), final));
        }).catch(() => undefined);
        replies.stop();
      } catch {
        // the receiver refused and went: the point of the test
      }
      return;
    }
  })();
  return () => opened.close();
}

const entry = (i: number, o: Partial<CatalogSession> = {}): CatalogSession => ({
  id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
  title: `Session ${i} ${"t".repeat(900)}`,
  firstPrompt: "p".repeat(900),
  project: "/home/mallory/app",
  branch: "main",
  messages: 1,
  created: "2026-07-19T10:00:00.000Z",
  modified: "2026-07-19T10:00:00.000Z",
  bytes: 100,
  files: 1,
  subagents: 0,
  version: "2.1.0",
  ...o,
});

/** The receiver, as a user runs it, under /usr/bin/time for its peak RSS (KiB). */
async function receive(relay: RelayProcess, room: string) {
  const who = isolatedEnv();
  const r = await run(["/usr/bin/time", "-f", "peak-rss-kib=%M", requireBinary(), "receive", "--no-lan", "--relay", relay.url, `${room}-${PASSPHRASE}`, "--all", "--yes", "--into", who.home], { env: who.env, cwd: who.home });
  const peak = Number(/peak-rss-kib=(\d+)/.exec(r.stderr)?.[1] ?? NaN);
  const projects = join(who.configDir, "projects");
  const installed = existsSync(projects) ? readdirSync(projects, { recursive: true }).map(String).filter((p) => p.endsWith(".jsonl")) : [];
  const errors = r.stderr.split("\n").filter((l) => l.startsWith("ccshare:"));
  return { code: r.code, errors, peakMb: peak / 1024, installed };
}

describe("hostile sharers that know the passphrase", () => {
  test("hostile: a catalog that promises 2^50 sessions is refused at its first record, with one sentence", async () => {
    const relay = await startRelay();
    relays.push(relay);
    const stop = await hostileSharer(relay, "ENDXS1", async (send) => {
      for (let i = 0; ; i++) await send({ k: "catalog", sessions: Array.from({ length: 200 }, (_, k) => entry(i * 200 + k)), total: 2 ** 50 });
    });
    const r = await receive(relay, "ENDXS1");
    stop();
    expect(r.code).toBe(1);
    expect(r.errors).toEqual([expect.stringContaining("The sharer's catalog is over 50000 sessions or 24 MiB")]);
    expect(r.installed).toEqual([]);
    expect(r.peakMb).toBeLessThan(150);
  }, 60_000);

  test("hostile: a catalog that keeps coming under a plausible total is refused past 24 MiB, the receiver under 150 MB", async () => {
    const relay = await startRelay();
    relays.push(relay);
    const stop = await hostileSharer(relay, "ENDXS2", async (send) => {
      // Each entry ~2 KB: 24 MiB is ~12,000 entries, under the 50,000 the total claims.
      for (let i = 0; ; i++) await send({ k: "catalog", sessions: Array.from({ length: 300 }, (_, k) => entry(i * 300 + k)), total: 49_999 });
    });
    const r = await receive(relay, "ENDXS2");
    stop();
    expect(r.code).toBe(1);
    expect(r.errors).toEqual([expect.stringContaining("The sharer's catalog is over")]);
    expect(r.installed).toEqual([]);
    expect(r.peakMb).toBeLessThan(150);
  }, 60_000);

  test("hostile: a session shown as 100 B that declares 2 GiB is refused at its file record, and nothing is written", async () => {
    const relay = await startRelay();
    relays.push(relay);
    const id = entry(1).id;
    let dataSent = 0;
    const stop = await hostileSharer(relay, "BMBB01", async (send) => {
      await send({ k: "catalog", sessions: [entry(1)], total: 1 });
      await send({ k: "file", session: id, path: `${id}.jsonl`, size: 2 * 1024 ** 3 });
      const chunk = zstd(new Uint8Array(1 << 20).fill(0x61));
      for (; dataSent < 2048; dataSent++) await send({ k: "data", z: chunk });
    });
    const r = await receive(relay, "BMBB01");
    stop();
    expect(r.code).toBe(1);
    expect(r.errors).toEqual([expect.stringContaining(`past the 1 files and 100 bytes its catalog showed; nothing was installed.`)]);
    expect(r.installed).toEqual([]);
    // Refused at the file record: the receiver took no more than its credit window of data.
    expect(dataSent).toBeLessThan(32);
  }, 60_000);
});
