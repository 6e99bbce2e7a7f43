// Runs once, before the first test file (bunfig.toml [test] preload). Points
// HOME, CLAUDE_CONFIG_DIR and the cache dir at fresh temp dirs so that no test
// can read or write the real ~/.claude, and disables cbor-x's native addon,
// which corrupts decoding under Bun (DESIGN.md §3).
import { afterAll } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { cleanUp, tempDir } from "./support/cleanup.ts";

// A hook registered here runs once, after the last test file: everything the
// run left behind goes, whether its tests passed or failed.
afterAll(cleanUp);

const home = tempDir("ccshare-test-home-");
mkdirSync(join(home, ".claude"), { recursive: true });
process.env.HOME = home;
process.env.USERPROFILE = home;
process.env.CLAUDE_CONFIG_DIR = join(home, ".claude");
process.env.XDG_CACHE_HOME = join(home, ".cache");
process.env.CBOR_NATIVE_ACCELERATION_DISABLED = "true";
process.env.NO_COLOR = "1";
delete process.env.CCSHARE_PASSPHRASE;
delete process.env.CCSHARE_RELAY;
delete process.env.CLAUDE_CODE_PROJECT_DIR_NAME;
