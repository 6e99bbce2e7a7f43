// The release files around the binaries `make release` compiled (the Makefile
// builds them with BUILD_FLAGS, the one place build flags live):
//   SHA256SUMS    sha256sum format, one line per binary
//   ccshare.rb    a Homebrew formula whose urls and sha256s match the binaries
//   install.sh    scripts/install.sh with the version and URL filled in
//
//   bun run scripts/release.ts --dir dist/release --version 0.1.0 \
//     --base-url https://github.com/OWNER/ccshare/releases/download/v0.1.0 --targets "linux-x64 ..."
import { createHash } from "node:crypto";
import { createReadStream, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { homebrewFormula, type Artifact } from "./homebrew_formula.ts";

export const ALL_TARGETS = ["linux-x64", "linux-arm64", "darwin-x64", "darwin-arm64", "windows-x64"] as const;

/** ccshare-<version>-<os>-<arch>[.exe], as README.md's install section names them. */
export function artifactName(version: string, target: string): string {
  return `ccshare-${version}-${target}${target.startsWith("windows-") ? ".exe" : ""}`;
}

function sha256(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash("sha256");
    createReadStream(path)
      .on("data", (chunk) => hash.update(chunk))
      .on("end", () => resolve(hash.digest("hex")))
      .on("error", reject);
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { dir: { type: "string" }, version: { type: "string" }, "base-url": { type: "string" }, targets: { type: "string" } },
  });
  const dir = values.dir ?? "dist/release";
  const version = values.version;
  const baseUrl = (values["base-url"] ?? "").replace(/\/+$/, "");
  if (!version || !/^\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$/.test(version)) throw new Error(`--version must be a semantic version, got ${JSON.stringify(version)}`);
  // It lands inside a double-quoted shell word and a Ruby string: no quotes, $, ` or spaces.
  if (!/^(https?|file):\/\/[A-Za-z0-9._~:/@%+=,-]+$/.test(baseUrl)) throw new Error(`--base-url must be a plain URL, got ${JSON.stringify(baseUrl)}`);
  const targets = (values.targets ?? ALL_TARGETS.join(" ")).split(/\s+/).filter(Boolean);

  const artifacts: Artifact[] = [];
  for (const target of targets) {
    const name = artifactName(version, target);
    if (!readdirSync(dir).includes(name)) throw new Error(`${join(dir, name)} is missing: the build of ${target} did not produce it`);
    const [os, arch] = target.split("-") as [string, string];
    artifacts.push({ name, os, arch, sha256: await sha256(join(dir, name)) });
  }
  artifacts.sort((a, b) => a.name.localeCompare(b.name));

  writeFileSync(join(dir, "SHA256SUMS"), artifacts.map((a) => `${a.sha256}  ${a.name}\n`).join(""));
  writeFileSync(join(dir, "ccshare.rb"), homebrewFormula({ version, baseUrl, artifacts }));
  const template = readFileSync(join(import.meta.dirname, "install.sh"), "utf8");
  writeFileSync(join(dir, "install.sh"), template.replaceAll("@VERSION@", version).replaceAll("@BASE_URL@", baseUrl), { mode: 0o755 });

  for (const a of artifacts) console.log(`${a.sha256}  ${a.name}`);
  console.log(`wrote ${join(dir, "SHA256SUMS")}, ${join(dir, "ccshare.rb")}, ${join(dir, "install.sh")} (urls under ${baseUrl})`);
}

if (import.meta.main) {
  main().catch((error: unknown) => {
    console.error(`release: ${(error as Error).message}`);
    process.exit(1);
  });
}
