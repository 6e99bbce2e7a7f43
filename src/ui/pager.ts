// Long output on a terminal goes through a pager, as git does: $PAGER, else
// `less -R` (colours pass through) with LESS=FRX when unset, so that output
// shorter than a screen prints and returns. PAGER=cat or an empty PAGER: none. No terminal, no pager; no pager
// installed, straight to stdout.
import { spawn, type ChildProcess } from "node:child_process";
import type { Writable } from "node:stream";

export interface Paging {
  /** Where to write: the pager's input, or stdout. */
  stream: Writable;
  /** Call after the last write: waits for the reader to quit. */
  done(): Promise<void>;
}

function started(child: ChildProcess): Promise<boolean> {
  return new Promise((resolve) => {
    child.once("spawn", () => resolve(true));
    child.once("error", () => resolve(false));
  });
}

/** A pager for stdout when it is a terminal and a pager can be started. */
export async function startPager(env: Record<string, string | undefined> = process.env): Promise<Paging> {
  const direct: Paging = { stream: process.stdout, done: async () => undefined };
  const configured = env.PAGER?.trim();
  if (!process.stdout.isTTY || configured === "" || configured === "cat") return direct;
  // What we write is UTF-8 whatever the locale says; less would show a bare locale's bytes as <C2><B7>.
  const pagerEnv = { ...env, LESS: env.LESS ?? "FRX", LESSCHARSET: env.LESSCHARSET ?? "utf-8" };
  // $PAGER may carry arguments ("less -S"): a shell reads it, as git does.
  const child = configured
    ? spawn(configured, { shell: true, stdio: ["pipe", "inherit", "inherit"], env: pagerEnv })
    : spawn("less", ["-R"], { stdio: ["pipe", "inherit", "inherit"], env: pagerEnv });
  if (!(await started(child))) return direct;
  // Ctrl-C reaches the pager and us alike: the pager decides; we stop when it closes.
  const ignore = () => undefined;
  process.on("SIGINT", ignore);
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  return {
    stream: child.stdin!,
    done: async () => {
      await exited;
      process.off("SIGINT", ignore);
    },
  };
}
