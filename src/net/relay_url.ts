// Which relay to use. The built-in default is a constant fixed at build time
// (Makefile: RELAY=wss://...); $CCSHARE_RELAY overrides it; `--relay URL` beats
// both. With none of them, asking for the relay is a clear usage error.
import { UsageError } from "../errors.ts";
import { relayEndpoint } from "./relay_client.ts";

declare const __CCSHARE_DEFAULT_RELAY__: string | undefined;
export const DEFAULT_RELAY: string = typeof __CCSHARE_DEFAULT_RELAY__ === "string" ? __CCSHARE_DEFAULT_RELAY__ : "";

/**
 * `flag` is undefined when --relay was not given, "" when given without a URL.
 * Returns the relay URL to use (checked now, before any work), or undefined for none.
 */
export function relayUrl(flag: string | undefined, env: Record<string, string | undefined> = process.env): string | undefined {
  if (flag === undefined && !env.CCSHARE_RELAY) return undefined;
  const url = flag || env.CCSHARE_RELAY || DEFAULT_RELAY;
  if (!url) throw new UsageError("No relay configured: pass --relay wss://host:port or set CCSHARE_RELAY.");
  relayEndpoint(url, "");
  return url;
}

/**
 * The warning for a relay reached without TLS over the network (issue 13), or
 * undefined. The sessions stay end-to-end encrypted either way; what ws://
 * gives away is the room code and the relay's pipe tokens to anyone on the
 * path, who can then pose as the relay (each attempt costing them one guess).
 */
export function cleartextRelayWarning(url: string): string | undefined {
  const endpoint = new URL(relayEndpoint(url, ""));
  if (endpoint.protocol !== "ws:" || isLoopback(endpoint.hostname)) return undefined;
  return `The relay ${endpoint.host} is reached over ws://, without TLS: anyone on the way sees the room code and can pose as the relay (sessions stay end-to-end encrypted). Use wss:// for a relay on another machine.`;
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return host === "localhost" || host.endsWith(".localhost") || /^127\.\d+\.\d+\.\d+$/.test(host) || host === "::1";
}
