// Where an install goes: the target directory and its project folder under
// <config>/projects/ (SESSIONS-FORMAT.md "Where" and "Resume, and what an
// install must do", steps 1-2). `claude --continue` and the session picker only
// look in the folder named after the directory Claude Code runs in, so this
// name must be exactly Claude Code's.
//
// Unicode: SESSIONS-FORMAT.md says the path is NFC-normalised first, but Claude
// Code 2.1.330 does not normalise: in a directory whose name is stored
// decomposed (NFD, e.g. "cafe\u0301") it records that cwd as is and names the
// folder "-...-cafe-", not "-...-caf-" (test/e2e/resume.test.ts proves it). So
// the target is the realpath exactly as the file system returns it, which is
// what process.cwd() gives Claude Code; only comparisons of recorded paths
// ignore the form.
import { mkdir, open, readdir, realpath, stat } from "node:fs/promises";
import { join } from "node:path";
import { FolderNotFoundError, fromFsError } from "../errors.ts";
import { claudeConfigDir, isSessionId, MAX_FOLDER, projectFolderName, sanitize } from "../catalog/paths.ts";
import { READ_FLAGS } from "../sync/digests.ts";

type Env = Record<string, string | undefined>;

/** Step 1: realpath of the directory to install into, in the form the file system stores (not NFC; see above). */
export async function resolveTarget(into: string): Promise<string> {
  let real: string;
  try {
    real = await realpath(into);
  } catch (error) {
    if ((error as { code?: string }).code === "ENOENT") throw new FolderNotFoundError(`The folder ${into} does not exist; create it or choose another with --into.`, { cause: error });
    throw fromFsError(error, `resolving ${into}`);
  }
  if (!(await stat(real)).isDirectory()) throw new FolderNotFoundError(`${into} is not a folder; choose a folder with --into.`);
  return real;
}

/**
 * Step 2: the absolute project folder for `target`, created 0700 if missing.
 * Long paths: the hash suffix differs between Claude Code builds, so an existing
 * folder with the same 200-character prefix whose sessions record this very cwd
 * is the one Claude Code on this machine uses.
 */
export async function projectFolder(target: string, env: Env): Promise<string> {
  const projects = join(claudeConfigDir(env), "projects");
  let name = projectFolderName(target, env);
  const prefix = sanitize(target).slice(0, MAX_FOLDER);
  if (name.length > MAX_FOLDER && name.startsWith(`${prefix}-`)) name = (await existingLongFolder(projects, prefix, target)) ?? name;
  const folder = join(projects, name);
  try {
    await mkdir(folder, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw fromFsError(error, `creating ${folder}`);
  }
  return folder;
}

async function existingLongFolder(projects: string, prefix: string, target: string): Promise<string | undefined> {
  let names: string[];
  try {
    names = await readdir(projects);
  } catch {
    return undefined;
  }
  for (const name of names.filter((n) => n.startsWith(`${prefix}-`)).sort()) {
    if ((await recordedCwd(join(projects, name)))?.normalize("NFC") === target.normalize("NFC")) return name;
  }
  return undefined;
}

const HEAD = 64 * 1024;

/** The first top-level `cwd` recorded by a session in `folder` (first 64 KB of up to 5 files, as Claude Code's lister reads heads). */
export async function recordedCwd(folder: string): Promise<string | undefined> {
  let names: string[];
  try {
    names = (await readdir(folder)).filter((n) => n.endsWith(".jsonl") && isSessionId(n.slice(0, -6)));
  } catch {
    return undefined;
  }
  for (const name of names.slice(0, 5)) {
    const head = await readHead(join(folder, name));
    for (const line of head.split("\n")) {
      try {
        const value = JSON.parse(line) as { cwd?: unknown };
        if (typeof value?.cwd === "string") return value.cwd;
      } catch {
        // a torn or partial line: try the next
      }
    }
  }
  return undefined;
}

async function readHead(path: string): Promise<string> {
  try {
    const handle = await open(path, READ_FLAGS);
    try {
      const buffer = new Uint8Array(HEAD);
      const { bytesRead } = await handle.read(buffer, 0, HEAD, 0);
      return new TextDecoder().decode(buffer.subarray(0, bytesRead));
    } finally {
      await handle.close();
    }
  } catch {
    return "";
  }
}
