// Staging left behind by a receive that was killed (SIGKILL, a crash, a power
// cut): each installation names its owner in its staging dir (`owner`, the
// pid), and the next receive or import into the store removes every staging
// dir whose owner is gone (issue 12 §4: a killed receive once left 437 MB
// behind, for good). A staging dir without an owner file is removed once it is
// an hour old.
import { readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";

export const STAGING_PREFIX = ".ccshare-staging-";
const OWNER = "owner";
const ORPHAN_AGE_MS = 3_600_000;

/** Marks `staging` as this process's. */
export async function claimStaging(staging: string): Promise<void> {
  await writeFile(join(staging, OWNER), `${process.pid}\n`, { mode: 0o600, flag: "wx" });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, as another user.
    return (error as { code?: string }).code === "EPERM";
  }
}

async function abandoned(staging: string): Promise<boolean> {
  const owner = Number.parseInt(await readFile(join(staging, OWNER), "utf8").catch(() => ""), 10);
  if (Number.isSafeInteger(owner) && owner > 0) return owner !== process.pid && !alive(owner);
  const info = await stat(staging).catch(() => undefined);
  return info !== undefined && Date.now() - info.mtimeMs > ORPHAN_AGE_MS;
}

/** Removes abandoned staging dirs in every project folder of `projects`; never throws. Returns how many went. */
export async function removeAbandonedStaging(projects: string): Promise<number> {
  let removed = 0;
  const folders = await readdir(projects, { withFileTypes: true }).catch(() => []);
  await Promise.all(
    folders.filter((f) => f.isDirectory()).map(async (folder) => {
      const dir = join(projects, folder.name);
      for (const name of await readdir(dir).catch(() => [] as string[])) {
        if (!name.startsWith(STAGING_PREFIX)) continue;
        const staging = join(dir, name);
        if (await abandoned(staging)) {
          await rm(staging, { recursive: true, force: true }).catch(() => undefined);
          removed++;
        }
      }
    }),
  );
  return removed;
}
