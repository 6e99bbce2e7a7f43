// Running ccshare as a real child process: the compiled binary (dist/ccshare,
// built by `make test`) or the source under Bun/Deno. Every spawned process is
// tracked and killed by its pid when the run ends, if its test did not.
import { existsSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterRun, tempDir } from "./cleanup.ts";

export const repoRoot = resolve(import.meta.dir, "../..");
export const binPath = join(repoRoot, "dist/ccshare");
export const bunPath = join(repoRoot, "node_modules/.bin/bun");
export const denoPath = join(repoRoot, "node_modules/.bin/deno");
export const cliSource = join(repoRoot, "src/cli.ts");

export function requireBinary(): string {
  if (!existsSync(binPath)) throw new Error(`${binPath} is missing: run the suite with \`make test\` (it builds first).`);
  return binPath;
}


/** A fresh, isolated environment: its own HOME, CLAUDE_CONFIG_DIR and cache; removed when the test file ends. */
export function isolatedEnv(extra: Record<string, string> = {}): { env: Record<string, string>; home: string; configDir: string } {
  const home = tempDir("ccshare-e2e-");
  const configDir = join(home, ".claude");
  mkdirSync(configDir, { recursive: true });
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    USERPROFILE: home,
    CLAUDE_CONFIG_DIR: configDir,
    XDG_CACHE_HOME: join(home, ".cache"),
    CBOR_NATIVE_ACCELERATION_DISABLED: "true",
    NO_COLOR: "1",
    // Its own, removed after the run: what a child leaves there (miniflare, wrangler, Claude Code) goes with it.
    TMPDIR: tempDir("ccshare-tmp-"),
    ...extra,
  };
  return { env, home, configDir };
}

const live = new Set<Bun.Subprocess>();
const grandchildren = new Set<number>();
afterRun(() => {
  for (const proc of live) if (proc.exitCode === null) proc.kill("SIGKILL");
  for (const pid of grandchildren) killPid(pid);
});

/** A process started by one of ours (workerd under Miniflare): killed by pid when the test file ends, if its parent left it. */
export function trackPid(pid: number): void {
  if (pid > 0) grandchildren.add(pid);
}

export function killPid(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

export interface RunResult { code: number; stdout: string; stderr: string }

/** Run a command to completion; stdin closed unless `input` is given. */
/** `env` (or ours) with a temp dir of the child's own unless it names one: killed children leave theirs. */
function childEnv(env: Record<string, string> | undefined): Record<string, string> {
  const base = env ?? (process.env as Record<string, string>);
  return base.TMPDIR && base.TMPDIR !== tmpdir() ? base : { ...base, TMPDIR: tempDir("ccshare-tmp-") };
}

export async function run(cmd: string[], o: { env?: Record<string, string>; cwd?: string; input?: string } = {}): Promise<RunResult> {
  const proc = Bun.spawn(cmd, {
    env: childEnv(o.env),
    cwd: o.cwd,
    stdin: o.input === undefined ? "ignore" : new TextEncoder().encode(o.input),
    stdout: "pipe",
    stderr: "pipe",
  });
  live.add(proc);
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  live.delete(proc);
  return { code, stdout, stderr };
}

/** Start a long-running command; the caller reads its stdout lines and kills it. */
export function start(cmd: string[], o: { env?: Record<string, string>; cwd?: string } = {}): Bun.Subprocess<"ignore", "pipe", "pipe"> {
  const proc = Bun.spawn(cmd, { env: childEnv(o.env), cwd: o.cwd, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  live.add(proc);
  proc.exited.then(() => live.delete(proc));
  return proc;
}

/** Yields stdout lines of a started process as they arrive. */
export async function* lines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffered = "";
  for await (const chunk of stream) {
    buffered += decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = buffered.indexOf("\n")) >= 0) {
      yield buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
    }
  }
  if (buffered) yield buffered;
}
