// Reading a session file in blocks that end at a line boundary, so that every
// line is whole in one buffer, held once, without pieces to join
// (SESSIONS-FORMAT.md "Lines": files reach 400 MB, lines several MB; the last
// line may lack a newline or be torn).
import type { FileHandle } from "node:fs/promises";

const BLOCK = 1 << 20;
/** A buffer grown past this for a long line goes back to BLOCK once the line is handed over. */
const KEEP = 4 * BLOCK;
const NEWLINE = 0x0a;

/**
 * The file from its current position to the end, as blocks of whole lines each
 * ending with "\n" (the last block may end without one). A block is a view of
 * a reused buffer: it is valid until the next block is asked for.
 *
 * Two buffers: while the caller works on a block, the next read already fills
 * the other one (after the start of a line the block left over), so that where
 * the runtime reads in the background (Node, Deno; Bun serves the page cache at
 * once) the read overlaps the scan. A buffer starts at 1 MiB and doubles while
 * a single line does not fit.
 */
export async function* lineBlocks(handle: FileHandle): AsyncGenerator<Uint8Array> {
  let current = takeBuffer();
  let next = takeBuffer();
  // current[0, have) holds read bytes not handed over yet.
  let have = 0;
  let reading = readInto(handle, current, 0);
  try {
    for (;;) {
      const got = await reading;
      if (got === 0) {
        if (have > 0) yield current.subarray(0, have);
        return;
      }
      const fresh = have;
      have += got;
      // Only the bytes just read can hold a newline: the ones kept from before had none.
      const last = current.subarray(fresh, have).lastIndexOf(NEWLINE);
      if (last < 0) {
        if (have === current.length) current = grown(current, have);
        reading = readInto(handle, current, have);
        continue;
      }
      const end = fresh + last + 1;
      const left = have - end;
      if (next.length - left < BLOCK / 2) next = new Uint8Array(left + BLOCK);
      next.set(current.subarray(end, have));
      reading = readInto(handle, next, left);
      reading.catch(() => {}); // surfaced when awaited
      yield current.subarray(0, end);
      // After a very long line, drop its buffer instead of keeping its size for the rest of the file.
      [current, next] = [next, current.length > KEEP ? takeBuffer() : current];
      have = left;
    }
  } finally {
    // A read may still be filling a buffer: let it finish before the buffer is reused.
    await reading.catch(() => 0);
    giveBack(current);
    giveBack(next);
  }
}

async function readInto(handle: FileHandle, buffer: Uint8Array, at: number): Promise<number> {
  return (await handle.read(buffer, at, buffer.length - at, null)).bytesRead;
}

function grown(buffer: Uint8Array, have: number): Uint8Array {
  const bigger = new Uint8Array(buffer.length * 2);
  bigger.set(buffer.subarray(0, have));
  giveBack(buffer);
  return bigger;
}

// Buffers of finished reads and writes, reused: fresh pages cost a fault each on
// first touch, which made a cold install ~30% slower than a warm one.
const pool: Uint8Array[] = [];

export function takeBuffer(): Uint8Array {
  return pool.pop() ?? new Uint8Array(BLOCK);
}

/** Returns a buffer taken with takeBuffer() (others are left to the GC). Its owner must not use it afterwards. */
export function giveBack(buffer: Uint8Array): void {
  if (buffer.length === BLOCK && pool.length < 4 && !pool.includes(buffer)) pool.push(buffer);
}
