// A progress bar on stderr, only when stderr is a terminal (pipes and --json
// get none). Redrawn at most 10 times a second so it never slows a transfer.
import { formatBytes } from "./format.ts";
import { truncate } from "./table.ts";

export interface ProgressBar {
  update(done: number, total: number): void;
  finish(): void;
}

const WIDTH = 28;

export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr): ProgressBar {
  if (!stream.isTTY) return { update() {}, finish() {} };
  const started = performance.now();
  let lastDraw = 0;
  let last = { done: 0, total: 0 };
  const draw = (force: boolean) => {
    const now = performance.now();
    if (!force && now - lastDraw < 100) return;
    lastDraw = now;
    const { done, total } = last;
    const ratio = total > 0 ? Math.min(1, done / total) : 0;
    const filled = Math.round(ratio * WIDTH);
    const seconds = (now - started) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    const eta = rate > 0 && total > done ? ` ETA ${Math.ceil((total - done) / rate)}s` : "";
    const bar = "█".repeat(filled) + "░".repeat(WIDTH - filled);
    // Cut to the width: a bar that wraps leaves a line behind on every redraw.
    stream.write(`\r\x1b[2K${truncate(`${label} ${bar} ${Math.floor(ratio * 100)}% ${formatBytes(done)}/${formatBytes(total)} ${formatBytes(rate)}/s${eta}`, (stream.columns || 80) - 1)}`);
  };
  return {
    update(done, total) {
      last = { done, total };
      draw(false);
    },
    finish() {
      draw(true);
      stream.write("\n");
    },
  };
}

/**
 * At most ten progress reports a second (the first and the last always pass),
 * so that --json consumers get a readable stream, not one line per record.
 */
export function throttled<T extends { bytes: number; total: number }>(report: (p: T) => void, intervalMs = 100): (p: T) => void {
  let last = -Infinity;
  return (p) => {
    const now = performance.now();
    if (now - last < intervalMs && p.bytes < p.total) return;
    last = now;
    report(p);
  };
}
