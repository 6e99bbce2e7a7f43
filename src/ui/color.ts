// Whether to colour stdout. Kept apart from log.ts so that commands which only
// print (list, show) do not load consola; it asks isatty(1) rather than
// process.stdout, whose first use costs ~20 ms in Bun.
import { isatty } from "node:tty";

/** Colour only for a terminal, and never when NO_COLOR is set (no-color.org). */
export function useColor(stream?: { isTTY?: boolean }): boolean {
  const tty = stream ? Boolean(stream.isTTY) : isatty(1);
  return tty && !process.env.NO_COLOR && process.env.TERM !== "dumb";
}
