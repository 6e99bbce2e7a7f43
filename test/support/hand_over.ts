// A session handed from one store to another the way a user hands it over:
// the compiled binary exports it from the sharer's store into a sealed bundle,
// and imports that bundle into the receiver's (bundle/import.ts ->
// install/incoming.ts, the path every receive takes). Resume tests stand on it.
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { requireBinary, run } from "./bin.ts";
import { tempDir } from "./cleanup.ts";

export interface HandedOver {
  target: string;
  folder: string;
  installed: { id: string; newId?: string; path: string }[];
  skipped: { id: string; reason: string }[];
}

const PASSPHRASE = "hand-over-test-passphrase";

function envOf(config: string, extra: Record<string, string>): Record<string, string> {
  const home = dirname(config);
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    CLAUDE_CONFIG_DIR: config,
    XDG_CACHE_HOME: join(home, ".cache"),
    CCSHARE_PASSPHRASE: PASSPHRASE,
    NO_COLOR: "1",
    TMPDIR: tmpdir(),
    ...extra,
  };
}

/** `ccshare export --session ID` as the sharer, then `ccshare import --yes --into DIR` as the receiver. */
export async function handOver(o: { id: string; from: string; to: string; into: string; env?: Record<string, string> }): Promise<HandedOver> {
  const bin = requireBinary();
  const dir = tempDir("ccshare-hand-over-");
  try {
    const bundle = join(dir, "session.ccs");
    const exported = await run([bin, "export", "--session", o.id, "--out", bundle, "--yes", "--json"], { env: envOf(o.from, o.env ?? {}) });
    if (exported.code !== 0) throw new Error(`export failed (${exported.code}): ${exported.stderr}`);
    const imported = await run([bin, "import", bundle, "--into", o.into, "--yes", "--json"], { env: envOf(o.to, o.env ?? {}) });
    if (imported.code !== 0) throw new Error(`import failed (${imported.code}): ${imported.stderr}`);
    const event = imported.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { event: string } & Omit<HandedOver, "installed"> & { sessions: HandedOver["installed"] })
      .find((e) => e.event === "installed");
    if (!event) throw new Error(`import printed no "installed" event: ${imported.stdout}`);
    return { target: event.target, folder: event.folder, installed: event.sessions, skipped: event.skipped };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
