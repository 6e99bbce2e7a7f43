// A fresh Claude Code home per test: its own config dir and cache dir. Each
// test file calls `afterAll(removeTempHomes)` (bun test runs no exit hooks).
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TempHome {
  home: string;
  configDir: string;
  env: Record<string, string>;
}

const homes: string[] = [];
export function removeTempHomes(): void {
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
}

export function tempHome(o: { configured?: boolean } = {}): TempHome {
  const home = mkdtempSync(join(tmpdir(), "ccshare-catalog-"));
  homes.push(home);
  const configDir = join(home, ".claude");
  mkdirSync(configDir, { recursive: true });
  const env: Record<string, string> = { HOME: home, XDG_CACHE_HOME: join(home, ".cache") };
  if (o.configured !== false) env.CLAUDE_CONFIG_DIR = configDir;
  return { home, configDir, env };
}
