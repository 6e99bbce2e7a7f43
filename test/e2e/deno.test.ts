// The same source runs under Deno (DESIGN.md: `deno run -A src/cli.ts`): its
// listing must be byte-for-byte the compiled binary's.
import { beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { writeStore, type FixtureSession } from "../fixtures/store.ts";
import { writeRichSession } from "../fixtures/rich_session.ts";
import { cliSource, denoPath, isolatedEnv, lines, repoRoot, requireBinary, run, start } from "../support/bin.ts";

// Large files and child processes: generous on a loaded machine (bunfig's timeout is not applied).
setDefaultTimeout(60_000);

let bin: string;
let env: Record<string, string>;
let sessions: FixtureSession[];

beforeAll(() => {
  bin = requireBinary();
  ({ env } = isolatedEnv());
  sessions = writeStore(join(env.CLAUDE_CONFIG_DIR!));
});

describe("ccshare under Deno", () => {
  test("`deno run -A src/cli.ts list --json` prints exactly what the binary prints", async () => {
    // Each reads the store itself: separate cache dirs, so neither answers from the other's cache.
    const fromBinary = await run([bin, "list", "--json"], { env: { ...env, XDG_CACHE_HOME: join(env.HOME!, "cache-bin") } });
    const fromDeno = await run([denoPath, "run", "-A", cliSource, "list", "--json"], { env: { ...env, XDG_CACHE_HOME: join(env.HOME!, "cache-deno") }, cwd: repoRoot });
    expect(fromDeno.stderr).toBe("");
    expect(fromDeno.code).toBe(0);
    expect(fromBinary.code).toBe(0);
    expect(JSON.parse(fromDeno.stdout)).toHaveLength(sessions.length);
    expect(fromDeno.stdout).toBe(fromBinary.stdout);
  });

  test("`deno run -A src/cli.ts show ID --json` prints exactly what the binary prints", async () => {
    const id = sessions.find((s) => s.subagents > 0 && s.era === "2.0")!.id;
    const fromBinary = await run([bin, "show", id, "--json"], { env });
    const fromDeno = await run([denoPath, "run", "-A", cliSource, "show", id, "--json"], { env, cwd: repoRoot });
    expect(fromDeno.code).toBe(0);
    expect(fromDeno.stdout.length).toBeGreaterThan(1000);
    expect(fromDeno.stdout).toBe(fromBinary.stdout);
  });

  test("`show ID --html` is byte-for-byte the binary's, and `view` serves it", async () => {
    const rich = writeRichSession(env.CLAUDE_CONFIG_DIR!);
    const fromBinary = await run([bin, "show", rich.id, "--html"], { env });
    const fromDeno = await run([denoPath, "run", "-A", cliSource, "show", rich.id, "--html"], { env, cwd: repoRoot });
    expect(fromDeno.code).toBe(0);
    expect(fromDeno.stdout).toBe(fromBinary.stdout);
    const view = start([denoPath, "run", "-A", cliSource, "view", rich.id, "--no-open", "--json"], { env, cwd: repoRoot });
    const ready = JSON.parse((await lines(view.stdout).next()).value!) as { url: string };
    const page = await fetch(ready.url).then((r) => r.text());
    expect(page).toContain(`<h1>${rich.title}</h1>`);
    view.kill("SIGTERM");
    expect(await view.exited).toBe(0);
  });
});
