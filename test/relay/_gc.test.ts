import { test, expect } from "bun:test";
import { joinRoom } from "../../src/net/relay_client.ts";
import { RoomNotFoundError } from "../../src/errors.ts";
import { startRelay } from "../../src/relay/server.ts";
test("gc", async () => {
  const r = await startRelay({ limits: { joinsPerMinute: 100000 } });
  let ok = 0, bad = 0;
  for (let i = 0; i < 30; i++) {
    const p = (await joinRoom(r.url, "NXR00M")).receive(3000);
    Bun.gc(true);
    const e = await p.catch((e) => e);
    if (e instanceof RoomNotFoundError) ok++; else bad++;
  }
  console.log({ ok, bad });
  await r.stop();
}, 120000);
