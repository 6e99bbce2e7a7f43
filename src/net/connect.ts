// Finding the sharer, on the receiver's side (PROTOCOL.md §2): mDNS on the LAN,
// a relay room, or both raced. The first WebSocket that opens wins and the other
// attempt is abandoned before any handshake byte, so one attempt costs one guess.
import { CcshareError, PeerGoneError } from "../errors.ts";
import type { Channel } from "./channel.ts";
import { findSharer, type Sharer } from "./lan.ts";
import { joinRoom } from "./relay_client.ts";
import { openWebSocketChannel } from "./ws_channel.ts";

export interface Connection {
  channel: Channel;
  via: "lan" | "relay";
}

export interface ConnectOptions {
  room: string;
  lan: boolean;
  relayUrl?: string;
  timeoutMs: number;
}

/** Dial each advertised address in turn (IPv4 first) until one opens. */
export async function dialSharer(sharer: Sharer, room: string, signal?: AbortSignal): Promise<Channel> {
  let last: unknown;
  for (const address of sharer.addresses) {
    const host = address.includes(":") ? `[${address.replace("%", "%25")}]` : address;
    try {
      return await openWebSocketChannel(`ws://${host}:${sharer.port}/v1/join/${room}`, { timeoutMs: 3000, signal });
    } catch (error) {
      if (signal?.aborted) throw error;
      last = error;
    }
  }
  throw new PeerGoneError(`Found the sharer on the LAN but could not connect to it (${(last as Error)?.message ?? "no address"}); a firewall may block it. Try --relay.`, {
    cause: last,
  });
}

async function viaLan(o: ConnectOptions, signal: AbortSignal): Promise<Connection> {
  const sharer = await findSharer(o.room, o.timeoutMs, { signal });
  return { channel: await dialSharer(sharer, o.room, signal), via: "lan" };
}

async function viaRelay(o: ConnectOptions & { relayUrl: string }, signal: AbortSignal): Promise<Connection> {
  return { channel: await joinRoom(o.relayUrl, o.room, { timeoutMs: o.timeoutMs, signal }), via: "relay" };
}

/** Connect by whatever is enabled; with both, race them and keep the first. */
export async function connect(o: ConnectOptions): Promise<Connection> {
  const controller = new AbortController();
  const attempts: Promise<Connection>[] = [];
  if (o.lan) attempts.push(viaLan(o, controller.signal));
  if (o.relayUrl) attempts.push(viaRelay({ ...o, relayUrl: o.relayUrl }, controller.signal));
  if (attempts.length === 0) throw new CcshareError("Nothing to connect with: enable the LAN or give --relay.");
  try {
    const winner = await Promise.any(attempts);
    controller.abort();
    // A slower attempt that still opened must not linger (and must send nothing).
    for (const attempt of attempts) attempt.then((c) => c !== winner && c.channel.close(1000, "")).catch(() => undefined);
    return winner;
  } catch (error) {
    // With both, the relay's answer ("no such room", unreachable) is the definite one.
    const errors = (error as AggregateError).errors ?? [error];
    throw errors[errors.length - 1];
  }
}
