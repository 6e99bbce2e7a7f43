// A listener on the LAN (issue 13, finding 6): it watches every mDNS packet,
// queries included, so it sees a sharer's room code in ciao's probes (RFC 6762
// §8.1), about a second before the advert is announced, and at once tries to
// open the same room on the relay, as if it were the sharer. Prints
// {"event":"listening"}, then one of {"event":"took","room"} (the relay gave
// it the room) or {"event":"refused","room","name","message"}.
//   bun test/support/room_sniffer.ts RELAY_URL
import makeMdns from "multicast-dns";
import { openRoom } from "../../src/net/relay_client.ts";

const [relayUrl] = process.argv.slice(2);
const say = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);
const mdns = makeMdns({ interface: "127.0.0.1", bind: "0.0.0.0", reuseAddr: true, loopback: true });
let tried = false;
const sniff = async (packet: { questions?: { name: string }[]; answers?: { name: string }[]; authorities?: { name: string }[]; additionals?: { name: string }[] }) => {
  const names = [...(packet.questions ?? []), ...(packet.answers ?? []), ...(packet.authorities ?? []), ...(packet.additionals ?? [])].map((r) => r.name);
  const room = names.map((name) => /^ccshare-([0-9A-Z]{6})\./.exec(name)?.[1]).find(Boolean);
  if (!room || tried) return;
  tried = true;
  try {
    const taken = await openRoom(relayUrl!, room);
    say({ event: "took", room });
    taken.close();
  } catch (error) {
    say({ event: "refused", room, name: (error as Error).name, message: (error as Error).message });
  }
  mdns.destroy();
};
mdns.on("query", sniff);
mdns.on("response", sniff);
say({ event: "listening" });
