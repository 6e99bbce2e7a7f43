// SHA-256 of a file as it streams through (PROTOCOL.md §4: `end` carries the
// digest of the uncompressed file; the sharer computes it, the receiver checks
// it), on a second core. Hashing (SHA-NI, ~1.5 GB/s) was ~75% of the main
// thread's work in bench/transfer.bench.ts, so large files are hashed by a
// helper thread and the main thread only copies each chunk into shared memory.
//
// One Worker per process, built from source text (a Blob URL: no extra entry
// point for `bun build --compile`, the same under Deno). Main and helper share
// a ring of 1 MiB slots in a SharedArrayBuffer and wait on each other with
// Atomics.wait: waiting for worker messages cost Bun's main thread ~1 ms of
// CPU per wake-up, more than hashing the chunk. update() is synchronous and
// blocks only when the ring is full (a few ms of hashing); digest() resolves
// by message, so the event loop runs on meanwhile. A stream opened while the
// helper is already behind is hashed here instead, which keeps both cores
// busy when one process sends and receives (the bench: 370 -> ~520 MB/s median
// with a core free, about even when another process holds one). Small files,
// and runtimes where the helper does not start, are hashed here too.
import { createHash, type Hash } from "node:crypto";

/** Below this a file is hashed on the calling thread: a round trip costs more. */
export const OFF_THREAD_MIN_BYTES = 512 * 1024;
const SLOT_BYTES = 1024 * 1024;
const SLOTS = 8;
/** An idle helper is told to exit after this long (Deno waits for live workers before exiting). */
const IDLE_MS = 250;
/** Waits are cut in steps this long to notice a helper that failed. */
const WAIT_STEP_MS = 100;
const START_TIMEOUT_MS = 2_000;

// Shared layout, in Int32 words: STATE, WAKE, then per slot STATUS, OP, STREAM, LENGTH.
const STATE = 0;
const WAKE = 1;
const FIELDS = 4;
const status = (slot: number) => 2 + slot * FIELDS;
const DATA_OFFSET = 64 * Math.ceil(((2 + SLOTS * FIELDS) * 4) / 64);
// The numbers the worker source below uses as literals.
const STARTING = 0;
const RUNNING = 1;
const FREE = 0;
const QUEUED = 1;
const RESULT = 2;
const UPDATE = 1;
const DIGEST = 2;
const DROP = 3;
const EXIT = 4;

const WORKER_SOURCE = `
// ctl[0]: state (1 running, 2 failed, 3 exited); ctl[1]: wake counter; per slot:
// status (0 free, 1 queued, 2 digest ready), op (1 update, 2 digest, 3 drop, 4 exit), stream, length.
import { createHash } from "node:crypto";
self.onmessage = ({ data: { buffer, slots, fields, dataOffset, slotBytes } }) => {
  const ctl = new Int32Array(buffer, 0, 2 + slots * fields);
  const bytes = new Uint8Array(buffer);
  const hashes = new Map();
  let tail = 0;
  try {
    Atomics.store(ctl, 0, 1);
    Atomics.notify(ctl, 0);
    for (;;) {
      const slot = tail % slots, at = 2 + slot * fields, data = dataOffset + slot * slotBytes;
      if (Atomics.load(ctl, at) !== 1) {
        const seen = Atomics.load(ctl, 1);
        if (Atomics.load(ctl, at) !== 1) Atomics.wait(ctl, 1, seen);
        continue;
      }
      const op = ctl[at + 1], id = ctl[at + 2], length = ctl[at + 3];
      let next = 0;
      if (op === 1) {
        let hash = hashes.get(id);
        if (!hash) hashes.set(id, (hash = createHash("sha256")));
        hash.update(bytes.subarray(data, data + length));
      } else if (op === 2) {
        bytes.set((hashes.get(id) ?? createHash("sha256")).digest(), data);
        hashes.delete(id);
        next = 2;
      } else hashes.delete(id);
      Atomics.store(ctl, at, next);
      Atomics.notify(ctl, at);
      if (next === 2) self.postMessage(slot);
      tail++;
      if (op === 4) break;
    }
    Atomics.store(ctl, 0, 3);
  } catch {
    Atomics.store(ctl, 0, 2);
  }
  Atomics.notify(ctl, 0);
  for (let slot = 0; slot < slots; slot++) Atomics.notify(ctl, 2 + slot * fields);
  self.postMessage(-1);
  self.close();
};
`;

