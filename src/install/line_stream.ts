// The one place a session's lines are edited (SESSIONS-FORMAT.md install steps
// 3-4): a file's bytes as they arrive in chunks, between the Unpacker and the
// disk (install/session_plan.ts wires it in), so that a received session is
// written once, already rewritten, and never read back. A line cut by a
// chunk's end is held until it is whole.
import type { ByteEditor } from "../pack/incoming_file.ts";
import type { Splice } from "./line_edit.ts";

/** The edits of one line (without its "\n"), in order, or undefined to keep it as is. */
export type LineFilter = (line: Uint8Array) => Splice[] | undefined;

const NEWLINE = 0x0a;
const EMPTY = new Uint8Array(0);

/**
 * Appends `block` (whole lines; the last may lack its "\n" only at the end of
 * a file) to `pieces`: runs of unchanged lines as views of the block, an edited
 * line as its kept parts and the new values. Line terminators are kept.
 */
function editLines(block: Uint8Array, filter: LineFilter, pieces: Uint8Array[]): void {
  // block[kept, ...) is not handed over yet.
  let kept = 0;
  for (let start = 0; start < block.length; ) {
    const newline = block.indexOf(NEWLINE, start);
    const end = newline < 0 ? block.length : newline;
    // A last line without a newline (or torn) is offered too; the filter leaves anything that does not parse alone.
    const splices = filter(block.subarray(start, end));
    for (const splice of splices ?? []) {
      pieces.push(block.subarray(kept, start + splice.start), splice.bytes);
      kept = start + splice.end;
    }
    start = end + 1;
  }
  pieces.push(block.subarray(kept));
}

const BLOCK = 1 << 20;
// Buffers of finished files, reused: fresh pages cost a fault each on first
// touch, which made a cold install ~30% slower than a warm one.
const pool: Uint8Array[] = [];

function takeBuffer(): Uint8Array {
  return pool.pop() ?? new Uint8Array(BLOCK);
}

/** Returns a buffer taken with takeBuffer() (others are left to the GC). Its owner must not use it afterwards. */
function giveBack(buffer: Uint8Array): void {
  if (buffer.length === BLOCK && pool.length < 4 && !pool.includes(buffer)) pool.push(buffer);
}

/** Bytes gathered into one growable buffer (taken from the pool). */
class Gathered {
  private buffer = takeBuffer();
  private used = 0;

  add(piece: Uint8Array): void {
    if (piece.length > this.buffer.length - this.used) this.grow(this.used + piece.length);
    this.buffer.set(piece, this.used);
    this.used += piece.length;
  }

  /** Adds the pieces in order and empties the list. */
  addAll(pieces: Uint8Array[]): void {
    for (const piece of pieces) this.add(piece);
    pieces.length = 0;
  }

  get size(): number {
    return this.used;
  }

  /** What was gathered since the last take(), as a view of the buffer. */
  take(): Uint8Array {
    const view = this.buffer.subarray(0, this.used);
    this.used = 0;
    return view;
  }

  /** Hands the buffer back to the pool; safe to call twice. */
  release(): void {
    giveBack(this.buffer);
    this.buffer = EMPTY;
    this.used = 0;
  }

  private grow(needed: number): void {
    let size = Math.max(this.buffer.length * 2, 1 << 16);
    while (size < needed) size *= 2;
    const bigger = new Uint8Array(size);
    bigger.set(this.buffer.subarray(0, this.used));
    giveBack(this.buffer);
    this.buffer = bigger;
  }
}

/**
 * One file's lines edited as its bytes arrive in chunks of any size. A line cut
 * by a chunk's end is held until the rest arrives, so the filter always sees it
 * whole. The output is gathered into one of two
 * buffers used in turn: the bytes of one push may still be on their way to disk
 * while the next chunk is edited into the other.
 */
export class LineEditStream implements ByteEditor {
  /** The start of a line whose "\n" has not arrived yet. */
  private readonly held = new Gathered();
  private readonly outputs = [new Gathered(), new Gathered()];
  private turn = 0;
  private readonly pieces: Uint8Array[] = [];

  constructor(private readonly filter: LineFilter) {}

  /**
   * The edited bytes of the lines `chunk` completes. A view that stays valid
   * until push() or end() has been called twice more; `chunk` may be reused as
   * soon as this returns.
   */
  push(chunk: Uint8Array): Uint8Array {
    const out = this.output();
    let start = 0;
    if (this.held.size > 0) {
      const newline = chunk.indexOf(NEWLINE);
      if (newline < 0) {
        this.held.add(chunk);
        return out.take();
      }
      this.held.add(chunk.subarray(0, newline + 1));
      editLines(this.held.take(), this.filter, this.pieces);
      out.addAll(this.pieces);
      start = newline + 1;
    }
    const last = chunk.lastIndexOf(NEWLINE);
    if (last >= start) {
      editLines(chunk.subarray(start, last + 1), this.filter, this.pieces);
      out.addAll(this.pieces);
      start = last + 1;
    }
    if (start < chunk.length) this.held.add(chunk.subarray(start));
    return out.take();
  }

  /** Once the file is complete: its last line if it lacks a "\n" (torn or not), edited. Same validity as push(). */
  end(): Uint8Array {
    const out = this.output();
    if (this.held.size > 0) {
      editLines(this.held.take(), this.filter, this.pieces);
      out.addAll(this.pieces);
    }
    return out.take();
  }

  /** Hands the buffers back; no view given out may be used afterwards. */
  release(): void {
    this.held.release();
    for (const out of this.outputs) out.release();
  }

  private output(): Gathered {
    this.turn ^= 1;
    return this.outputs[this.turn]!;
  }
}
