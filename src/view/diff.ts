// Line diffs for Edit and MultiEdit calls, through jsdiff (the only importer
// of `diff`): what the call replaced, as removed and added lines with a few
// lines of context around each change.
import { diffLines } from "diff";

export interface DiffLine {
  kind: "-" | "+" | " " | "…";
  text: string;
}

const CONTEXT = 3;
/** A diff that would take longer than this gives up and shows both texts whole. */
const MAX_EDIT = 2000;

function linesOf(value: string): string[] {
  const lines = value.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

/** The lines of old -> new, long unchanged runs cut to CONTEXT lines each side. */
export function lineDiff(before: string, after: string): DiffLine[] {
  const changes = diffLines(before, after, { maxEditLength: MAX_EDIT }) ?? [{ value: before, removed: true, added: false, count: 0 }, { value: after, added: true, removed: false, count: 0 }];
  const out: DiffLine[] = [];
  changes.forEach((change, i) => {
    const lines = linesOf(change.value);
    if (change.added || change.removed) {
      for (const text of lines) out.push({ kind: change.added ? "+" : "-", text });
      return;
    }
    const head = i === 0 ? 0 : CONTEXT;
    const tail = i === changes.length - 1 ? 0 : CONTEXT;
    if (lines.length <= head + tail + 1) for (const text of lines) out.push({ kind: " ", text });
    else {
      for (const text of lines.slice(0, head)) out.push({ kind: " ", text });
      out.push({ kind: "…", text: `${lines.length - head - tail} unchanged lines` });
      for (const text of lines.slice(lines.length - tail)) out.push({ kind: " ", text });
    }
  });
  return out;
}
