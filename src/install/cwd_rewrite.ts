// Moving a recorded working directory from the sharer's project to the
// receiver's (SESSIONS-FORMAT.md "Resume, and what an install must do", step 4):
// a cwd equal to, or under, the source project root goes to the same place under
// the target; anything else is left alone.
//
// "Under" is boundary-aware: `/x/foo/sub` is under `/x/foo`, `/x/foo-docker` is
// not. Source paths may come from Windows (`C:\Users\Bob\proj`, either slash,
// any letter case, since Windows paths are case-insensitive); the rest of the
// path is re-joined with the target's separator.

/** Maps one recorded cwd to its place under the target, or undefined when it is not under the source root. */
export type CwdRewrite = (cwd: string) => string | undefined;

export function isWindowsPath(path: string): boolean {
  return /^[A-Za-z]:([\\/]|$)/.test(path) || path.startsWith("\\\\");
}

/**
 * Comparable form of a path: NFC; Windows paths with "\" only and ASCII letters
 * lower-cased (which keeps the UTF-16 length, so an offset in it is an offset in the NFC original).
 */
function comparable(path: string, windows: boolean): string {
  const nfc = path.normalize("NFC");
  return windows ? nfc.replace(/\//g, "\\").replace(/[A-Z]/g, (c) => c.toLowerCase()) : nfc;
}

/** Drops trailing separators, keeping a bare root ("/" -> "", "C:\" -> "c:"). */
function withoutTrailingSeparators(path: string, windows: boolean): string {
  return path.replace(windows ? /[\\/]+$/ : /\/+$/, "");
}

export function cwdRewrite(sourceRoot: string, targetRoot: string): CwdRewrite {
  const windows = isWindowsPath(sourceRoot);
  const separator = windows ? "\\" : "/";
  const root = withoutTrailingSeparators(comparable(sourceRoot, windows), windows);
  const targetWindows = isWindowsPath(targetRoot);
  const targetSeparator = targetWindows ? "\\" : "/";
  // The target is written as given: it is the form Claude Code itself records (project_folder.ts).
  const target = targetRoot;
  const targetBase = withoutTrailingSeparators(target, targetWindows);

  return (cwd: string) => {
    if (typeof cwd !== "string" || sourceRoot === "") return undefined;
    const candidate = comparable(cwd, windows);
    if (candidate !== root && !candidate.startsWith(root + separator)) {
      // A bare root ("/") has an empty comparable form: everything absolute is under it.
      if (!(root === "" && candidate.startsWith(separator))) return undefined;
    }
    const rest = remainder(cwd, root, windows).split(windows ? /[\\/]+/ : /\/+/).filter(Boolean);
    if (rest.length === 0) return target;
    return `${targetBase}${targetSeparator}${rest.join(targetSeparator)}`;
  };
}

/**
 * The part of `cwd` after the root, in cwd's own letter case and Unicode form
 * (the subfolder on disk has the name it was recorded with). Cuts at the first
 * separator where the comparable prefix equals the root.
 */
function remainder(cwd: string, root: string, windows: boolean): string {
  // comparable() keeps UTF-16 lengths except through NFC, so an NFC cwd is cut at the root's length.
  if (cwd.normalize("NFC") === cwd) return cwd.slice(root.length);
  for (let i = 0; i <= cwd.length; i++) {
    const atSeparator = i === cwd.length || cwd[i] === "/" || (windows && cwd[i] === "\\");
    if (atSeparator && comparable(cwd.slice(0, i), windows) === root) return cwd.slice(i);
  }
  return "";
}
