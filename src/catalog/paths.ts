// Where Claude Code keeps sessions, and how it names project folders
// (SESSIONS-FORMAT.md "Where").
import { homedir } from "node:os";
import { join } from "node:path";

export const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Legacy 2.0.x sibling and 2.1.x subagent transcripts. */
export const AGENT_FILE = /^agent-[A-Za-z0-9_-]+\.jsonl$/;

export function isSessionId(text: string): boolean {
  return SESSION_ID.test(text);
}

/** `$CLAUDE_CONFIG_DIR`, else `~/.claude`. */
export function claudeConfigDir(env: Record<string, string | undefined> = process.env): string {
  const configured = env.CLAUDE_CONFIG_DIR;
  if (configured) return configured;
  return join(env.HOME || env.USERPROFILE || homedir(), ".claude");
}

/** Every projects/ root to scan: the config dir's, plus legacy ~/.config/claude when no dir is configured. */
export function projectsRoots(env: Record<string, string | undefined> = process.env): string[] {
  const roots = [join(claudeConfigDir(env), "projects")];
  if (!env.CLAUDE_CONFIG_DIR) roots.push(join(env.HOME || env.USERPROFILE || homedir(), ".config", "claude", "projects"));
  return roots;
}

/** Folder names keep this many characters of a long path, then `-` and a hash. */
export const MAX_FOLDER = 200;

/** Java-style 31-multiplier string hash in base 36, as Claude Code uses for long folder names. */
export function folderHash(text: string): string {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) | 0;
  return Math.abs(h).toString(36);
}

/** Every UTF-16 code unit that is not [A-Za-z0-9] becomes "-" (so an emoji gives two). */
export function sanitize(path: string): string {
  return path.replace(/[^A-Za-z0-9]/g, "-");
}

// Claude Code 2.1.330 honours CLAUDE_CODE_PROJECT_DIR_NAME only together with
// CLAUDE_CONFIG_DIR, and refuses Windows device names (read from its bundle).
const OVERRIDE = /^[A-Za-z0-9_-]{1,64}$/;
const DEVICE_NAME = /^(?:con|prn|aux|nul|com[0-9]|lpt[0-9])$/i;

/**
 * The project folder name Claude Code uses for a working directory (a realpath,
 * exactly as the file system returns it). Measured on 2.1.330: the path is NOT
 * NFC-normalised first (SESSIONS-FORMAT.md "More facts"), so "cafe\u0301" gives
 * "-...-cafe-". Names over 200 characters keep a 200-character prefix and a hash;
 * an installer should prefer an existing folder with that prefix
 * (install/project_folder.ts), since the hash differs between Claude Code builds.
 */
export function projectFolderName(cwd: string, env: Record<string, string | undefined> = process.env): string {
  const override = env.CLAUDE_CODE_PROJECT_DIR_NAME;
  if (env.CLAUDE_CONFIG_DIR && override && OVERRIDE.test(override) && !DEVICE_NAME.test(override)) return override;
  const name = sanitize(cwd);
  return name.length <= MAX_FOLDER ? name : `${name.slice(0, MAX_FOLDER)}-${folderHash(cwd)}`;
}

/** Where ccshare keeps its own cache: `$XDG_CACHE_HOME/ccshare`, else `~/.cache/ccshare` (safe to delete). */
export function cacheDir(env: Record<string, string | undefined> = process.env): string {
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, "ccshare");
  return join(env.HOME || env.USERPROFILE || homedir(), ".cache", "ccshare");
}
