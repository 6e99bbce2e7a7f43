// How one arriving session is installed, decided when its first file arrives
// and before any of its bytes are written (SESSIONS-FORMAT.md "Resume, and
// what an install must do", steps 3-4): the id it keeps or takes, and the line
// edits each of its JSONL files gets on the way to disk.
//
// An id already in the project folder is never overwritten. The session then
// arrives under a fresh id (its file names and every line's top-level
// sessionId) and, once complete, is compared with the one there: the same
// bytes as that transcript after the cwd edits means it is already installed,
// and it is dropped; anything else stays a session of its own.
import { Buffer } from "node:buffer";
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { concat } from "../bytes/concat.ts";
import type { ByteEditor } from "../pack/incoming_file.ts";
import { StreamHash } from "../pack/sha256.ts";
import { cwdRewrite } from "./cwd_rewrite.ts";
import { exists } from "./exists.ts";
import { fileDigest } from "./file_digest.ts";
import { lineEditor, type LineEdit } from "./line_edit.ts";
import { LineEditStream } from "./line_stream.ts";

export interface PlanContext {
  /** The project folder sessions are placed in. */
  folder: string;
  /** The receiver's directory (`--into`, realpath). */
  target: string;
  /** Ids this installation has given out, so that two arriving sessions never share one. */
  claimed: Set<string>;
}

export interface SessionPlan {
  id: string;
  /** The id it is installed under: `id`, unless that is taken in the project folder. */
  finalId: string;
  /** The editor for one file of the session, or undefined to write it as sent. */
  editorFor(path: string): ByteEditor | undefined;
  /** Once all its files arrived: whether it is the very session already installed under `id`. */
  alreadyInstalled(): Promise<boolean>;
}

/** An id is taken if its transcript or its `<id>/` folder is in the project folder, or this installation gave it out. */
async function isTaken(id: string, ctx: PlanContext): Promise<boolean> {
  return ctx.claimed.has(id) || (await exists(join(ctx.folder, `${id}.jsonl`))) || (await exists(join(ctx.folder, id)));
}

/** `project` is the cwd the sharer's catalog records for the session: the root its cwds move from. */
export async function planSession(id: string, project: string, ctx: PlanContext): Promise<SessionPlan> {
  const cwd = cwdRewrite(project, ctx.target);
  const jsonl = (path: string) => path.endsWith(".jsonl");
  if (!(await isTaken(id, ctx))) {
    ctx.claimed.add(id);
    return { id, finalId: id, editorFor: (path) => (jsonl(path) ? lines({ cwd }) : undefined), alreadyInstalled: async () => false };
  }
  let finalId: string;
  do finalId = randomUUID();
  while (await isTaken(finalId, ctx));
  ctx.claimed.add(finalId);
  // Hashed while the session arrives, so the comparison at the end reads nothing twice.
  const there = fileDigest(join(ctx.folder, `${id}.jsonl`));
  const arriving = new Digest();
  const keepCwd = () => undefined;
  return {
    id,
    finalId,
    editorFor: (path) => {
      if (!jsonl(path)) return undefined;
      const renamed = lines({ cwd: keepCwd, sessionId: { from: id, to: finalId } });
      return path === `${id}.jsonl` ? new Chain([lines({ cwd }), arriving, renamed]) : new Chain([lines({ cwd }), renamed]);
    },
    alreadyInstalled: async () => {
      const [a, b] = await Promise.all([arriving.digest(), there]);
      return a !== undefined && b !== undefined && Buffer.compare(a, b) === 0;
    },
  };
}

function lines(edit: LineEdit): LineEditStream {
  return new LineEditStream(lineEditor(edit));
}

/** Passes bytes through unchanged and hashes them: the transcript as it would be under its own id. */
class Digest implements ByteEditor {
  private readonly hash = new StreamHash();
  private done: Uint8Array | undefined;

  push(chunk: Uint8Array): Uint8Array {
    this.hash.update(chunk);
    return chunk;
  }

  end(): Uint8Array {
    return EMPTY;
  }

  release(): void {}

  async digest(): Promise<Uint8Array | undefined> {
    return (this.done ??= await this.hash.digest());
  }
}

const EMPTY = new Uint8Array(0);

/** Editors one after another: each takes what the one before it gives. */
class Chain implements ByteEditor {
  constructor(private readonly steps: ByteEditor[]) {}

  push(chunk: Uint8Array): Uint8Array {
    let bytes = chunk;
    for (const step of this.steps) bytes = step.push(bytes);
    return bytes;
  }

  /** What each step still held, passed through the steps after it. */
  end(): Uint8Array {
    let carried: Uint8Array = EMPTY;
    for (const step of this.steps) {
      const pushed = carried.length > 0 ? step.push(carried) : EMPTY;
      const ended = step.end();
      carried = concat(pushed, ended);
    }
    return carried;
  }

  release(): void {
    for (const step of this.steps) step.release();
  }
}
