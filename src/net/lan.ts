// Rendezvous on the LAN (PROTOCOL.md §2): the sharer advertises its WebSocket
// port with mDNS/DNS-SD, the receiver browses for it. ciao advertises (it cannot
// browse); bonjour-service browses. This file is the only importer of both, and
// loads each lazily so that commands which never touch the LAN start fast.
import { networkInterfaces, type NetworkInterfaceInfo } from "node:os";
import type { Browser, Service } from "bonjour-service";
import { LanError, RoomNotFoundError, UsageError } from "../errors.ts";

/** A sharer found on the LAN: where to dial `/v1/join/<room>`. */
export interface Sharer {
  room: string;
  /** DNS-SD instance name, normally `ccshare-<room>`. */
  name: string;
  port: number;
  /** IPv4 first, then IPv6 (link-local ones carry their `%scope`). */
  addresses: string[];
  /** TXT `v`: the protocol version; only "1" is ever returned. */
  version: string;
}

export interface Advert {
  /** Withdraws the advert (goodbye packets); bounded in time, safe to call twice. */
  stop(): Promise<void>;
}

// PROTOCOL.md §2: service type `_claude-sessions._tcp`, TXT `v=1`, `room=<ROOM>`.
const SERVICE_TYPE = "claude-sessions";
const VERSION = "1";
// Anyone on the LAN can advertise: a room we accept must be a plain code that is
// safe to put in a URL path (PROTOCOL.md §1: 6 characters of Crockford base32).
const ROOM_SHAPE = /^[0-9A-Za-z]{1,16}$/;
// How long stop() may take: goodbyes are one packet per interface; a vanished
// network must not hold up Ctrl-C.
const STOP_BUDGET_MS = 1000;
// ciao probes for ~1 s before it announces (RFC 6762 §8.1); more means no socket works.
const ADVERTISE_BUDGET_MS = 10_000;
// A one-shot query can be lost, and a sharer that is still probing does not
// answer yet: ask again soon, then less often (RFC 6762 §5.2 backs off too).
const REQUERY_AFTER_MS = [250, 1000, 2000, 4000, 8000, 16_000];
const MAX_BROWSE_INTERFACES = 8;

export interface MdnsInterfaces {
  /** Interface names to advertise on (ciao always adds loopback itself). */
  names: string[];
  /** Their first IPv4 addresses, to send queries from: mDNS here is IPv4 multicast. */
  ipv4: string[];
}

/**
 * Where mDNS should run. We always name the interfaces: ciao's own Linux
 * detection parses `ip -o link show` and takes a veth's "eth0@if2" for its name,
 * so it skips veths (every container's eth0) and a namespace with only loopback;
 * and a query sent without naming one leaves only by the default route.
 * Chosen: every interface with a non-internal IPv4 address (our multicast is
 * IPv4), else loopback, so that an isolated namespace needs no configuration.
 * CCSHARE_MDNS_INTERFACE=name[,name] overrides the choice.
 */
