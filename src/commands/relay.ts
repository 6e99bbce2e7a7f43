// `ccshare relay`: run a self-hosted relay (PROTOCOL.md §6). Thin: parse the
// limits, start the relay, print where it listens, log its events, and stop
// gracefully on SIGTERM/SIGINT.
import { defineCommand } from "citty";
import { UsageError } from "../errors.ts";
import { DEFAULT_LIMITS, type RelayLimits } from "../relay/limits.ts";
import { startRelay, type RelayEvent } from "../relay/server.ts";
import { CloseCode } from "../net/channel.ts";
import { printJson } from "../ui/json_lines.ts";
import { log } from "../ui/log.ts";
import { describe, jsonArgs } from "./_shared.ts";
import { plural } from "../ui/format.ts";

const limitArgs = {
  "max-rooms": { type: "string", description: `Rooms open at once (default ${DEFAULT_LIMITS.maxRooms})`, valueHint: "N" },
  "room-ttl": { type: "string", description: `Minutes a room may live (default ${DEFAULT_LIMITS.roomTtlMs / 60_000})`, valueHint: "MIN" },
  "max-waiting": { type: "string", description: `Receivers waiting per room (default ${DEFAULT_LIMITS.maxWaiting})`, valueHint: "N" },
  "join-rate": { type: "string", description: `Joins per source address per minute (default ${DEFAULT_LIMITS.joinsPerMinute})`, valueHint: "N" },
  "max-message": { type: "string", description: `Largest message, bytes (default ${DEFAULT_LIMITS.maxMessageBytes})`, valueHint: "BYTES" },
  "max-buffered": { type: "string", description: `Bytes queued per socket before its pipe is closed (default ${DEFAULT_LIMITS.maxBufferedBytes})`, valueHint: "BYTES" },
  "max-in-flight": { type: "string", description: `Bytes sent to one end of a pipe that it has not answered before the pipe is closed (default ${DEFAULT_LIMITS.maxInFlightBytes})`, valueHint: "BYTES" },
  "idle-timeout": { type: "string", description: `Seconds a pipe may carry nothing (default ${DEFAULT_LIMITS.idleTimeoutMs / 1000})`, valueHint: "SEC" },
  "handshake-timeout": { type: "string", description: `Seconds a receiver may wait for its pipe (default ${DEFAULT_LIMITS.handshakeTimeoutMs / 1000})`, valueHint: "SEC" },
} as const;

export default defineCommand({
  meta: describe({
    name: "relay",
    description: "Run a WebSocket relay that glues sharers to receivers; it forwards only ciphertext.",
    examples: [
      "ccshare relay                                 # all interfaces, port 8080",
      "ccshare relay --host 127.0.0.1 --port 0 --json  # loopback, any free port, JSON events",
      "ccshare relay --max-rooms 500 --room-ttl 30   # a smaller relay",
      "ccshare share --relay ws://relay.example.com:8080   # then, on the sharer's machine",
    ],
  }),
  args: {
    host: { type: "string", description: "Interface to listen on", default: "0.0.0.0", valueHint: "ADDR" },
    port: { type: "string", description: "TCP port; 0 picks a free one", default: "8080", valueHint: "PORT" },
    ...limitArgs,
    ...jsonArgs,
  },
  async run({ args }) {
    const port = number("--port", args.port, { integer: true, min: 0, max: 65535 });
    const limits: Partial<RelayLimits> = {
      maxRooms: optional("--max-rooms", args["max-rooms"], 1, true),
      roomTtlMs: optional("--room-ttl", args["room-ttl"], 60_000),
      maxWaiting: optional("--max-waiting", args["max-waiting"], 1, true),
      joinsPerMinute: optional("--join-rate", args["join-rate"], 1),
      maxMessageBytes: optional("--max-message", args["max-message"], 1, true),
      maxBufferedBytes: optional("--max-buffered", args["max-buffered"], 1, true),
      maxInFlightBytes: optional("--max-in-flight", args["max-in-flight"], 1, true),
      idleTimeoutMs: optional("--idle-timeout", args["idle-timeout"], 1000),
      handshakeTimeoutMs: optional("--handshake-timeout", args["handshake-timeout"], 1000),
    };
    const print = (event: object) => printJson(event);
    const relay = await startRelay({ host: args.host, port, limits, onEvent: args.json ? print : logEvent });
    if (args.json) print({ event: "ready", url: relay.url, port: relay.port });
    else {
      process.stdout.write(`${relay.url}\n`);
      log.info(`relay listening on ${relay.url}${args.host === "0.0.0.0" || args.host === "::" ? " (all interfaces)" : ""}; stop with Ctrl+C`);
    }
    const signal = await new Promise<string>((resolve) => {
      process.once("SIGTERM", () => resolve("SIGTERM"));
      process.once("SIGINT", () => resolve("SIGINT"));
    });
    await relay.stop();
    if (args.json) print({ event: "stopped", signal });
    else log.info(`relay stopped (${signal})`);
  },
});

function logEvent(e: RelayEvent): void {
  if (e.event === "room-opened") log.info(`room ${e.room} opened by ${e.from} (${e.rooms} open)`);
  else if (e.event === "room-closed") log.info(`room ${e.room} closed after ${minutes(e.seconds)}: ${plural(e.joins, "join")}, ${plural(e.pipes, "pipe")} (${closeText(e)})`);
  else if (e.event === "pipe-closed") log.info(`pipe in room ${e.room} closed after ${minutes(e.seconds)}, ${(e.bytes / 1e6).toFixed(1)} MB (${closeText(e)})`);
  else log.info(`refused a ${e.route} from ${e.from}: ${e.reason}`);
}


/** "1000, normal": a close without a reason still says what it was (it read "(1000 )"). */
function closeText(e: { code: number; reason: string }): string {
  const named = Object.entries(CloseCode).find(([, code]) => code === e.code)?.[0];
  return `${e.code}, ${e.reason || (named ? named.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`) : "no reason given")}`;
}

function minutes(seconds: number): string {
  return seconds < 60 ? `${seconds.toFixed(1)} s` : `${(seconds / 60).toFixed(1)} min`;
}

function number(flag: string, text: string, o: { integer?: boolean; min: number; max?: number }): number {
  const value = Number(text);
  const ok = text.trim() !== "" && Number.isFinite(value) && (!o.integer || Number.isInteger(value)) && value >= o.min && (o.max === undefined || value <= o.max);
  if (!ok) {
    const range = o.max === undefined ? `at least ${o.min}` : `${o.min}-${o.max}`;
    throw new UsageError(`${flag} expects ${o.integer ? "a whole number" : "a number"} ${range}, got "${text}".`);
  }
  return value;
}

/** A positive limit in the flag's unit, scaled to the relay's (e.g. minutes -> ms). */
function optional(flag: string, text: string | undefined, scale: number, integer = false): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new UsageError(`${flag} expects a positive ${integer ? "whole number" : "number"}, got "${text}".`);
  }
  return value * scale;
}
