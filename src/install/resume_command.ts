// The line an install ends with (SESSIONS-FORMAT.md "Resume, and what an
// install must do", step 8): the user pastes it into a shell as it is.
import { isWindowsPath } from "./cwd_rewrite.ts";

/** A POSIX shell word for `text`: as is when it is plain, else single-quoted. */
function shellQuote(text: string): string {
  if (/^[A-Za-z0-9_\/.,:@%+=-]+$/.test(text)) return text;
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** `cd <target> && claude --resume <id>`, quoted for the shell the target's platform uses. */
export function resumeCommand(target: string, id: string): string {
  // Windows paths cannot contain `"`, and both cmd and PowerShell accept a double-quoted cd.
  const where = isWindowsPath(target) ? `"${target}"` : shellQuote(target);
  return `cd ${where} && claude --resume ${id}`;
}
