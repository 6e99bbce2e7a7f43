// Which sessions on this machine came through ccshare: install() notes each
// one it places, one JSON line each, in ccshare's state dir
// ($XDG_STATE_HOME/ccshare/received.jsonl, else ~/.local/state/ccshare/). The
// viewer's catalog marks them "received". Not a cache (it cannot be rebuilt
// from the sessions), and not vital: a note that cannot be written is skipped.
import { appendFileSync, mkdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";

type Env = Record<string, string | undefined>;

export interface ReceivedNote {
  /** The id the session was installed under. */
  id: string;
  /** The project folder under projects/ it was placed in. */
  folder: string;
  /** ISO-8601: when it was installed. */
  at: string;
}

export function receivedLedgerPath(env: Env = process.env): string {
  const state = env.XDG_STATE_HOME || join(env.HOME || env.USERPROFILE || homedir(), ".local", "state");
  return join(state, "ccshare", "received.jsonl");
}

/** Appends a note for each installed session; never throws. */
export function noteReceived(notes: ReceivedNote[], env: Env = process.env): void {
  if (notes.length === 0) return;
  const path = receivedLedgerPath(env);
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    appendFileSync(path, notes.map((n) => `${JSON.stringify(n)}\n`).join(""), { mode: 0o600 });
  } catch {
    // Only the "received" mark is lost.
  }
}

/** The ids of every session install() has placed on this machine. */
export function receivedSessions(env: Env = process.env): Set<string> {
  const ids = new Set<string>();
  let text: string;
  try {
    text = readFileSync(receivedLedgerPath(env), "utf8");
  } catch {
    return ids;
  }
  for (const line of text.split("\n")) {
    try {
      const note = JSON.parse(line) as Partial<ReceivedNote>;
      if (typeof note.id === "string") ids.add(note.id);
    } catch {
      // A torn last line.
    }
  }
  return ids;
}