class HashThread {
  private readonly ctl: Int32Array;
  private readonly bytes: Uint8Array;
  private readonly worker: Worker;
  private readonly url: string;
  private head = 0;
  private nextId = 1;
  /** Digests queued and not yet read, by slot. */
  private readonly pending = new Map<number, { resolve: (digest: Uint8Array) => void; reject: (error: Error) => void }>();
  private users = 0;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly onExit: (thread: HashThread) => void) {
    const buffer = new SharedArrayBuffer(DATA_OFFSET + SLOTS * SLOT_BYTES);
    this.ctl = new Int32Array(buffer, 0, 2 + SLOTS * FIELDS);
    this.bytes = new Uint8Array(buffer);
    this.url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: "text/javascript" }));
    this.worker = new Worker(this.url, { type: "module" });
    // Bun: this thread never keeps the process alive. Deno has no unref: the idle exit covers it.
    (this.worker as { unref?: () => void }).unref?.();
    // A digest is announced by a message, so that awaiting it lets the event loop run on.
    this.worker.onmessage = ({ data: slot }: MessageEvent<number>) => (slot >= 0 ? this.harvest(slot) : this.failPending());
    this.worker.postMessage({ buffer, slots: SLOTS, fields: FIELDS, dataOffset: DATA_OFFSET, slotBytes: SLOT_BYTES });
  }

  /** Blocks until the helper runs; false (and the helper ended) if it did not start in time. */
  started(): boolean {
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Atomics.load(this.ctl, STATE) === STARTING && Date.now() < deadline) Atomics.wait(this.ctl, STATE, STARTING, WAIT_STEP_MS);
    // The source is loaded by now, or will never be.
    URL.revokeObjectURL(this.url);
    if (Atomics.load(this.ctl, STATE) === RUNNING) return true;
    this.worker.terminate();
    return false;
  }

  /** Slots holding chunks not yet hashed: how far the helper is behind. */
  backlog(): number {
    let queued = 0;
    for (let slot = 0; slot < SLOTS; slot++) if (Atomics.load(this.ctl, status(slot)) === QUEUED) queued++;
    return queued;
  }

  open(): number {
    this.users++;
    clearTimeout(this.idleTimer);
    return this.nextId++;
  }

  close(): void {
    if (--this.users > 0) return;
    this.idleTimer = setTimeout(() => {
      if (this.users > 0) return;
      this.onExit(this);
      if (Atomics.load(this.ctl, STATE) === RUNNING) this.enqueue(EXIT, 0);
    }, IDLE_MS);
    (this.idleTimer as { unref?: () => void }).unref?.();
  }

  update(id: number, chunk: Uint8Array): void {
    for (let at = 0; at < chunk.length; at += SLOT_BYTES) this.enqueue(UPDATE, id, chunk.subarray(at, at + SLOT_BYTES));
  }

  /** Resolves once every chunk queued for the stream is hashed; main goes on meanwhile. */
  digest(id: number): Promise<Uint8Array> {
    const slot = this.enqueue(DIGEST, id);
    const result = new Promise<Uint8Array>((resolve, reject) => this.pending.set(slot, { resolve, reject }));
    if (Atomics.load(this.ctl, status(slot)) === RESULT) this.harvest(slot);
    return result;
  }

  /** Reads a digest out of its slot and frees the slot (on its message, or earlier if the ring comes round to it). */
  private harvest(slot: number): void {
    const waiter = this.pending.get(slot);
    if (!waiter || Atomics.load(this.ctl, status(slot)) !== RESULT) return;
    this.pending.delete(slot);
    const data = DATA_OFFSET + slot * SLOT_BYTES;
    const digest = this.bytes.slice(data, data + 32);
    Atomics.store(this.ctl, status(slot), FREE);
    waiter.resolve(digest);
  }

  private failPending(): void {
    if (Atomics.load(this.ctl, STATE) === RUNNING) return;
    for (const slot of [...this.pending.keys()]) this.harvest(slot);
    const error = new Error("The hashing thread stopped; the transfer was stopped. Try again.");
    for (const { reject } of this.pending.values()) reject(error);
    this.pending.clear();
    this.onExit(this);
  }

  drop(id: number): void {
    this.enqueue(DROP, id);
  }

  /** Queues one operation in the next slot (in order), waiting for the slot to be free. */
  private enqueue(op: number, id: number, chunk?: Uint8Array): number {
    const slot = this.head % SLOTS;
    // A full ring: wait for half of it at once (slots finish in order), not
    // for each slot, since every wake-up costs both threads a context switch.
    if (Atomics.load(this.ctl, status(slot)) === QUEUED) this.waitWhile((slot + SLOTS / 2 - 1) % SLOTS, QUEUED);
    this.waitWhile(slot, QUEUED);
    this.harvest(slot);
    if (chunk) this.bytes.set(chunk, DATA_OFFSET + slot * SLOT_BYTES);
    const at = status(slot);
    this.ctl[at + 1] = op;
    this.ctl[at + 2] = id;
    this.ctl[at + 3] = chunk?.length ?? 0;
    Atomics.store(this.ctl, at, QUEUED);
    this.head++;
    Atomics.add(this.ctl, WAKE, 1);
    Atomics.notify(this.ctl, WAKE);
    return slot;
  }

  private waitWhile(slot: number, value: number): void {
    while (Atomics.load(this.ctl, status(slot)) === value) {
      if (Atomics.load(this.ctl, STATE) !== RUNNING) {
        this.onExit(this);
        throw new Error("The hashing thread stopped; the transfer was stopped. Try again.");
      }
      Atomics.wait(this.ctl, status(slot), value, WAIT_STEP_MS);
    }
  }
}

