// The terminal in raw mode, for the picker and the prompts: keys as they are
// pressed (no echo, no line editing, Ctrl-C as a key), output to stderr, the
// cursor hidden while drawing. Whatever happens -- an error, an exit -- the
// terminal is handed back as it was found.
import { parseKeys, type Key } from "./keys.ts";

export interface RawTerminal {
  /** The keys of the next read (waits for one). */
  nextKeys(): Promise<Key[]>;
  write(text: string): void;
  readonly columns: number;
  readonly rows: number;
  /** Called when the terminal is resized (where the runtime reports it). */
  onResize(redraw: () => void): void;
}

/** Runs `session` with the terminal in raw mode; restores it afterwards, also if `session` throws. */
export async function withRawTerminal<T>(session: (terminal: RawTerminal) => Promise<T>, o: { hideCursor?: boolean } = {}): Promise<T> {
  const stdin = process.stdin;
  const out = process.stderr;
  const decoder = new TextDecoder();
  const queue: Key[][] = [];
  let waiting: ((keys: Key[]) => void) | undefined;
  const onData = (chunk: Uint8Array | string) => {
    const keys = parseKeys(typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true }));
    if (keys.length === 0) return;
    if (waiting) {
      const wake = waiting;
      waiting = undefined;
      wake(keys);
    } else queue.push(keys);
  };
  const resizers: (() => void)[] = [];
  const onResize = () => resizers.forEach((redraw) => redraw());
  const restore = () => {
    if (o.hideCursor) out.write("\x1b[?25h");
    stdin.setRawMode?.(false);
  };
  stdin.setRawMode?.(true);
  stdin.on("data", onData);
  stdin.resume();
  out.on("resize", onResize);
  process.once("exit", restore);
  if (o.hideCursor) out.write("\x1b[?25l");
  try {
    return await session({
      nextKeys: () => (queue.length ? Promise.resolve(queue.shift()!) : new Promise((resolve) => (waiting = resolve))),
      write: (text) => void out.write(text),
      get columns() {
        return out.columns || 80;
      },
      get rows() {
        return out.rows || 24;
      },
      onResize: (redraw) => void resizers.push(redraw),
    });
  } finally {
    stdin.off("data", onData);
    out.off("resize", onResize);
    process.off("exit", restore);
    restore();
    stdin.pause();
  }
}
