// The line an install ends with (SESSIONS-FORMAT.md "Resume, and what an
// install must do", step 8): the user pastes it into a shell as it is.
import { shellWord } from "../text/shell_word.ts";
import { isWindowsPath } from "./cwd_rewrite.ts";

/** `cd <target> && claude --resume <id>`, quoted for the shell the target's platform uses. */
export function resumeCommand(target: string, id: string): string {
  // Windows paths cannot contain `"`, and both cmd and PowerShell accept a double-quoted cd.
  const where = isWindowsPath(target) ? `"${target}"` : shellWord(target);
  return `cd ${where} && claude --resume ${id}`;
}
