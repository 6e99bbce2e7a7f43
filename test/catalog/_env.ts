// A fresh Claude Code home per test: its own config dir and cache dir, removed
// after the run (test/support/cleanup.ts).
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../support/cleanup.ts";

export interface TempHome {
  home: string;
  configDir: string;
  env: Record<string, string>;
}

export function tempHome(o: { configured?: boolean } = {}): TempHome {
  const home = tempDir("ccshare-catalog-");
  const configDir = join(home, ".claude");
  mkdirSync(configDir, { recursive: true });
  const env: Record<string, string> = { HOME: home, XDG_CACHE_HOME: join(home, ".cache") };
  if (o.configured !== false) env.CLAUDE_CONFIG_DIR = configDir;
  return { home, configDir, env };
}
