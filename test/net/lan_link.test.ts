// Two namespaces joined by a veth pair: like two machines on one switch, with
// real (non-loopback) interfaces and no default route, the case where ciao and
// our querier must be told the interface. Also: the same code under Deno and
// as a compiled Bun binary (DESIGN.md: the product ships as both).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { bunPath, repoRoot, run } from "../support/bin.ts";
import { createNetns, linkNetns, type LinkEnd, type Netns } from "../support/netns.ts";
import { avahiBrowse, freshRoom, probeSource, startProbe, startZeroconf, type ProbeEvent } from "./lan_support.ts";
import { tempDir } from "../support/cleanup.ts";

const isAdvertised = (e: ProbeEvent) => e.event === "advertised";
const isOutcome = (e: ProbeEvent) => e.event === "found" || e.event === "error";

describe("mDNS between two namespaces joined by a veth link", () => {
  let a: Netns;
  let b: Netns;
  let ends: [LinkEnd, LinkEnd];
  beforeAll(async () => {
    a = await createNetns();
    b = await createNetns();
    ends = await linkNetns(a, b);
  });
  afterAll(async () => {
    await Promise.all([a?.destroy(), b?.destroy()]);
  });

  test("a sharer is found from the other side with no configuration: its IPv4 first, then its link-local IPv6 scoped to our interface", async () => {
    const room = freshRoom();
    const sharer = startProbe(a, ["advertise", room, "42001"]);
    try {
      await sharer.waitFor(isAdvertised, 10_000, "advertised");
      const receiver = startProbe(b, ["find", room, "5000"]);
      const found = await receiver.waitFor(isOutcome, 8000, "an outcome");
      console.log(`discovery across the veth link, advert already up: findSharer() ${found.ms} ms`);
      expect(found.sharer).toEqual({
        room,
        name: `ccshare-${room}`,
        port: 42001,
        addresses: [ends[0].ipv4, `${ends[0].ipv6LinkLocal}%${ends[1].iface}`],
        version: "1",
      });
    } finally {
      sharer.kill();
    }
  }, 20_000);

  test("CCSHARE_MDNS_INTERFACE=lo keeps the advert off the link, and a browser told the same finds it", async () => {
    const room = freshRoom();
    const env = { CCSHARE_MDNS_INTERFACE: "lo" };
    const sharer = startProbe(a, ["advertise", room, "42002"], { env });
    try {
      await sharer.waitFor(isAdvertised, 10_000, "advertised");
      const [across, beside] = [startProbe(b, ["find", room, "1500"]), startProbe(a, ["find", room, "3000"], { env })];
      expect(await across.waitFor(isOutcome, 6000, "an outcome")).toMatchObject({ event: "error", name: "RoomNotFoundError" });
      expect(await beside.waitFor(isOutcome, 6000, "an outcome")).toMatchObject({ event: "found", sharer: { port: 42002, addresses: ["127.0.0.1", "::1"] } });
    } finally {
      sharer.kill();
    }
  }, 20_000);

  test("avahi-browse, the resolver of Linux desktops, resolves ccshare-<ROOM> across the link with TXT v=1 and the room", async () => {
    const room = freshRoom();
    const sharer = startProbe(a, ["advertise", room, "42006"]);
    try {
      await sharer.waitFor(isAdvertised, 10_000, "advertised");
      const avahi = await avahiBrowse(b, ends[1].iface);
      expect(avahi.code, avahi.stderr).toBe(0);
      const resolved = avahi.stdout.split("\n").filter((line) => line.startsWith("=;")).map((line) => line.split(";"));
      // avahi-browse -p: =;iface;proto;name;type;domain;host;address;port;txt
      expect(resolved).toEqual([["=", "eth0", "IPv4", `ccshare-${room}`, "_claude-sessions._tcp", "local", `ccshare-${room}.local`, ends[0].ipv4, "42006", `"room=${room}" "v=1"`]]);
    } finally {
      sharer.kill();
    }
  }, 30_000);

  test("python3-zeroconf across the link sees the sharer's link address, and the goodbye when it stops", async () => {
    const room = freshRoom();
    const zeroconf = startZeroconf(b, ends[1].ipv4);
    const sharer = startProbe(a, ["advertise", room, "42007"]);
    try {
      const added = await zeroconf.waitFor((e) => e.event === "added" && e.name.startsWith(`ccshare-${room}.`), 10_000, `ccshare-${room} added`);
      expect(added).toMatchObject({ port: 42007, txt: { v: "1", room } });
      expect(added.addresses).toContain(ends[0].ipv4);
      expect(added.addresses).not.toContain("127.0.0.1");
      sharer.proc.kill("SIGTERM");
      await zeroconf.waitFor((e) => e.event === "removed" && e.name.startsWith(`ccshare-${room}.`), 3000, `ccshare-${room} removed`);
    } finally {
      sharer.kill();
      zeroconf.kill();
    }
  }, 20_000);

  test("an advert from Deno is found by Bun, and one from Bun is found by Deno", async () => {
    const [fromDeno, fromBun] = [freshRoom(), freshRoom()];
    const sharers = [startProbe(a, ["advertise", fromDeno, "42003"], { runtime: "deno" }), startProbe(b, ["advertise", fromBun, "42004"])];
    try {
      await Promise.all(sharers.map((s) => s.waitFor(isAdvertised, 20_000, "advertised")));
      const bunFinds = startProbe(b, ["find", fromDeno, "5000"]);
      const denoFinds = startProbe(a, ["find", fromBun, "5000"], { runtime: "deno" });
      expect(await bunFinds.waitFor(isOutcome, 10_000, "an outcome")).toMatchObject({ event: "found", sharer: { room: fromDeno, port: 42003 } });
      expect(await denoFinds.waitFor(isOutcome, 20_000, "an outcome")).toMatchObject({ event: "found", sharer: { room: fromBun, port: 42004 } });
      // Deno's stop() must say goodbye and let the process end too.
      sharers[0]!.proc.kill("SIGTERM");
      await sharers[0]!.waitFor((e) => e.event === "stopped", 5000, "stopped");
      expect(await sharers[0]!.exit(5000)).toBe(0);
      expect(sharers[0]!.stderr).toBe("");
    } finally {
      sharers.forEach((s) => s.kill());
    }
  }, 60_000);

  test("a compiled Bun binary advertises and finds (bun build --compile, as the product ships)", async () => {
    const dir = tempDir("ccshare-lan-bin-");
    try {
      const binary = join(dir, "lan_probe");
      // The release flags that matter here (Makefile): bytecode needs --format=esm.
      const built = await run([bunPath, "build", probeSource, "--compile", "--minify", "--bytecode", "--format=esm", "--outfile", binary], { cwd: repoRoot });
      expect(built.code, built.stderr).toBe(0);
      const room = freshRoom();
      const sharer = startProbe(a, ["advertise", room, "42005"], { runtime: { binary } });
      try {
        await sharer.waitFor(isAdvertised, 10_000, "advertised");
        const receiver = startProbe(b, ["find", room, "5000"], { runtime: { binary } });
        expect(await receiver.waitFor(isOutcome, 8000, "an outcome")).toMatchObject({ event: "found", sharer: { room, port: 42005, addresses: [ends[0].ipv4, expect.any(String)] } });
        sharer.proc.kill("SIGTERM");
        expect(await sharer.exit(5000)).toBe(0);
        expect(sharer.stderr).toBe("");
      } finally {
        sharer.kill();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
