// What a test run leaves behind, removed once the whole run is over (test/
// preload.ts calls cleanUp() from its afterAll), whether the tests passed or
// failed: every temp dir a test makes, and whatever shared helpers register
// (spawned processes, network namespaces). A module-level afterAll in a shared
// helper would not do: bun runs it after the first test file that imports the
// helper, and never again. `make test` runs the suite in a temp dir of its own
// and fails if anything is left in it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const dirs = new Set<string>();
const tasks: (() => void | Promise<void>)[] = [];

/** A fresh dir under the temp dir, named `<prefix>XXXXXX`, removed after the run. */
export function tempDir(prefix = "ccshare-test-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.add(dir);
  return dir;
}

/** Runs `task` once the run is over, before the temp dirs go (kill what is still running there). */
export function afterRun(task: () => void | Promise<void>): void {
  tasks.push(task);
}

export async function cleanUp(): Promise<void> {
  for (const task of tasks.splice(0)) await task();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs.clear();
}
