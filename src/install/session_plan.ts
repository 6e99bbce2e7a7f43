// How one arriving session is installed, decided when its first file arrives
// and before any of its bytes are written (SESSIONS-FORMAT.md "Resume, and
// what an install must do", steps 3-4; docs/PROTOCOL.md §8): the id it keeps or
// takes, and the line edits each of its JSONL files gets on the way to disk.
//
//   new    the id is free here: installed under it
//   update the sharer sends the rest of a session this machine has: each file
//          that grew is continued in place, new files are added (prepare.ts)
//   fork   the id is taken by a different session: it arrives under a fresh id
//          (file names, every line's top-level sessionId, paths to its files);
//          the transcript as it would be under its own id is hashed on the way,
//          so that one identical to the session there is dropped instead
//
// Every plan hashes each JSONL file as it is written, for the lineage the
// commit records (sync/lineage.ts).
import { Buffer } from "node:buffer";
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import type { ByteEditor } from "../pack/incoming_file.ts";
import { fileDigest } from "../sync/digests.ts";
import type { Held } from "../sync/held.ts";
import { cwdRewrite } from "./cwd_rewrite.ts";
import { Chain, Digest } from "./editors.ts";
import { exists } from "./place.ts";
import { lineEditor, type LineEdit, type PathMove } from "./line_edit.ts";
import { LineEditStream } from "./line_stream.ts";

export interface PlanContext {
  /** The project folder sessions are placed in. */
  folder: string;
  /** The receiver's directory (`--into`, realpath). */
  target: string;
  /** Ids this installation has given out, so that two arriving sessions never share one. */
  claimed: Set<string>;
}

/** What the sharer's catalog says of an arriving session. */
export interface Arriving {
  id: string;
  /** The cwd it records: the root its cwds move from. */
  project: string;
  /** The sharer's project folder, if it said. */
  root?: string;
  /** Its title in the sharer's catalog (a fork's title says whose fork it is). */
  title?: string;
  /** What this machine has of it, when the sharer sends it as an update. */
  update?: Held;
}

export interface SessionPlan {
  kind: "new" | "update" | "fork";
  id: string;
  title?: string;
  /** The id it is installed under. */
  finalId: string;
  held?: Held;
  /** The editor for one file of the session, or undefined to write it as sent. */
  editorFor(path: string): ByteEditor | undefined;
  /** SHA-256 of a JSONL file as it was written (edited), once it is complete. */
  writtenDigest(path: string): Promise<Uint8Array | undefined>;
  /** Once all its files arrived: whether it is the very session already installed under `id` (only a fork can be). */
  alreadyInstalled(): Promise<boolean>;
}

/** An id is taken if its transcript or its `<id>/` folder is in the project folder, or this installation gave it out. */
async function isTaken(id: string, ctx: PlanContext): Promise<boolean> {
  return ctx.claimed.has(id) || (await exists(join(ctx.folder, `${id}.jsonl`))) || (await exists(join(ctx.folder, id)));
}

/** `text` as it is spelled inside a JSON string. */
const inJson = (text: string) => JSON.stringify(text).slice(1, -1);

/** A folder of one machine, spelled as inside a JSON string, with its separator after it. */
function folderInJson(path: string): string {
  const separator = /^[A-Za-z]:\\|^\\\\/.test(path) ? "\\" : "/";
  return inJson(path.endsWith(separator) ? path : path + separator);
}

export async function planSession(arriving: Arriving, ctx: PlanContext): Promise<SessionPlan> {
  const { id } = arriving;
  const cwd = cwdRewrite(arriving.project, ctx.target);
  const moved: PathMove[] = arriving.root ? [{ from: folderInJson(arriving.root), to: folderInJson(ctx.folder) }] : [];
  const written = new Map<string, Digest>();
  const writing = (path: string, steps: ByteEditor[]): ByteEditor => {
    const digest = new Digest();
    written.set(path, digest);
    return new Chain([...steps, digest]);
  };
  const base = { id, title: arriving.title, writtenDigest: async (path: string) => written.get(path)?.digest() };
  const jsonl = (path: string) => path.endsWith(".jsonl");

  if (arriving.update) {
    ctx.claimed.add(id);
    return { ...base, kind: "update", finalId: id, held: arriving.update, editorFor: (path) => (jsonl(path) ? writing(path, [lines({ cwd, paths: moved })]) : undefined), alreadyInstalled: async () => false };
  }
  if (!(await isTaken(id, ctx))) {
    ctx.claimed.add(id);
    return { ...base, kind: "new", finalId: id, editorFor: (path) => (jsonl(path) ? writing(path, [lines({ cwd, paths: moved })]) : undefined), alreadyInstalled: async () => false };
  }
  let finalId: string;
  do finalId = randomUUID();
  while (await isTaken(finalId, ctx));
  ctx.claimed.add(finalId);
  // Hashed while the session arrives, so the comparison at the end reads nothing twice.
  const there = fileDigest(join(ctx.folder, `${id}.jsonl`));
  const asItself = new Digest();
  const renamed = { cwd: () => undefined, sessionId: { from: id, to: finalId }, paths: [{ from: inJson(join(ctx.folder, id)), to: inJson(join(ctx.folder, finalId)) }] };
  return {
    ...base,
    kind: "fork",
    finalId,
    editorFor: (path) => {
      if (!jsonl(path)) return undefined;
      const asSent = lines({ cwd, paths: moved });
      return writing(path, path === `${id}.jsonl` ? [asSent, asItself, lines(renamed)] : [asSent, lines(renamed)]);
    },
    alreadyInstalled: async () => {
      const [a, b] = await Promise.all([asItself.digest(), there]);
      return a !== undefined && b !== undefined && Buffer.compare(a, b) === 0;
    },
  };
}

function lines(edit: LineEdit): LineEditStream {
  return new LineEditStream(lineEditor(edit));
}
