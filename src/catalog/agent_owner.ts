// Which session a legacy 2.0.x `agent-*.jsonl` beside the sessions belongs to:
// its lines carry the parent's `sessionId` (SESSIONS-FORMAT.md "Where").
import { forEachLine } from "./line_reader.ts";

const utf8 = new TextDecoder();

/** The sessionId of the first of the file's first lines that has one; "" if none. Throws fs errors. */
export function agentOwner(path: string): string {
  let owner = "";
  let seen = 0;
  forEachLine(path, ({ buf, start, end, cut }) => {
    if (!cut) {
      try {
        const id = JSON.parse(utf8.decode(buf.subarray(start, end)))?.sessionId;
        if (typeof id === "string") owner = id;
      } catch {
        // A torn line: look at the next one.
      }
    }
    return !owner && ++seen < 10;
  });
  return owner;
}
