// Runs the real Claude Code against a loopback stand-in for the model API
// (DESIGN.md §6) and reports what it sent: the proof an install resumes.
import { afterRun } from "./cleanup.ts";
import { claudeEnv } from "./claude_code.ts";
import { startModelApi } from "./model_api.ts";

const RUN_TIMEOUT_MS = 90_000;

const running = new Set<Bun.Subprocess>();
afterRun(() => {
  for (const proc of running) proc.kill("SIGKILL");
});

export interface Resumed {
  code: number | null;
  output: string;
  /** Bodies of every POST /v1/messages Claude Code sent. */
  bodies: string[];
  /** Every path Claude Code called on the stand-in. */
  paths: string[];
}

/**
 * `claude --resume <id> -p continue` (or `--continue` when `id` is "latest") in
 * `cwd`, as the receiver `r`, against a fresh stand-in. Killed by pid if it hangs.
 */
export function resumeWith(claude: string, id: string, cwd: string, r: { home: string; config: string }, extra: Record<string, string> = {}): Promise<Resumed> {
  return claudeTurn(claude, [...(id === "latest" ? ["--continue"] : ["--resume", id]), "-p", "continue"], cwd, r, extra);
}

/** One run of `claude ARGS` in `cwd` as `r` against a fresh stand-in (a turn with `-p`). Killed by pid if it hangs. */
export async function claudeTurn(claude: string, args: string[], cwd: string, r: { home: string; config: string }, extra: Record<string, string> = {}): Promise<Resumed> {
  const api = startModelApi();
  const proc = Bun.spawn([claude, ...args], {
    cwd,
    env: claudeEnv({ home: r.home, configDir: r.config, baseUrl: api.url, extra }),
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  running.add(proc);
  const timer = setTimeout(() => proc.kill("SIGKILL"), RUN_TIMEOUT_MS);
  try {
    const [stdout, stderr] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
    await proc.exited;
    return { code: proc.exitCode, output: stdout + stderr, bodies: api.messageBodies(), paths: api.requests.map((q) => `${q.method} ${q.path}`) };
  } finally {
    clearTimeout(timer);
    running.delete(proc);
    await api.close();
  }
}

