// The relay runs under Deno and Node too (DESIGN.md §3: crossws + srvx give
// one source for all three). Deno runs src/cli.ts as is; Node 20 cannot run
// .ts, so the test bundles the CLI for Node with `bun build --target=node`.
import { afterAll, describe, expect, test } from "bun:test";
import { CloseCode } from "../../src/net/channel.ts";
import { dial, pair, payload, sha256, spawnRelay, type RelayProcess, type RelayRuntime } from "./support.ts";

const running: RelayProcess[] = [];
afterAll(() => Promise.all(running.map((r) => r.stop())));

describe.each(["deno", "node"] as RelayRuntime[])("the relay under %s", (runtime) => {
  test("pairs a sharer and a receiver and forwards bytes exactly, then exits 0 on SIGTERM", async () => {
    const r = await spawnRelay(runtime);
    running.push(r);
    const { sharer, receiver, room } = await pair(r.url, "D3N0N0");
    const big = payload(30, 0, 1024 * 1024);
    await sharer.send(big);
    await sharer.send(payload(30, 1, 10));
    await receiver.send(payload(31, 0, 5000));
    expect(await sha256(await receiver.receive(10_000))).toBe(await sha256(big));
    expect(await receiver.receive(10_000)).toEqual(payload(30, 1, 10));
    expect(await sharer.receive(10_000)).toEqual(payload(31, 0, 5000));
    expect(await dial(`${r.url}/v1/join/NXR00M`).closed).toEqual({ code: CloseCode.roomNotFound, reason: "no such room" });
    sharer.close(CloseCode.normal, "done");
    expect(await receiver.closed).toEqual({ code: CloseCode.normal, reason: "done" });
    expect(await r.stop()).toBe(0);
    expect((await room.closed).code).toBe(CloseCode.goingAway);
  }, 60_000);
});
