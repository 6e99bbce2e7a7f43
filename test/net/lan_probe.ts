// A tiny process around src/net/lan.ts for the mDNS tests, so that the
// advertiser and the browser are separate processes (as on a real LAN) and can
// run under Bun or Deno. It prints one JSON object per line on stdout:
//   advertise ROOM PORT      -> {"event":"advertised","ms"} ; on SIGTERM calls
//                               stop() twice -> {"event":"stopped","ms"}, then
//                               exits by itself (a left-over handle would hang it)
//   browse ROOM|- TIMEOUT_MS -> {"event":"found","ms","sharer"}... {"event":"end","ms"}
//   find ROOM TIMEOUT_MS     -> {"event":"found",...} or {"event":"error","name","message","ms"}
// `ms` counts from the start of the call.
import { advertise, browse, findSharer } from "../../src/net/lan.ts";

const [mode, room, arg] = process.argv.slice(2);
const say = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);
const t0 = performance.now();
const ms = () => Math.round(performance.now() - t0);

if (mode === "advertise") {
  const advert = await advertise({ room: room!, port: Number(arg) });
  say({ event: "advertised", ms: ms() });
  process.once("SIGTERM", async () => {
    const t1 = performance.now();
    await Promise.all([advert.stop(), advert.stop()]);
    say({ event: "stopped", ms: Math.round(performance.now() - t1) });
  });
} else if (mode === "browse") {
  for await (const sharer of browse({ room: room === "-" ? undefined : room, timeoutMs: Number(arg) })) {
    say({ event: "found", ms: ms(), sharer });
  }
  say({ event: "end", ms: ms() });
} else if (mode === "find") {
  try {
    const sharer = await findSharer(room!, Number(arg));
    say({ event: "found", ms: ms(), sharer });
  } catch (error) {
    const e = error as Error;
    say({ event: "error", name: e.name, message: e.message, ms: ms() });
  }
} else {
  process.stderr.write("usage: lan_probe.ts advertise ROOM PORT | browse ROOM|- TIMEOUT_MS | find ROOM TIMEOUT_MS\n");
  process.exitCode = 2;
}
