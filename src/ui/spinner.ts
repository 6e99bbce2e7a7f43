// A line that shows something is happening while nothing else can be shown
// (mDNS lookups take up to the timeout). On a terminal, a turning wheel,
// cleared when it stops; elsewhere, the line once, as a log message.
import { log } from "./log.ts";

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

export interface Spinner {
  /** Clears the line (a terminal) so the next message takes its place. */
  stop(): void;
}

export function spinner(text: string, stream: NodeJS.WriteStream = process.stderr): Spinner {
  if (!stream.isTTY) {
    log.info(text);
    return { stop() {} };
  }
  let frame = 0;
  const draw = () => stream.write(`\r\x1b[2K${FRAMES[frame++ % FRAMES.length]} ${text}`);
  draw();
  const timer = setInterval(draw, 80);
  let stopped = false;
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      stream.write("\r\x1b[2K");
    },
  };
}
