// Shared by the message tests (issue 18): a share through a local relay whose
// stderr lines are followed, and a stand-in relay that only counts who dials.
import { writeManySessions } from "../fixtures/many_sessions.ts";
import { isolatedEnv, lines, requireBinary, start } from "../support/bin.ts";
import type { RelayProcess } from "../support/relay_process.ts";

export interface Followed {
  proc: Bun.Subprocess<"ignore", "pipe", "pipe">;
  /** stderr so far. */
  text(): string;
  /** Resolves with stderr once it matches. */
  until(pattern: RegExp | string): Promise<string>;
}

export function follow(cmd: string[], o: { env: Record<string, string>; cwd?: string }): Followed {
  const proc = start(cmd, o);
  let text = "";
  const waiters: (() => void)[] = [];
  void (async () => {
    for await (const line of lines(proc.stderr)) {
      text += `${line}\n`;
      waiters.splice(0).forEach((wake) => wake());
    }
    waiters.splice(0).forEach((wake) => wake());
  })();
  return {
    proc,
    text: () => text,
    async until(pattern) {
      const matches = () => (typeof pattern === "string" ? text.includes(pattern) : pattern.test(text));
      while (!matches()) {
        if (proc.exitCode !== null) {
          await new Promise((r) => setTimeout(r, 50)); // the last lines of a finished process
          if (matches()) break;
          throw new Error(`exited ${proc.exitCode} before stderr showed ${String(pattern)}:\n${text}`);
        }
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          void proc.exited.then(() => resolve());
        });
      }
      return text;
    },
  };
}

/** A sharer of `count` small sessions through `relay` (no LAN), and the code it printed. */
export async function shareThrough(relay: RelayProcess, count: number, extra: string[] = []): Promise<{ share: Followed; code: string; env: Record<string, string> }> {
  const { env } = isolatedEnv();
  writeManySessions(env.CLAUDE_CONFIG_DIR!, count);
  const share = follow([requireBinary(), "share", "--all", "--yes", "--no-lan", "--relay", relay.url, ...extra], { env });
  const code = /Code: (\S+)/.exec(await share.until(/Code: \S+/))![1]!;
  return { share, code, env };
}

/** A stand-in relay that accepts WebSockets and counts them: a refusal before any attempt leaves it at 0. */
export function countingRelay(): { url: string; dials(): number; stop(): void } {
  let dials = 0;
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(request, srv) {
      dials++;
      return srv.upgrade(request) ? undefined : new Response("no", { status: 400 });
    },
    websocket: { message() {} },
  });
  return { url: `ws://127.0.0.1:${server.port}`, dials: () => dials, stop: () => server.stop(true) };
}
