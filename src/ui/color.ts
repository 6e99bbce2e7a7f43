// Whether to colour stdout. Kept apart from log.ts so that commands which only
// print (--help, --version, list) do not load consola at start-up.

/** Colour only for a terminal, and never when NO_COLOR is set (no-color.org). */
export function useColor(stream: { isTTY?: boolean } = process.stdout): boolean {
  return Boolean(stream.isTTY) && !process.env.NO_COLOR && process.env.TERM !== "dumb";
}
