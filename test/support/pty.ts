// A real pseudo-terminal for tests (Bun.spawn's `terminal`), read through a
// real terminal emulator (xterm.js, headless): what a person would see on the
// screen, not just the bytes. Keys go in as a terminal sends them. The process
// is killed by its pid when the run ends, if its test did not end it.
import { Terminal } from "@xterm/headless";
import { afterRun } from "./cleanup.ts";

const live = new Set<Bun.Subprocess>();
afterRun(() => {
  for (const proc of live) if (proc.exitCode === null) proc.kill("SIGKILL");
});

export const KEY = {
  enter: "\r", escape: "\x1b", ctrlC: "\x03", ctrlA: "\x01", tab: "\t", space: " ", backspace: "\x7f",
  up: "\x1b[A", down: "\x1b[B", pageUp: "\x1b[5~", pageDown: "\x1b[6~", home: "\x1b[H", end: "\x1b[F",
} as const;

export class Pty {
  /** Every byte the program wrote, as text. */
  output = "";
  readonly screen: Terminal;
  readonly proc: Bun.Subprocess;
  private parsed = Promise.resolve();
  private waiters = new Set<() => void>();

  constructor(cmd: string[], o: { env: Record<string, string>; cwd?: string; cols?: number; rows?: number }) {
    const cols = o.cols ?? 100;
    const rows = o.rows ?? 30;
    this.screen = new Terminal({ cols, rows, allowProposedApi: true, scrollback: 1000 });
    const decoder = new TextDecoder();
    this.proc = Bun.spawn(cmd, {
      env: { TERM: "xterm-256color", ...o.env },
      cwd: o.cwd,
      terminal: {
        cols,
        rows,
        data: (_t, bytes) => {
          const text = decoder.decode(bytes, { stream: true });
          this.output += text;
          this.parsed = this.parsed.then(() => new Promise<void>((resolve) => this.screen.write(text, resolve)));
          void this.parsed.then(() => this.waiters.forEach((wake) => wake()));
        },
      },
    });
    live.add(this.proc);
    void this.proc.exited.then(() => {
      live.delete(this.proc);
      this.waiters.forEach((wake) => wake());
    });
  }

  write(keys: string): void {
    this.proc.terminal!.write(keys);
  }

  resize(cols: number, rows: number): void {
    this.proc.terminal!.resize(cols, rows);
    this.screen.resize(cols, rows);
  }

  /** The screen's lines as shown (viewport), trailing blanks cut. */
  lines(): string[] {
    const buffer = this.screen.buffer.active;
    const out: string[] = [];
    for (let y = 0; y < this.screen.rows; y++) out.push(buffer.getLine(buffer.viewportY + y)?.translateToString(true) ?? "");
    return out;
  }

  /** Every line of the scrollback and the screen. */
  history(): string[] {
    const buffer = this.screen.buffer.active;
    const out: string[] = [];
    for (let y = 0; y < buffer.length; y++) out.push(buffer.getLine(y)?.translateToString(true) ?? "");
    return out;
  }

  /** Rows the terminal marks as the continuation of a wrapped line (a row that did not fit). */
  wrappedRows(): number {
    const buffer = this.screen.buffer.active;
    let wrapped = 0;
    for (let y = 0; y < buffer.length; y++) if (buffer.getLine(y)?.isWrapped) wrapped++;
    return wrapped;
  }

  /** Waits until the screen shows `what` (or the predicate holds); fails with the screen after `timeoutMs`. */
  async waitFor(what: string | RegExp | ((screen: string) => boolean), timeoutMs = 10_000): Promise<string> {
    const test = typeof what === "function" ? what : (s: string) => (typeof what === "string" ? s.includes(what) : what.test(s));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.parsed;
      const screen = this.history().join("\n");
      if (test(screen)) return screen;
      if (this.proc.exitCode !== null) throw new Error(`exited (${this.proc.exitCode}) before the screen showed ${String(what)}:\n${screen}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`the screen did not show ${String(what)} within ${timeoutMs} ms:\n${screen}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, left);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.waiters.add(done);
      }).finally(() => this.waiters.clear());
    }
  }

  async exited(): Promise<number> {
    const code = await this.proc.exited;
    await this.parsed;
    return code;
  }

  kill(): void {
    if (this.proc.exitCode === null) this.proc.kill("SIGKILL");
  }
}
