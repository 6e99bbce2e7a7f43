// Writing a long result to stdout: batched, waiting when the pipe is full (so a
// 400 MB transcript piped into `less` does not pile up in memory), and quiet
// when the reader goes away (`ccshare show ID | head`).
import type { Writable } from "node:stream";
import { concat } from "../bytes/concat.ts";

const BATCH = 64 * 1024;

export class Output {
  private pending: (string | Uint8Array)[] = [];
  private size = 0;
  private closed = false;
  private failure: unknown;

  constructor(private readonly stream: Writable = process.stdout) {
    stream.on("error", (error: { code?: string }) => {
      this.closed = true;
      if (error?.code !== "EPIPE") this.failure = error;
    });
  }

  /** False once the reader has gone: stop producing. */
  get open(): boolean {
    return !this.closed;
  }

  async write(chunk: string | Uint8Array): Promise<void> {
    this.pending.push(chunk);
    this.size += chunk.length;
    if (this.size >= BATCH) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.pending.length === 0 || this.closed) return;
    const parts = this.pending;
    this.pending = [];
    this.size = 0;
    const data = parts.every((p) => typeof p === "string") ? parts.join("") : joinText(parts);
    if (!this.stream.write(data)) await new Promise<void>((resolve) => {
      this.stream.once("drain", resolve);
      this.stream.once("error", () => resolve());
    });
  }
}

/** Flushes, then ends a stream that is not stdout (a pager's input, a file) and waits until it is written. */
export async function finish(out: Output, stream: Writable): Promise<void> {
  await out.flush();
  if (stream === process.stdout || stream.writableFinished || stream.destroyed) return;
  await new Promise<void>((resolve, reject) => {
    stream.once("error", (error: { code?: string }) => (error?.code === "EPIPE" ? resolve() : reject(error)));
    stream.end(() => resolve());
  });
}

function joinText(parts: (string | Uint8Array)[]): Uint8Array {
  const encoder = new TextEncoder();
  return concat(...parts.map((p) => (typeof p === "string" ? encoder.encode(p) : p)));
}
