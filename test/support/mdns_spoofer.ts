// An impostor on the LAN (issue 13, finding 7), built on ccshare's own modules:
// it answers every mDNS query for `_claude-sessions._tcp` at once (no probing,
// none of the 20-120 ms delay RFC 6762 §6 asks of shared records), claiming
// `ccshare-<ROOM>` with TXT room=<ROOM> but pointing at its own port, where a
// fake sharer runs the handshake with a passphrase it guessed. It prints JSON
// lines: {"event":"ready","port"}, then {"event":"hello"} per connection and
// {"event":"guess"} per confirmation tag it received (each one a guess at the
// passphrase it could now test offline).
//   bun test/support/mdns_spoofer.ts ROOM
import makeMdns from "multicast-dns";
import { channelFromPeer } from "../../src/net/ws_channel.ts";
import { serveWebSockets } from "../../src/net/ws_server.ts";
import { GuessBudget } from "../../src/transfer/guess_budget.ts";
import { handshakeAsSharer } from "../../src/transfer/handshake.ts";

const room = process.argv[2]!;
const say = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);
const guesses = new GuessBudget(1_000_000);

const server = await serveWebSockets({
  host: "127.0.0.1",
  port: 0,
  maxMessageBytes: 1 << 20,
  maxBufferedBytes: 1 << 24,
  onUpgrade: () => ({
    accept: (peer) => {
      say({ event: "hello" });
      const gate = guesses.gate(() => say({ event: "guess" }));
      handshakeAsSharer(channelFromPeer(peer), { room, passphrase: "the impostor's guess", guesses: gate }).catch(() => undefined);
    },
  }),
});

const TYPE = "_claude-sessions._tcp.local";
const INSTANCE = `ccshare-${room}.${TYPE}`;
const HOST = "impostor.local";
const mdns = makeMdns({ interface: "127.0.0.1", bind: "0.0.0.0", reuseAddr: true, loopback: true });
mdns.on("query", (query: { questions: { name: string; type: string }[] }) => {
  if (!query.questions.some((q) => q.name.toLowerCase() === TYPE.toLowerCase())) return;
  mdns.respond({
    answers: [{ name: TYPE, type: "PTR", ttl: 120, data: INSTANCE }],
    additionals: [
      { name: INSTANCE, type: "SRV", ttl: 120, data: { port: server.port, target: HOST, priority: 0, weight: 0 } },
      { name: INSTANCE, type: "TXT", ttl: 120, data: [`v=1`, `room=${room}`] },
      { name: HOST, type: "A", ttl: 120, data: "127.0.0.1" },
    ],
  });
});
say({ event: "ready", port: server.port });
process.once("SIGTERM", async () => {
  mdns.destroy();
  await server.close();
  process.exit(0);
});
