// The relay on Cloudflare Workers (PROTOCOL.md §6), the same protocol as
// `ccshare relay`: the binary cannot tell them apart. This Worker routes each
// WebSocket to the Durable Object of its room (relay/durable_room.ts), one
// object per room, after the join limit per address, which is one small
// object per address (JoinBudget) so that every edge location counts the same
// joins. Built by `make relay-worker`, run in workerd by `make relay-local`,
// deployed by `make relay-deploy` (wrangler.toml).
import { DurableObject } from "cloudflare:workers";
import { CloseCode } from "../net/channel.ts";
import { refuseUpgrade, relayLimits, type RelayEnv } from "./durable_room.ts";
import { JoinLimiter } from "./join_limiter.ts";
import { parseRoute, unroutable } from "./routes.ts";

export { RelayRoom } from "./durable_room.ts";

/** The joins (and shares) of one source address: one token bucket (relay/join_limiter.ts). */
export class JoinBudget extends DurableObject<RelayEnv> {
  private limiter: JoinLimiter | undefined;

  /** Spend one join; false when this address's budget for the minute is gone. */
  allow(perMinute: number): boolean {
    // An object that was evicted forgets its bucket: it was idle, so the bucket had refilled anyway.
    this.limiter ??= new JoinLimiter(perMinute);
    return this.limiter.allow("");
  }
}

export default {
  async fetch(request: Request, env: RelayEnv): Promise<Response> {
    const url = new URL(request.url);
    // Counts live in each room's object; there is no one place that sees them all.
    if (url.pathname === "/healthz") return new Response("ok\n");
    const route = parseRoute(url);
    if (!route || request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return new Response(route ? "expected a WebSocket upgrade\n" : "not a ccshare relay route\n", { status: route ? 426 : 404 });
    }
    // Cloudflare sets it on every request from the internet; clients cannot forge it.
    const address = request.headers.get("cf-connecting-ip") ?? "";
    const joins = env.JOINS;
    const limits = relayLimits(env);
    const refusal =
      route.kind !== "pipe" && !(await joins.get(joins.idFromName(address)).allow(limits.joinsPerMinute)) ? { code: CloseCode.tooManyJoins, reason: "too many joins" }
      : unroutable(route);
    if (refusal) return refuseUpgrade(route, refusal, address);
    return env.ROOMS.get(env.ROOMS.idFromName(route.room)).fetch(request);
  },
};
