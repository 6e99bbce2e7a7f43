// Deciding what a receiver lacks of a session it already has (docs/PROTOCOL.md
// §8), file by file, from what each side knows: the receiver's file as it is
// and what ccshare installed it from (HeldFile), the sender's file and what
// its own copy came from (its lineage). The bytes on the two machines differ
// in their paths (each install moves the cwd), so "the same file" is decided
// by these records, never by comparing the two machines' bytes:
//
//   (a) the sender's first n bytes are the receiver's file as it is
//   (b) the sender's first n bytes are what the receiver's copy came from
//   (c) the sender's copy came from the receiver's file as it is
//   (d) both copies came from the same file
//
// Then the sender's bytes past n are what is new; the receiver must not have
// grown since (it would have diverged), unless the sender has nothing new.
import { Buffer } from "node:buffer";
import type { FileState, HeldFile, Lineage } from "../pack/records.ts";

/** What the sender knows of one of its files. */
export interface SenderFile {
  size: number;
  /** What the sender's own copy came from, if ccshare installed it. */
  lineage?: Lineage;
  /** SHA-256 of the sender's first `n` bytes; undefined if it cannot say. */
  prefix(n: number): Promise<Uint8Array | undefined>;
}

export type FileOutcome =
  | { kind: "same" }
  /** The receiver has all of it and more of its own. */
  | { kind: "behind" }
  /** The receiver has the sender's first `from` bytes: send the rest. */
  | { kind: "append"; from: number }
  | { kind: "new" }
  | { kind: "diverged" };

const same = (a: FileState | undefined, b: FileState | undefined) => a !== undefined && b !== undefined && a.size === b.size && Buffer.compare(a.sha256, b.sha256) === 0;

export async function matchFile(held: HeldFile | undefined, sender: SenderFile): Promise<FileOutcome> {
  if (!held) return { kind: "new" };
  const own: FileState = { size: held.size, sha256: held.sha256 };
  const prefixIs = async (state: FileState) => state.size <= sender.size && same(state, { size: state.size, sha256: (await sender.prefix(state.size)) ?? new Uint8Array(0) });
  // Each way the sender's first n bytes can be what the receiver has; `grown`: the receiver has more than that.
  // (a) last: it holds only where both machines spell the paths alike; the
  // others are what a hand-over leaves, and each costs a read of the sender's file.
  const candidates: { n: number; grown: boolean; holds: () => Promise<boolean> }[] = [];
  if (held.origin) candidates.push({ n: held.origin.size, grown: held.extended === true, holds: () => prefixIs(held.origin!) });
  const lineage = sender.lineage;
  if (lineage) {
    const installedStill = () => prefixIs(lineage.installed);
    if (same(lineage.origin, own)) candidates.push({ n: lineage.installed.size, grown: false, holds: installedStill });
    if (held.origin && same(lineage.origin, held.origin)) candidates.push({ n: lineage.installed.size, grown: held.extended === true, holds: installedStill });
  }
  candidates.push({ n: own.size, grown: false, holds: () => prefixIs(own) });
  // Those that compare the sender's whole file first: its digest is remembered, a shorter prefix must be read.
  candidates.sort((x, y) => Number(x.n !== sender.size) - Number(y.n !== sender.size));
  for (const c of candidates) {
    if (!(await c.holds())) continue;
    if (sender.size === c.n) return c.grown ? { kind: "behind" } : { kind: "same" };
    return c.grown ? { kind: "diverged" } : { kind: "append", from: c.n };
  }
  return { kind: "diverged" };
}

export type SessionOutcome =
  /** Nothing to send; `ahead` when the receiver's copy has more than the sender's. */
  | { kind: "up-to-date"; ahead: boolean }
  /** Send only these: the rest of each appended file, each new file whole. */
  | { kind: "update"; files: Map<string, { from: number }> }
  /** Both sides continued it: send it whole; the receiver installs it as a fork. */
  | { kind: "diverged" };

/** One session's outcome from its files' (by path; files only the receiver has do not count). */
export function sessionOutcome(files: ReadonlyMap<string, FileOutcome>): SessionOutcome {
  const outcomes = [...files.values()];
  const behind = outcomes.some((o) => o.kind === "behind");
  const grows = outcomes.some((o) => o.kind === "append" || o.kind === "new");
  if (outcomes.some((o) => o.kind === "diverged") || (behind && grows)) return { kind: "diverged" };
  if (!grows) return { kind: "up-to-date", ahead: behind };
  const send = new Map<string, { from: number }>();
  for (const [path, o] of files) {
    if (o.kind === "append") send.set(path, { from: o.from });
    else if (o.kind === "new") send.set(path, { from: 0 });
  }
  return { kind: "update", files: send };
}
