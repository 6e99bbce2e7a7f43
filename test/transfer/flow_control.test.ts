// PROTOCOL.md §5 from the receiver's side: one credit per processed record,
// sent back in batches (transfer/receive.ts CREDIT_BATCH), and the sharer
// never has more records in flight than the window it was granted.
import { describe, expect, test } from "bun:test";
import { realpathSync } from "node:fs";
import { join } from "node:path";
import { listSessions, offerSessions } from "../../src/catalog/catalog.ts";
import { memoryChannelPair, type Channel } from "../../src/net/channel.ts";
import { INITIAL_CREDIT } from "../../src/transfer/send.ts";
import { CREDIT_BATCH, EXTRA_CREDIT, receiveSessions } from "../../src/transfer/receive.ts";
import { sendSessions } from "../../src/transfer/send.ts";
import { writeSession } from "../fixtures/store.ts";
import { sourceText } from "../fixtures/lines.ts";
import { tempDir } from "../support/cleanup.ts";

const ROOM = "F10WC0";

describe("credit", () => {
  test("comes back in batches, one per record, and bounds what the sharer has in flight", async () => {
    const home = tempDir("ccshare-flow-");
    const sharerEnv = { CLAUDE_CONFIG_DIR: join(home, "alice"), HOME: home };
    // Prompts big enough for a transcript of many 512 KiB records.
    writeSession(sharerEnv.CLAUDE_CONFIG_DIR, { era: "2.1", cwd: "/home/alice/app", prompts: Array.from({ length: 20 }, (_, i) => `${i} ${sourceText(1_200_000, i)}`) });
    const offered = (await offerSessions((await listSessions({ env: sharerEnv })).sessions, sharerEnv)).sessions;

    const [sharerEnd, receiverEnd] = memoryChannelPair();
    // Counted on the wire: records the sharer sent, and messages the receiver sent back.
    let sent = 0;
    let inFlightPeak = 0;
    let replies = 0;
    let processed = 0;
    const counting = (channel: Channel, onSend: () => void, onReceive: () => void): Channel => ({
      ...channel,
      send: async (m) => {
        onSend();
        return channel.send(m);
      },
      receive: async (t) => {
        const m = await channel.receive(t);
        onReceive();
        return m;
      },
    });
    const sharer = counting(sharerEnd, () => sent++, () => undefined);
    const receiver = counting(receiverEnd, () => replies++, () => {
      processed++;
      inFlightPeak = Math.max(inFlightPeak, sent - processed);
    });
    const [send, received] = await Promise.all([
      sendSessions(sharer, { room: ROOM, passphrase: "flow words", sessions: offered }),
      receiveSessions(receiver, {
        room: ROOM,
        passphrase: "flow words",
        into: realpathSync(tempDir("ccshare-flow-into-")),
        env: { CLAUDE_CONFIG_DIR: join(home, "bob"), HOME: home },
        choose: async (catalog) => catalog.map((c) => c.id),
      }),
    ]);
    expect(received.install?.installed.length).toBe(1);
    // Records after the want: the sharer's messages less hello, pake, confirm and the catalog.
    const records = sent - 4;
    expect(records).toBeGreaterThanOrEqual(Math.ceil(send.bytes / (512 * 1024)) + 3);
    expect(records).toBeGreaterThan(40);
    // Handshake: hello, pake; then the catalog's credit, want, the extra window, the batches, the result.
    const batches = replies - 2 - 4;
    expect(batches).toBeGreaterThanOrEqual(Math.floor((records - 1) / CREDIT_BATCH) - 1);
    expect(batches).toBeLessThanOrEqual(Math.ceil(records / CREDIT_BATCH));
    expect(CREDIT_BATCH).toBeGreaterThan(1);
    expect(inFlightPeak).toBeLessThanOrEqual(INITIAL_CREDIT + EXTRA_CREDIT + 4);
  }, 60_000);
});
