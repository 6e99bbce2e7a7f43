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
