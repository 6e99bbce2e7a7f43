// `ccshare relay` (the compiled binary) as a child process on 127.0.0.1, for
// the hostile-network tests: started on port 0, dialled at the port it prints.
import { lines, requireBinary, start } from "../support/bin.ts";
import type { Netns } from "../support/netns.ts";

export interface RelayProcess {
  url: string;
  port: number;
  proc: Bun.Subprocess<"ignore" | "pipe", "pipe", "pipe">;
}

/** A relay (inside `ns`, or on the host) with extra `args` (limits). Killed by pid when the run ends. */
export async function startRelayProcess(args: string[] = [], ns?: Netns): Promise<RelayProcess> {
  const cmd = [requireBinary(), "relay", "--host", "127.0.0.1", "--port", "0", "--json", ...args];
  const env = { ...(process.env as Record<string, string>), CBOR_NATIVE_ACCELERATION_DISABLED: "true" };
  const proc = ns ? ns.exec(cmd, { env }) : start(cmd, { env });
  // Keep reading to the end: a relay whose stdout pipe is cancelled dies of EPIPE.
  const events = lines(proc.stdout);
  for (let next = await events.next(); !next.done; next = await events.next()) {
    const event = JSON.parse(next.value);
    if (event.event !== "ready") continue;
    void (async () => {
      while (!(await events.next()).done);
    })();
    return { url: `ws://127.0.0.1:${event.port}`, port: event.port, proc };
  }
  throw new Error(`the relay exited before it was ready: ${await new Response(proc.stderr).text()}`);
}
