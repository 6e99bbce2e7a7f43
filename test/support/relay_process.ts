// `ccshare relay` (the compiled binary) on 127.0.0.1, any free port, for
// end-to-end tests that go through a relay without any mDNS: nothing leaves
// loopback. Killed by its pid when the run ends, if its test did not stop it.
import { lines, requireBinary, start } from "./bin.ts";

export interface RelayProcess {
  url: string;
  port: number;
  proc: Bun.Subprocess;
  /** Its --json events so far. */
  events: Record<string, unknown>[];
  stop(): void;
}

export async function startRelay(args: string[] = []): Promise<RelayProcess> {
  const proc = start([requireBinary(), "relay", "--host", "127.0.0.1", "--port", "0", "--json", ...args], {
    env: { ...(process.env as Record<string, string>), CBOR_NATIVE_ACCELERATION_DISABLED: "true" },
  });
  const events: Record<string, unknown>[] = [];
  const stream = lines(proc.stdout);
  // Read to the end: leaving the loop would cancel the pipe and kill the relay with EPIPE.
  for (let next = await stream.next(); !next.done; next = await stream.next()) {
    const event = JSON.parse(next.value) as Record<string, unknown>;
    events.push(event);
    if (event.event === "ready") {
      void (async () => {
        for (let more = await stream.next(); !more.done; more = await stream.next()) events.push(JSON.parse(more.value));
      })();
      const port = Number(event.port);
      return { url: `ws://127.0.0.1:${port}`, port, proc, events, stop: () => proc.kill("SIGTERM") };
    }
  }
  throw new Error(`the relay exited before it was ready: ${await new Response(proc.stderr).text()}`);
}
