// A person may take longer to pick sessions than a relay lets a pipe sit idle
// (PROTOCOL.md §6: 60 s by default): the receiver keeps the pipe alive while
// its picker is open. Here the relay's idle timeout is 1 s and the pick 2.5 s.
import { describe, expect, test } from "bun:test";
import { realpathSync } from "node:fs";
import { join } from "node:path";
import { listSessions, offerSessions } from "../../src/catalog/catalog.ts";
import { joinRoom, openRoom } from "../../src/net/relay_client.ts";
import { startRelay } from "../../src/relay/server.ts";
import { receiveSessions } from "../../src/transfer/receive.ts";
import { sendSessions } from "../../src/transfer/send.ts";
import { writeSession } from "../fixtures/store.ts";
import { tempDir } from "../support/cleanup.ts";

const ROOM = "K33PA1";

async function pickSlowly(keepAliveMs: number): Promise<unknown> {
  const relay = await startRelay({ host: "127.0.0.1", port: 0, limits: { idleTimeoutMs: 1000 } });
  const home = tempDir("ccshare-keepalive-");
  const sharerEnv = { CLAUDE_CONFIG_DIR: join(home, "alice"), HOME: home };
  const receiverEnv = { CLAUDE_CONFIG_DIR: join(home, "bob"), HOME: home };
  writeSession(sharerEnv.CLAUDE_CONFIG_DIR, { era: "2.1", cwd: "/home/alice/app" });
  const offered = (await offerSessions((await listSessions({ env: sharerEnv })).sessions, sharerEnv)).sessions;
  const room = await openRoom(relay.url, ROOM);
  try {
    const sharing = (async () => {
      for await (const { id } of room.peers) return sendSessions(await room.acceptPeer(id), { room: ROOM, passphrase: "slow picker", sessions: offered });
    })();
    const received = receiveSessions(await joinRoom(relay.url, ROOM), {
      room: ROOM,
      passphrase: "slow picker",
      into: realpathSync(tempDir("ccshare-keepalive-into-")),
      env: receiverEnv,
      keepAliveMs,
      choose: async (catalog) => {
        await Bun.sleep(2500); // a person reading the list
        return catalog.map((c) => c.id);
      },
    });
    const [, result] = await Promise.all([sharing, received]);
    return result.install?.installed.map((i) => i.id) ?? [];
  } catch (error) {
    return error;
  } finally {
    room.close();
    await relay.stop();
  }
}

describe("a receiver choosing slowly through a relay", () => {
  test("keeps its pipe alive and gets its sessions", async () => {
    const outcome = await pickSlowly(300);
    expect(Array.isArray(outcome) ? outcome.length : String(outcome)).toBe(1);
  }, 30_000);

  test("control: without keep-alives the relay closes the idle pipe", async () => {
    const outcome = await pickSlowly(60_000);
    expect(outcome).toBeInstanceOf(Error);
  }, 30_000);
});
