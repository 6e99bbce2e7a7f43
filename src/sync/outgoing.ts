// The sharer's side of docs/PROTOCOL.md §8: given what a receiver says it has
// of each session it wants, what to send of each. A session it lacks goes
// whole; one it has in full, nothing; one it has the start of, only the rest of
// each file that grew and the files that are new; one both sides continued,
// whole again (the receiver installs it as a fork).
import { dirname } from "node:path";
import type { OfferedSession, SessionFile } from "../catalog/entry.ts";
import type { FileState, HeldSession, Lineage } from "../pack/records.ts";
import { PrefixHasher, type DigestCache } from "./digests.ts";
import { readLineage } from "./lineage.ts";
import { matchFile, sessionOutcome, type FileOutcome, type SessionOutcome, type SenderFile } from "./match.ts";

/** One file as it goes out: all of it from `from`; `update` and `whole` for the rest of a file the receiver has the start of. */
export interface OutgoingFile {
  file: SessionFile;
  from: number;
  update?: boolean;
  /** The sender's whole file, when only its rest is sent. */
  whole?: FileState;
  /** What the sender's own copy came from, if ccshare installed it. */
  lineage?: Lineage;
}

export interface OutgoingSession {
  id: string;
  files: OutgoingFile[];
  /** How it was decided; "new" when the receiver had none of it. */
  outcome: SessionOutcome | { kind: "new" };
}

/** What to send of each wanted session (in the order asked), given what the receiver holds. */
export async function outgoingSessions(offered: readonly OfferedSession[], wanted: readonly string[], held: readonly HeldSession[], digests: DigestCache): Promise<OutgoingSession[]> {
  const byId = new Map(offered.map((s) => [s.entry.id, s]));
  const heldById = new Map(held.map((h) => [h.id, h]));
  const out: OutgoingSession[] = [];
  for (const id of wanted) {
    const session = byId.get(id)!;
    const lineage = await readLineage(session.root ?? dirname(session.files[0]!.abs), id);
    const known = (file: SessionFile) => lineage.get(file.path);
    const has = heldById.get(id);
    if (!has) {
      out.push({ id, files: session.files.map((file) => ({ file, from: 0, lineage: known(file) })), outcome: { kind: "new" } });
      continue;
    }
    const heldFiles = new Map(has.files.map((f) => [f.path, f]));
    const outcomes = new Map<string, FileOutcome>();
    const hashers = new Map(session.files.map((file) => [file.path, new PrefixHasher(file.abs)]));
    for (const file of session.files) outcomes.set(file.path, await matchFile(heldFiles.get(file.path), senderFile(file, known(file), digests, hashers.get(file.path)!)));
    const outcome = sessionOutcome(outcomes);
    if (outcome.kind === "diverged") {
      out.push({ id, files: session.files.map((file) => ({ file, from: 0, lineage: known(file) })), outcome });
    } else if (outcome.kind === "up-to-date") {
      out.push({ id, files: [], outcome });
    } else {
      const files: OutgoingFile[] = [];
      for (const file of session.files) {
        const send = outcome.files.get(file.path);
        if (!send) continue;
        const whole = send.from > 0 ? await wholeState(file, digests, hashers.get(file.path)!) : undefined;
        files.push({ file, from: send.from, update: true, ...(whole ? { whole } : {}), lineage: known(file) });
      }
      out.push({ id, files, outcome });
    }
  }
  digests.save();
  return out;
}

/** The sender's file as matchFile sees it: its offered size, its lineage, its prefixes (read once, in order). */
function senderFile(file: SessionFile, lineage: Lineage | undefined, digests: DigestCache, hasher: PrefixHasher): SenderFile {
  const prefixes = new Map<number, Promise<Uint8Array | undefined>>();
  return {
    size: file.size,
    lineage,
    prefix: (n) => {
      let digest = prefixes.get(n);
      if (!digest) prefixes.set(n, (digest = n === file.size ? wholeState(file, digests, hasher).then((s) => s?.sha256) : hasher.digestAt(n)));
      return digest;
    },
  };
}

/** The offered file's state: remembered while the file is still the size it was offered at, else read (on from the last prefix). */
async function wholeState(file: SessionFile, digests: DigestCache, hasher: PrefixHasher): Promise<FileState | undefined> {
  const known = digests.known(file.abs);
  if (known && known.size === file.size) return { size: known.size, sha256: known.sha256 };
  const sha256 = await hasher.digestAt(file.size);
  if (sha256) digests.remember(file.abs, file.size, sha256);
  return sha256 && { size: file.size, sha256 };
}