export function mdnsInterfaces(
  env: Record<string, string | undefined> = process.env,
  table: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces(),
): MdnsInterfaces {
  const isIPv4 = (i: NetworkInterfaceInfo) => i.family === "IPv4" || (i.family as unknown) === 4;
  const present = Object.keys(table).filter((name) => table[name]?.length);
  const wanted = (env.CCSHARE_MDNS_INTERFACE ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  for (const name of wanted) {
    if (!present.includes(name)) {
      throw new UsageError(`CCSHARE_MDNS_INTERFACE names "${name}", but no such interface is up here (there is: ${present.join(", ")}).`);
    }
  }
  const lan = present.filter((name) => table[name]!.some((i) => !i.internal && isIPv4(i)));
  const loopback = present.filter((name) => table[name]!.some((i) => i.internal));
  const names = wanted.length ? wanted : lan.length ? lan : loopback;
  const ipv4 = names.flatMap((name) => table[name]!.find(isIPv4)?.address ?? []);
  return { names, ipv4 };
}

/** Advertise `ccshare-<room>` on the LAN until stop() (PROTOCOL.md §2). */
export async function advertise(o: { room: string; port: number }): Promise<Advert> {
  const { names } = mdnsInterfaces();
  const { default: ciao } = await import("@homebridge/ciao");
  const responder = ciao.getResponder({ interface: names });
  // The hostname is derived from the instance name, so the machine's own name
  // (often the user's) never goes on the wire. Nothing private in TXT (§2).
  const service = responder.createService({
    name: `ccshare-${o.room}`,
    type: SERVICE_TYPE,
    port: o.port,
    txt: { v: VERSION, room: o.room },
  });
  // On a name conflict ciao renames us "ccshare-X (2)"; the TXT room still
  // identifies us, and a listener stops ciao warning on the console.
  service.on("name-change", () => {});

  let stopping: Promise<void> | undefined;
  const withdraw = async () => {
    // The goodbye may fail (no network): the sockets must close regardless, or
    // they would keep the process alive.
    await within(service.destroy(), STOP_BUDGET_MS).catch(() => undefined);
    await within(responder.shutdown(), STOP_BUDGET_MS / 2).catch(() => undefined);
  };
  const stop = () => (stopping ??= withdraw());

  const advertised = await within(service.advertise().then(() => true), ADVERTISE_BUDGET_MS).catch((error: unknown) => error);
  if (advertised !== true) {
    await stop();
    const why = advertised instanceof Error ? advertised.message : "no answer from the mDNS responder";
    throw new LanError(`Could not advertise on the local network with mDNS (${why}); use --relay instead.`, { cause: advertised });
  }
  return { stop };
}

/**
 * Yields each sharer found on the LAN (only TXT v=1; only `room` when given),
 * once per place it points to (address and port), as answers arrive; ends
 * after `timeoutMs` or on abort. Anyone on the LAN can answer for any room.
 */
export async function* browse(o: { room?: string; timeoutMs: number; signal?: AbortSignal }): AsyncGenerator<Sharer> {
  const { Bonjour } = await import("bonjour-service");
  const { ipv4 } = mdnsInterfaces();
  const found: Sharer[] = [];
  // An answer is new if it points somewhere no earlier one did: a spoofer that
  // reuses the real instance name arrives as an update of it (issue 13, finding 7).
  const seen = new Set<string>();
  let failure: Error | undefined;
  let done = o.signal?.aborted ?? false;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  const finish = () => {
    done = true;
    notify();
  };

  // One querier per interface: each sends from its own address, and all of them
  // listen on 0.0.0.0:5353 (binding the unicast address would miss multicast).
  const queriers = (ipv4.length ? ipv4 : [undefined]).slice(0, MAX_BROWSE_INTERFACES).map((address) => {
    const bonjour = new Bonjour({ interface: address, bind: "0.0.0.0" } as object, () => {});
    // bonjour-service leaves multicast-dns's "error" event (bind failures)
    // without a listener, which would crash the process; we turn it into ours.
    (bonjour as unknown as { server: { mdns: NodeJS.EventEmitter } }).server.mdns.on("error", (error: Error) => {
      failure ??= new LanError(`Could not listen for mDNS on UDP port 5353 (${error.message}); use --relay instead.`, { cause: error });
      notify();
    });
    const browser: Browser = bonjour.find({ type: SERVICE_TYPE, protocol: "tcp" });
    const consider = (service: Service) => {
      const sharer = toSharer(service, o.room);
      if (!sharer) return;
      const endpoints = sharer.addresses.map((address) => `${address} ${sharer.port}`);
      if (endpoints.some((e) => seen.has(e))) return;
      endpoints.forEach((e) => seen.add(e));
      found.push(sharer);
      notify();
    };
    // The first answer may lack the TXT record; a later one then arrives as an update.
    browser.on("up", consider).on("txt-update", consider).on("srv-update", consider);
    return { bonjour, browser };
  });

  const timers = [setTimeout(finish, o.timeoutMs)];
  for (const delay of REQUERY_AFTER_MS.filter((ms) => ms < o.timeoutMs)) {
    timers.push(setTimeout(() => queriers.forEach(({ browser }) => browser.update()), delay));
  }
  o.signal?.addEventListener("abort", finish, { once: true });
  try {
    while (true) {
      while (found.length) yield found.shift()!;
      if (failure) throw failure;
      if (done) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    timers.forEach(clearTimeout);
    o.signal?.removeEventListener("abort", finish);
    for (const { bonjour, browser } of queriers) {
      browser.stop();
      bonjour.destroy();
    }
  }
}

/** The sharer of `room` on this LAN, or RoomNotFoundError after `timeoutMs`. */
export async function findSharer(room: string, timeoutMs: number, o: { signal?: AbortSignal } = {}): Promise<Sharer> {
  for await (const sharer of browse({ room, timeoutMs, signal: o.signal })) return sharer;
  o.signal?.throwIfAborted();
  throw notFoundOnLan(room, timeoutMs);
}

export function notFoundOnLan(room: string, timeoutMs: number): RoomNotFoundError {
  const seconds = Math.round(timeoutMs / 100) / 10;
  return new RoomNotFoundError(
    `No sharer with room ${room} found on this network after ${seconds} s. ` +
      "Are you on the same network? A firewall may block mDNS (UDP 5353); try --relay.",
  );
}

/** A DNS-SD answer as a Sharer, or undefined if it is not one we may dial. */
function toSharer(service: Service, room: string | undefined): Sharer | undefined {
  const txt = (service.txt ?? {}) as Record<string, unknown>;
  const sharedRoom = txt.room;
  if (txt.v !== VERSION || typeof sharedRoom !== "string" || !ROOM_SHAPE.test(sharedRoom)) return undefined;
  if (room !== undefined && sharedRoom.toUpperCase() !== room.toUpperCase()) return undefined;
  if (!Number.isInteger(service.port) || service.port < 1 || service.port > 65_535) return undefined;
  const from = service.referer?.address;
  // A responder may leave out its address records; the answer's source address works too.
  const listed = [...new Set(service.addresses?.length ? service.addresses : from ? [from] : [])];
  const v4 = listed.filter((a) => !a.includes(":")).sort((a, b) => Number(b === from) - Number(a === from));
  const v6 = listed.filter((a) => a.includes(":")).map((a) => (isLinkLocal(a) ? withScope(a, from) : a));
  if (!v4.length && !v6.length) return undefined;
  return { room: sharedRoom, name: service.name, port: service.port, addresses: [...v4, ...v6], version: VERSION };
}

function isLinkLocal(address: string): boolean {
  return /^fe[89ab][0-9a-f]:/i.test(address) && !address.includes("%");
}

/**
 * fe80:: addresses are ambiguous without an interface: use the one whose IPv4
 * subnet holds the answer's source (the link it came over), as `%name`
 * (`%index` on Windows, where names do not work as scopes).
 */
function withScope(address: string, from: string | undefined): string {
  for (const [name, infos] of Object.entries(networkInterfaces())) {
    const v4 = infos?.find((i) => i.family === "IPv4" && from && sameSubnet(i.address, from, i.netmask));
    if (!v4) continue;
    const v6 = infos?.find((i) => i.family === "IPv6" && isLinkLocal(i.address));
    return `${address}%${process.platform === "win32" ? (v6?.scopeid ?? name) : name}`;
  }
  return address;
}

function sameSubnet(a: string, b: string, mask: string): boolean {
  const n = (ip: string) => ip.split(".").reduce((acc, part) => (acc << 8) | Number(part), 0);
  return (n(a) & n(mask)) === (n(b) & n(mask));
}

/** `promise`, or undefined once `ms` have passed (the work is left to finish alone). */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let late!: () => void;
  const lateness = new Promise<undefined>((resolve) => (late = () => resolve(undefined)));
  const timer = setTimeout(late, ms);
  try {
    return await Promise.race([promise, lateness]);
  } finally {
    clearTimeout(timer);
  }
}
