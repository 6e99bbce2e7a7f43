// The viewer's stylesheet and script, imported as text so that the compiled
// binary carries them (it needs no other file), and their CSP hashes for the
// self-contained files `show --html` writes, where they sit inline.
import { createHash } from "node:crypto";
import css from "./assets/viewer.css" with { type: "text" };
import script from "./assets/viewer.js" with { type: "text" };

export const VIEWER_CSS: string = css;
export const VIEWER_JS: string = script;

/** A CSP source that allows exactly this inline text. */
export function cspHash(text: string): string {
  return `'sha256-${createHash("sha256").update(text).digest("base64")}'`;
}
