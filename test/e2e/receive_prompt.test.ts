// `ccshare receive` at a terminal (issues 13 and 18): with no code it asks for
// it, hidden, the words completing on Tab; on the LAN it shows it is looking;
// Enter alone lists the sharers on this network in the same picker. And
// `share --qr` prints a QR code that a real decoder reads back.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import jsQR from "jsqr";
import { writeManySessions } from "../fixtures/many_sessions.ts";
import { isolatedEnv, requireBinary } from "../support/bin.ts";
import { createNetns, type Netns } from "../support/netns.ts";
import { KEY, Pty } from "../support/pty.ts";
import { startRelay, type RelayProcess } from "../support/relay_process.ts";
import { shareThrough } from "./_messages_support.ts";

setDefaultTimeout(60_000);

let relay: RelayProcess;
beforeAll(async () => {
  relay = await startRelay();
});
afterAll(() => relay.stop());

describe("the code prompt", () => {
  test("asks for the code with the words hidden, Tab completes each, and the code works", async () => {
    const { share, code } = await shareThrough(relay, 1, ["--passphrase", "orbit-maple-tiger-cabin"]);
    const room = code.split("-")[0]!;
    const { env, home } = isolatedEnv();
    const pty = new Pty([requireBinary(), "receive", "--no-lan", "--relay", relay.url, "--all"], { env, cwd: home });
    await pty.waitFor("Code:   (the code the sharer gave you; Enter alone looks for sharers on this network)");
    pty.write(`${room}-orb`);
    await pty.waitFor("Tab completes it");
    pty.write(`${KEY.tab}map${KEY.tab}tiger-cab`);
    // cabbage, cabin, cable: Tab cannot choose yet.
    await pty.waitFor("(3 list words start so; Tab completes)");
    pty.write(`i${KEY.tab}`);
    await pty.waitFor(`${room}-•••••-•••••-•••••-•••••-`);
    const shown = pty.history().join("\n");
    for (const word of ["orbit", "maple", "tiger", "cabin"]) expect(shown).not.toContain(word);
    pty.write(KEY.enter);
    expect(await pty.exited()).toBe(0);
    expect(pty.history().join("\n")).toContain("Installed 1 session.");
    await share.proc.exited;
  });

  test("Ctrl-C at the prompt installs nothing and says so (exit 130)", async () => {
    const { env, home } = isolatedEnv();
    const pty = new Pty([requireBinary(), "receive", "--no-lan", "--relay", relay.url], { env, cwd: home });
    await pty.waitFor("Code: ");
    pty.write(`K7P2QX-orb${KEY.ctrlC}`);
    expect(await pty.exited()).toBe(130);
    expect(pty.history().join("\n")).toContain("ccshare: Cancelled; nothing was installed.");
  });
});

describe("share --qr", () => {
  test("prints the receive command as a QR code that a decoder reads back", async () => {
    const { share } = await shareThrough(relay, 1, ["--qr"]);
    const text = await share.until("Waiting for");
    const command = /On the other machine run:\n\n  (.+)\n/.exec(text)![1]!;
    const rows = text.split("\n").filter((l) => /^  [ █▀▄]+$/.test(l)).map((l) => l.slice(2));
    expect(rows.length).toBeGreaterThan(10);
    // Each character is two modules, top and bottom; a block is a light module.
    const modules: boolean[][] = [];
    for (const row of rows) {
      const chars = [...row];
      modules.push(chars.map((c) => c === "█" || c === "▀"), chars.map((c) => c === "█" || c === "▄"));
    }
    const scale = 4;
    const quiet = 4;
    const size = (modules[0]!.length + 2 * quiet) * scale;
    const height = (modules.length + 2 * quiet) * scale;
    const pixels = new Uint8ClampedArray(size * height * 4).fill(255);
    modules.forEach((line, y) =>
      line.forEach((light, x) => {
        if (light) return;
        for (let dy = 0; dy < scale; dy++) for (let dx = 0; dx < scale; dx++) pixels.fill(0, (((y + quiet) * scale + dy) * size + (x + quiet) * scale + dx) * 4, (((y + quiet) * scale + dy) * size + (x + quiet) * scale + dx) * 4 + 3);
      }),
    );
    expect(jsQR(pixels, size, height)?.data).toBe(command);
    share.proc.kill("SIGINT");
    await share.proc.exited;
  });
});

describe("receiving on the LAN at a terminal", () => {
  let ns: Netns;
  beforeAll(async () => {
    ns = await createNetns();
  });
  afterAll(async () => {
    await ns?.destroy();
  });
  const inside = (args: string[]) => ["ip", "netns", "exec", ns.name, requireBinary(), ...args];

  test('says "Looking for the sharer on this network…" while it looks, then what to try', async () => {
    const { env, home } = isolatedEnv();
    const pty = new Pty(inside(["receive", "K7P2QX-orbit-maple-tiger-cabin", "--timeout", "2"]), { env, cwd: home, cols: 200 });
    await pty.waitFor("Looking for the sharer on this network…");
    expect(await pty.exited()).toBe(1);
    expect(pty.history().join("\n")).toContain("No sharer with room K7P2QX found on this network after 2 s. Are you on the same network? A firewall may block mDNS (UDP 5353); try --relay.");
  });

  test("Enter alone at the code prompt lists the sharers found in the same picker; the chosen one's session arrives", async () => {
    const sharers = [isolatedEnv(), isolatedEnv()];
    const rooms: string[] = [];
    const procs: Pty[] = [];
    for (const [i, who] of sharers.entries()) {
      writeManySessions(who.env.CLAUDE_CONFIG_DIR!, 1 + i);
      const share = new Pty(inside(["share", "--all", "--yes", "--passphrase", "orbit-maple-tiger-cabin"]), { env: who.env });
      rooms.push(/Code: ([0-9A-Z]{6})-/.exec(await share.waitFor(/Code: [0-9A-Z]{6}-/))![1]!);
      await share.waitFor("Waiting for");
      procs.push(share);
    }
    const { env, home } = isolatedEnv();
    const pty = new Pty(inside(["receive"]), { env, cwd: home });
    await pty.waitFor("Code: ");
    pty.write(KEY.enter);
    await pty.waitFor("Which sharer?  2 sharers");
    pty.write(rooms[1]!);
    await pty.waitFor(`Which sharer?  1 of 2 sharers`);
    pty.write(KEY.enter);
    await pty.waitFor("Passphrase:");
    pty.write(`orbit maple tiger cabin${KEY.enter}`);
    await pty.waitFor("Sessions to receive  2 sessions, 0 selected");
    pty.write(KEY.ctrlA + KEY.enter);
    expect(await pty.exited()).toBe(0);
    expect(pty.history().join("\n")).toContain("Installed 2 sessions.");
    procs.forEach((p) => p.kill());
  });
});
