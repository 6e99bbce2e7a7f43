// `make release` for one target (a few seconds): the binary, SHA256SUMS, the
// Homebrew formula and install.sh agree with each other, install.sh really
// installs (from file:// URLs) and refuses a binary that does not match.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot, run } from "../support/bin.ts";
import { tempDir } from "../support/cleanup.ts";

const version = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")).version as string;
const scratch = tempDir("ccshare-release-");
// A temporary RELEASE_DIR, so a full release someone built in dist/release is left alone.
const dir = join(scratch, "release");
const baseUrl = "https://example.com/ccshare/releases/download/v" + version;
const binary = `ccshare-${version}-linux-x64`;
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const sha256 = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");
const has = (tool: string) => Bun.which(tool) !== null;

let made = { code: -1, stdout: "", stderr: "" };
beforeAll(async () => {
  made = await run(["make", "-s", "release", "TARGETS=linux-x64", `RELEASE_DIR=${dir}`, `RELEASE_BASE_URL=${baseUrl}`], { cwd: repoRoot });
}, 180_000);

describe("make release TARGETS=linux-x64", () => {
  test("builds the one binary, named with the package version, and the three release files", () => {
    expect([made.code, made.stderr]).toEqual([0, ""]);
    expect(readdirSync(dir).sort()).toEqual(["SHA256SUMS", binary, "ccshare.rb", "install.sh"].sort());
  });

  test("writes SHA256SUMS in sha256sum format with the binary's real digest", async () => {
    expect(readFileSync(join(dir, "SHA256SUMS"), "utf8")).toBe(`${sha256(join(dir, binary))}  ${binary}\n`);
    const checked = await run(["sha256sum", "-c", "SHA256SUMS"], { cwd: dir });
    expect([checked.code, checked.stdout]).toEqual([0, `${binary}: OK\n`]);
  });

  test("writes a Homebrew formula whose url and sha256 are the artifact's, for the built platform only", async () => {
    const formula = readFileSync(join(dir, "ccshare.rb"), "utf8");
    expect(formula).toContain(`  on_linux do\n    on_intel do\n      url "${baseUrl}/${binary}"\n      sha256 "${sha256(join(dir, binary))}"\n    end\n  end`);
    expect(formula).toContain(`version "${version}"`);
    expect(formula).not.toContain("on_macos");
    expect(formula).not.toContain("on_arm");
    if (!has("ruby")) return console.warn("ruby is not installed: skipped `ruby -c ccshare.rb`");
    const syntax = await run(["ruby", "-c", join(dir, "ccshare.rb")]);
    expect(syntax.stdout).toBe("Syntax OK\n");
  });

  test("writes an install.sh that is POSIX sh and carries the version and URL", async () => {
    const script = readFileSync(join(dir, "install.sh"), "utf8");
    expect(script).toContain(`VERSION="${version}"`);
    expect(script).toContain(`BASE_URL="\${CCSHARE_BASE_URL:-${baseUrl}}"`);
    expect(script).not.toContain("@VERSION@");
    expect((await run(["sh", "-n", join(dir, "install.sh")])).code).toBe(0);
    if (has("dash")) expect((await run(["dash", "-n", join(dir, "install.sh")])).code).toBe(0);
  });

  test("builds a linux-x64 binary that runs and prints the package.json version", async () => {
    const out = await run([join(dir, binary), "--version"]);
    expect([out.code, out.stdout]).toEqual([0, `${version}\n`]);
  });

  test("refuses an unknown target", async () => {
    const bad = await run(["make", "-s", "release", "TARGETS=plan9-mips", `RELEASE_DIR=${join(scratch, "bad")}`], { cwd: repoRoot });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("make release: unknown target plan9-mips");
  });
});

test("the Claude Code plugin manifest carries the package version", () => {
  const plugin = JSON.parse(readFileSync(join(repoRoot, ".claude-plugin/plugin.json"), "utf8"));
  expect({ name: plugin.name, version: plugin.version }).toEqual({ name: "ccshare", version });
});

describe("install.sh", () => {
  const install = (from: string, into: string) =>
    run(["sh", join(dir, "install.sh")], { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: scratch, CCSHARE_BASE_URL: `file://${from}`, CCSHARE_INSTALL_DIR: into } });

  test("downloads the binary for this machine, checks it against SHA256SUMS, and installs it", async () => {
    if (process.arch !== "x64" || process.platform !== "linux" || !has("curl")) return console.warn("skipped: needs linux-x64 and curl (file:// URLs)");
    const into = join(scratch, "bin-ok");
    const result = await install(dir, into);
    expect(result.stderr).toContain(`installed ccshare ${version} as ${into}/ccshare`);
    expect(result.code).toBe(0);
    const out = await run([join(into, "ccshare"), "--version"]);
    expect(out.stdout).toBe(`${version}\n`);
  }, 60_000);

  test("refuses a binary that does not match SHA256SUMS and installs nothing", async () => {
    if (process.arch !== "x64" || process.platform !== "linux" || !has("curl")) return console.warn("skipped: needs linux-x64 and curl (file:// URLs)");
    const mirror = join(scratch, "tampered");
    rmSync(mirror, { recursive: true, force: true });
    mkdirSync(mirror, { recursive: true });
    symlinkSync(join(dir, binary), join(mirror, binary));
    writeFileSync(join(mirror, "SHA256SUMS"), `${"0".repeat(64)}  ${binary}\n`);
    const into = join(scratch, "bin-tampered");
    const result = await install(mirror, into);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${binary} does not match SHA256SUMS`);
    expect(existsSync(join(into, "ccshare"))).toBe(false);
  }, 60_000);
});
