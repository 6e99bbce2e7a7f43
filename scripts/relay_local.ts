// `make relay-local PORT=N`: the Cloudflare relay (src/relay/worker.ts, built
// to dist/relay/worker.js) in the real workerd runtime through Miniflare, on
// 127.0.0.1:N, in the foreground until SIGINT/SIGTERM. Needs no network and
// keeps nothing on disk (Durable Object storage is in memory). The tests and
// the relay bench start it the same way; the only importer of miniflare.
//
//   bun scripts/relay_local.ts [--host 127.0.0.1] [--port 8787] [--json] [--limits '{"roomTtlMs":60000}']
//
// It prints one JSON line {"event":"ready",url,port,workerdPid} (with --json;
// else the URL), then every event the relay logs, one JSON line each.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Miniflare } from "miniflare";
import wrangler from "../wrangler.toml";
import type { RelayLimits } from "../src/relay/limits.ts";

export const workerPath = join(import.meta.dir, "..", wrangler.main as string);

export interface LocalRelay {
  /** ws://host:port */
  url: string;
  port: number;
  /** The workerd process serving it (its RSS is the relay's memory). */
  workerdPid: number;
  /** Evict room `room`'s Durable Object as Cloudflare does when it is idle: its sockets hibernate. */
  evict(room: string): Promise<void>;
  stop(): Promise<void>;
}

interface DurableObjectBinding {
  name: string;
  class_name: string;
}

/** The relay as wrangler.toml deploys it, run by Miniflare. */
export async function startLocalRelay(o: { host?: string; port?: number; limits?: Partial<RelayLimits>; onEvent?: (event: Record<string, unknown>) => void } = {}): Promise<LocalRelay> {
  const bindings = (wrangler.durable_objects.bindings as DurableObjectBinding[]);
  const mf = new Miniflare({
    modules: true,
    scriptPath: workerPath,
    compatibilityDate: wrangler.compatibility_date,
    compatibilityFlags: wrangler.compatibility_flags,
    durableObjects: Object.fromEntries(bindings.map((b) => [b.name, b.class_name])),
    bindings: { ...wrangler.vars, ...(o.limits ? { RELAY_LIMITS: JSON.stringify(o.limits) } : {}) },
    // Without it Miniflare fetches Cloudflare's request metadata from the internet at start.
    cf: false,
    host: o.host ?? "127.0.0.1",
    port: o.port ?? 0,
    structuredWorkerdLogs: true,
    handleStructuredLogs: ({ message }: { message: string }) => {
      for (const line of message.split("\n")) {
        if (!line.startsWith("{")) continue;
        try {
          o.onEvent?.(JSON.parse(line));
        } catch {
          // Not one of the relay's events.
        }
      }
    },
  });
  const ready = await mf.ready;
  const port = Number(ready.port);
  const roomClass = bindings.find((b) => b.name === "ROOMS")!.class_name;
  return {
    url: `ws://${ready.hostname}:${port}`,
    port,
    workerdPid: childWorkerd(),
    evict: (room) => mf.unsafeEvictDurableObject("", roomClass, { name: room, webSockets: "hibernate" }),
    stop: () => mf.dispose(),
  };
}

/** The workerd process Miniflare started under this one (Linux /proc). */
function childWorkerd(): number {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === process.pid && stat.includes("(workerd)")) return Number(entry);
    } catch {
      // Gone meanwhile.
    }
  }
  return 0;
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: { host: { type: "string", default: "127.0.0.1" }, port: { type: "string", default: "8787" }, json: { type: "boolean", default: false }, limits: { type: "string" } },
  });
  const print = (event: object) => process.stdout.write(JSON.stringify(event) + "\n");
  const relay = await startLocalRelay({ host: values.host, port: Number(values.port), limits: values.limits ? JSON.parse(values.limits) : undefined, onEvent: print });
  if (values.json) print({ event: "ready", url: relay.url, port: relay.port, workerdPid: relay.workerdPid });
  else process.stdout.write(`${relay.url}\n`);
  const signal = await new Promise<string>((resolve) => {
    process.once("SIGTERM", () => resolve("SIGTERM"));
    process.once("SIGINT", () => resolve("SIGINT"));
  });
  await relay.stop();
  if (values.json) print({ event: "stopped", signal });
}