let shared: HashThread | undefined;
let unavailable = false;

/** The helper, started (and waited for) on first use; undefined where it cannot run. */
function helper(): HashThread | undefined {
  if (shared || unavailable) return shared;
  try {
    const thread = new HashThread((ended) => {
      if (shared === ended) shared = undefined;
    });
    if (thread.started()) shared = thread;
    else unavailable = true;
  } catch {
    unavailable = true; // no Worker, Blob URL, SharedArrayBuffer or Atomics.wait here
  }
  return shared;
}

/** SHA-256 of one file's bytes, in order; off this thread when the file is large. */
export class StreamHash {
  private readonly local: Hash | undefined;
  private readonly thread: HashThread | undefined;
  private readonly id: number = 0;
  private open = true;

  /** `expectedBytes`: the file's size, which decides where it is hashed. */
  constructor(expectedBytes: number, o: { local?: boolean } = {}) {
    const thread = o.local || expectedBytes < OFF_THREAD_MIN_BYTES ? undefined : helper();
    // A helper already behind (another transfer, or the other side in one process) would make this
    // stream wait for it: hashing here then keeps both cores busy instead of one.
    this.thread = thread && thread.backlog() < SLOTS / 2 ? thread : undefined;
    if (this.thread) this.id = this.thread.open();
    else this.local = createHash("sha256");
  }

  /** Whether this stream is hashed by the helper thread (for tests and benches). */
  get offThread(): boolean {
    return this.thread !== undefined;
  }

  /** Adds `chunk`; the caller may reuse it as soon as this returns. */
  update(chunk: Uint8Array): void {
    if (this.local) this.local.update(chunk);
    else this.thread!.update(this.id, chunk);
  }

  async digest(): Promise<Uint8Array> {
    if (this.local) return new Uint8Array(this.local.digest());
    try {
      return await this.thread!.digest(this.id);
    } finally {
      this.release();
    }
  }

  /** Abandons the stream (the file was cut short); safe after digest(). */
  dispose(): void {
    if (this.thread && this.open) {
      try {
        this.thread.drop(this.id);
      } catch {
        // The helper is gone, and the stream with it.
      }
    }
    this.release();
  }

  private release(): void {
    if (!this.open) return;
    this.open = false;
    this.thread?.close();
  }
}
