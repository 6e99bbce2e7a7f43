// Driving `ccshare share` and `ccshare receive` (the compiled binary) inside an
// isolated network namespace, where real mDNS runs and nothing reaches the LAN.
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, realpathSync, writeSync } from "node:fs";
import { join, relative } from "node:path";
import { codeText, Transcript, uuidFrom } from "../fixtures/lines.ts";
import { isolatedEnv, lines, requireBinary, start } from "../support/bin.ts";
import type { Netns } from "../support/netns.ts";
import { tempDir } from "../support/cleanup.ts";

export interface Person {
  env: Record<string, string>;
  home: string;
  configDir: string;
  /** The project directory a receiver installs into. */
  project: string;
}

export function person(): Person {
  const { env, home, configDir } = isolatedEnv();
  const project = realpathSync(tempDir("ccshare-e2e-project-"));
  return { env, home, configDir, project };
}

export interface JsonProcess {
  proc: Bun.Subprocess<"ignore" | "pipe", "pipe", "pipe">;
  /** Resolves with the first event matching `pred` (rejects if the process exits first). */
  next(pred: (e: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  events: Record<string, unknown>[];
  stderr: Promise<string>;
  exited: Promise<number>;
}

/**
 * Start the binary with --json (inside `ns`, or on the host when `ns` is
 * undefined — only for relay-only runs that never touch mDNS) and follow its
 * JSON-lines events.
 */
export function startJson(ns: Netns | undefined, args: string[], who: Person, o: { cwd?: string; command?: string[] } = {}): JsonProcess {
  const cmd = [...(o.command ?? [requireBinary()]), ...args, "--json"];
  const spawnOptions = { env: who.env, cwd: o.cwd ?? who.project };
  const proc = ns ? ns.exec(cmd, spawnOptions) : start(cmd, spawnOptions);
  const events: Record<string, unknown>[] = [];
  const waiters: { pred: (e: Record<string, unknown>) => boolean; resolve: (e: Record<string, unknown>) => void }[] = [];
  let ended = false;
  const stderr = new Response(proc.stderr).text();
  const pump = (async () => {
    for await (const line of lines(proc.stdout)) {
      let event: Record<string, unknown>;
      try {
        event = JSON.parse(line);
      } catch {
        continue;
      }
      events.push(event);
      for (const w of waiters.splice(0)) (w.pred(event) ? w.resolve(event) : waiters.push(w));
    }
    ended = true;
  })();
  const exited = pump.then(() => proc.exited);
  return {
    proc,
    events,
    stderr,
    exited,
    next(pred) {
      const seen = events.find(pred);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.push({ pred, resolve });
        void exited.then(async (code) => {
          if (!events.some(pred)) reject(new Error(`exited ${code} before the event; stderr: ${await stderr}${ended ? "" : ""}`));
        });
      });
    },
  };
}

/** One big 2.1 session (about `megabytes` MB), so that a transfer is still running when a test kills a side. */
export function writeBigSession(configDir: string, cwd: string, megabytes: number): string {
  const id = uuidFrom(`big-session:${megabytes}`);
  const folder = cwd.replace(/[^A-Za-z0-9]/g, "-");
  const dir = join(configDir, "projects", folder);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const fd = openSync(join(dir, `${id}.jsonl`), "w", 0o600);
  const t = new Transcript({ era: "2.1", sessionId: id, cwd, branch: "main", start: new Date("2026-07-01T00:00:00Z"), seed: "big" });
  // Varied text so that zstd cannot shrink it to nothing.
  const blob = codeText(2_000_000, 7);
  let written = 0;
  for (let turn = 0; written < megabytes * 1024 * 1024; turn++) {
    t.prompt(`Big prompt ${turn}`);
    t.tool("Read", { file_path: `${cwd}/src/f${turn}.ts` }, blob.slice((turn * 7919) % 1_000_000, ((turn * 7919) % 1_000_000) + 200_000));
    t.reply(`Big answer ${turn}`);
    written += writeSync(fd, t.text());
    t.lines.length = 0;
  }
  closeSync(fd);
  return id;
}

/** Every file under the receiver's projects/ folder, relative to it (nothing else may appear on failure). */
export function installedFiles(configDir: string): string[] {
  const root = join(configDir, "projects");
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)))
    .sort();
}

/** A line with its top-level cwd fields removed, for "equal apart from the cwd rewrite". */
export function withoutCwd(line: string): unknown {
  try {
    const value = JSON.parse(line);
    if (value && typeof value === "object" && !Array.isArray(value)) {
      delete value.cwd;
      delete value.relocatedCwd;
      return value;
    }
    return line;
  } catch {
    return line;
  }
}

export function fileLines(path: string): string[] {
  return readFileSync(path, "latin1").split("\n");
}
