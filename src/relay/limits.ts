// The relay's limits (PROTOCOL.md §6), all configurable. Each one bounds what
// a hostile client can make the relay hold: rooms, sockets, bytes, time.
import { UsageError } from "../errors.ts";

export interface RelayLimits {
  /** Rooms open at once. */
  maxRooms: number;
  /** A room's lifetime; the sharer's --keep-open cannot exceed it. */
  roomTtlMs: number;
  /** Receivers waiting in one room for the sharer to dial their pipe. */
  maxWaiting: number;
  /** Joins (and shares) per source address per minute. */
  joinsPerMinute: number;
  /** One message, in bytes: a 1 MiB record plus its framing (§4). */
  maxMessageBytes: number;
  /** Bytes queued for one socket; past it the pipe closes (never drops, DESIGN.md §4). */
  maxBufferedBytes: number;
  /**
   * Bytes forwarded to one end of a pipe since that end last sent anything;
   * past it the pipe closes with 4010. Credit (§5) keeps an honest pair far
   * below it: the receiver answers every 4 records and never grants more than
   * 16 (transfer/receive.ts), 16 x 512 KiB data records or 8 catalog records
   * of up to 1 MiB + 64 KiB. Where the platform shows no send buffer (workerd
   * keeps bufferedAmount at 0), this is what bounds the relay's memory.
   */
  maxInFlightBytes: number;
  /**
   * What a receiver may send before its pipe exists. It sends one hello of
   * about 50 bytes (§3) and then waits for the sharer's; on Cloudflare this
   * waits in the socket's attachment, which holds 2 KiB in all.
   */
  maxEarlyBytes: number;
  /** A pipe with no message either way for this long is closed. */
  idleTimeoutMs: number;
  /** A receiver not paired with a sharer's pipe within this is closed. */
  handshakeTimeoutMs: number;
}

export const DEFAULT_LIMITS: Readonly<RelayLimits> = Object.freeze({
  maxRooms: 10_000,
  roomTtlMs: 60 * 60_000,
  maxWaiting: 8,
  joinsPerMinute: 30,
  maxMessageBytes: 1024 * 1024 + 64 * 1024,
  maxBufferedBytes: 8 * 1024 * 1024,
  maxInFlightBytes: 12 * 1024 * 1024,
  maxEarlyBytes: 1024,
  idleTimeoutMs: 60_000,
  handshakeTimeoutMs: 30_000,
});

/** Defaults overlaid with `given`; every limit must be a positive number. */
export function resolveLimits(given: Partial<RelayLimits> = {}): RelayLimits {
  const limits = { ...DEFAULT_LIMITS };
  for (const [name, value] of Object.entries(given) as [keyof RelayLimits, number | undefined][]) {
    if (value === undefined) continue;
    if (!(name in DEFAULT_LIMITS)) throw new UsageError(`Unknown relay limit "${name}".`);
    if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
      throw new UsageError(`The relay limit ${name} must be a positive number, got ${String(value)}.`);
    }
    limits[name] = value;
  }
  if (limits.maxBufferedBytes < limits.maxMessageBytes) {
    throw new UsageError(`The relay's buffer cap (${limits.maxBufferedBytes} bytes) must hold at least one message (${limits.maxMessageBytes} bytes).`);
  }
  if (limits.maxInFlightBytes < limits.maxMessageBytes) {
    throw new UsageError(`The relay's in-flight cap (${limits.maxInFlightBytes} bytes) must hold at least one message (${limits.maxMessageBytes} bytes).`);
  }
  return limits;
}
