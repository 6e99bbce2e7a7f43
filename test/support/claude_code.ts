// The real Claude Code, for the resume conformance test (DESIGN.md §6): installed
// from npm once into <repo>/.cache/claude-code/<version>/ and reused across runs.
//
// Why not `npm install` in the usual way: the wrapper package's `bin/claude.exe`
// is a stub that its postinstall (install.cjs) replaces with a hard link to the
// native binary from the platform package (@anthropic-ai/claude-code-linux-x64,
// ...), and npm 11 does not run install scripts unless they are approved. So we
// install with --ignore-scripts and run the platform package's binary directly,
// which is exactly the file the postinstall would have linked.
//
// Pre-warm from a shell (what .ci/run does):  node_modules/.bin/bun test/support/claude_code.ts
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { arch, platform, userInfo } from "node:os";
import { join, resolve } from "node:path";
import { tempDir } from "./cleanup.ts";

/** Pinned: the newest release when this harness was written (`npm view @anthropic-ai/claude-code version`). */
export const CLAUDE_CODE_VERSION = "2.1.330";

const repoRoot = resolve(import.meta.dir, "../..");
const cacheRoot = join(repoRoot, ".cache", "claude-code");

/** The npm platform package and binary name for this machine, as install.cjs chooses them. */
function platformPackage(): { pkg: string; bin: string } {
  const os = platform();
  const cpu = arch();
  if (os === "win32") return { pkg: `@anthropic-ai/claude-code-win32-${cpu}`, bin: "claude.exe" };
  if (os === "linux") {
    // glibcVersionRuntime is absent on musl (the same test install.cjs makes).
    const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
    const musl = report?.header?.glibcVersionRuntime === undefined;
    return { pkg: `@anthropic-ai/claude-code-linux-${cpu}${musl ? "-musl" : ""}`, bin: "claude" };
  }
  return { pkg: `@anthropic-ai/claude-code-${os}-${cpu}`, bin: "claude" };
}

function executableIn(dir: string): string {
  const { pkg, bin } = platformPackage();
  return join(dir, "node_modules", pkg, bin);
}

function reportsVersion(exe: string, version: string): boolean {
  const r = spawnSync(exe, ["--version"], { encoding: "utf8", timeout: 30_000, env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" } });
  return r.status === 0 && r.stdout.includes(version);
}

/**
 * The path of a working `claude` executable of the pinned version, installing it
 * into the cache on first use (about 400 MB; ~10 s on a fast link). A `.ok`
 * marker is written only after `claude --version` answered, and the install goes
 * to a temp dir renamed into place, so an interrupted run is never reused.
 */
export function claudeCodeExecutable(version = CLAUDE_CODE_VERSION): string {
  const dir = join(cacheRoot, version);
  const exe = executableIn(dir);
  if (existsSync(join(dir, ".ok")) && existsSync(exe)) return exe;

  mkdirSync(cacheRoot, { recursive: true });
  const temp = join(cacheRoot, `.${version}.tmp-${process.pid}`);
  rmSync(temp, { recursive: true, force: true });
  mkdirSync(temp, { recursive: true });
  try {
    // The test preload points HOME at a temp dir: keep the user's npm settings
    // (a registry mirror, a proxy) from their real ~/.npmrc, and put npm's
    // download cache inside the temp install so it is not left behind.
    const userConfig = join(userInfo().homedir, ".npmrc");
    const npm = spawnSync(
      "npm",
      ["install", "--prefix", temp, "--ignore-scripts", "--no-save", "--no-package-lock", "--no-audit", "--no-fund", "--loglevel=error", `@anthropic-ai/claude-code@${version}`],
      {
        encoding: "utf8",
        timeout: 600_000,
        env: {
          ...process.env,
          npm_config_update_notifier: "false",
          npm_config_cache: join(temp, ".npm-cache"),
          ...(existsSync(userConfig) ? { npm_config_userconfig: userConfig } : {}),
        },
      },
    );
    if (npm.status !== 0) throw new Error(`npm install @anthropic-ai/claude-code@${version} failed (exit ${npm.status}):\n${npm.stderr}`);
    const fresh = executableIn(temp);
    if (!existsSync(fresh)) throw new Error(`npm installed no native binary at ${fresh} (is ${platformPackage().pkg} published for this platform?)`);
    if (!reportsVersion(fresh, version)) throw new Error(`${fresh} --version did not report ${version}`);
    rmSync(join(temp, ".npm-cache"), { recursive: true, force: true });
    writeFileSync(join(temp, ".ok"), `${version}\n`);
    rmSync(dir, { recursive: true, force: true });
    renameSync(temp, dir);
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
  return exe;
}

/**
 * Environment for a `claude` child: its own HOME and config dir, the model API
 * pointed at a loopback stand-in, and everything that would phone home turned off.
 */
export function claudeEnv(o: { home: string; configDir: string; baseUrl: string; extra?: Record<string, string> }): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: o.home,
    USERPROFILE: o.home,
    CLAUDE_CONFIG_DIR: o.configDir,
    XDG_CONFIG_HOME: join(o.home, ".config"),
    XDG_CACHE_HOME: join(o.home, ".cache"),
    XDG_DATA_HOME: join(o.home, ".local", "share"),
    XDG_STATE_HOME: join(o.home, ".local", "state"),
    // Its own, so that what it leaves there is removed with the run's temp dirs.
    TMPDIR: tempDir("ccshare-claude-tmp-"),
    TERM: "dumb",
    NO_COLOR: "1",
    ANTHROPIC_BASE_URL: o.baseUrl,
    ANTHROPIC_API_KEY: "sk-ant-api03-ccshare-test-dummy-key",
    DISABLE_TELEMETRY: "1",
    DISABLE_AUTOUPDATER: "1",
    DISABLE_ERROR_REPORTING: "1",
    DISABLE_BUG_COMMAND: "1",
    DISABLE_COST_WARNINGS: "1",
    DISABLE_NON_ESSENTIAL_MODEL_CALLS: "1",
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    CLAUDE_CODE_DISABLE_TERMINAL_TITLE: "1",
    CLAUDE_CODE_ENABLE_TELEMETRY: "0",
    ...o.extra,
  };
}

if (import.meta.main) {
  const started = Date.now();
  const exe = claudeCodeExecutable();
  console.log(`${exe} (${Date.now() - started} ms)`);
}
