// `ccshare receive` with no code: browse the LAN, list the sharers found, and
// ask which one (PROTOCOL.md §2), in the same list as every other choice.
import { RoomNotFoundError } from "../errors.ts";
import { browse, type Sharer } from "../net/lan.ts";
import { canPrompt, pickOne } from "./prompt.ts";
import { spinner } from "./spinner.ts";

/** How long to collect adverts before asking; a sharer is normally found within 0.2 s. */
const COLLECT_MS = 2000;

export async function pickSharer(o: { timeoutMs: number; yes?: boolean }): Promise<string> {
  const found = new Map<string, Sharer>();
  const looking = spinner("Looking for sharers on this network…");
  try {
    for await (const sharer of browse({ timeoutMs: Math.min(o.timeoutMs, COLLECT_MS) })) found.set(sharer.room, sharer);
    if (found.size === 0) {
      for await (const sharer of browse({ timeoutMs: Math.max(0, o.timeoutMs - COLLECT_MS) })) {
        found.set(sharer.room, sharer);
        break;
      }
    }
  } finally {
    looking.stop();
  }
  if (found.size === 0) {
    throw new RoomNotFoundError(`No sharer found on this network after ${Math.round(o.timeoutMs / 1000)} s. Same network? A firewall may block mDNS (UDP 5353); try --relay with the code.`);
  }
  const rooms = [...found.keys()];
  if (rooms.length === 1 && (o.yes || !canPrompt())) return rooms[0]!;
  if (!canPrompt(o.yes)) throw new RoomNotFoundError(`Found ${rooms.length} sharers (${rooms.join(", ")}); pass the code to pick one.`);
  return pickOne("Which sharer?", rooms.map((room) => ({ value: room, label: room, hint: found.get(room)!.addresses[0] })), { undone: "installed", noun: "sharer" });
}
