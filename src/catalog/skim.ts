// What the catalog needs from one line, found without parsing it. Most of a
// large line is one JSON string (a tool result, a file's content), and inside a
// JSON string every quote is escaped: a pattern such as `"isMeta":true` can only
// match the JSON structure itself. The top-level fields sit before `message` or
// after it (both orders occur: SESSIONS-FORMAT.md "Lines"), so we look at the
// line's head up to `message`, the first bytes of `message`, and the line's tail.
import { Buffer } from "node:buffer";

export interface LineFacts {
  /** Top-level `type`; "" when it cannot be told. */
  type: string;
  sidechain: boolean;
  meta: boolean;
  compactSummary: boolean;
  /** assistant: message.id. */
  messageId: string;
  /** user: string content or a first text/image block; assistant: any text block. */
  hasText: boolean;
  /** user: the first content block is a tool_result. */
  toolResult: boolean;
  branch: string | undefined;
  version: string | undefined;
}

const HEAD = 2048;
const TAIL = 2048;
const ascii = (s: string) => Buffer.from(s, "latin1");
const MESSAGE = ascii('"message":{');
const TYPE = ascii('"type":"');
const ROLE = ascii('"role":"');
const ID = ascii('"id":"');
const CONTENT = ascii('"content":');
const TOOL_USE_ID = ascii('{"tool_use_id"');
const TEXT_BLOCK = ascii('{"type":"text"');
const SIDECHAIN = ascii('"isSidechain":true');
const META = ascii('"isMeta":true');
const COMPACT = ascii('"isCompactSummary":true');
const BRANCH = ascii('"gitBranch":"');
const VERSION = ascii('"version":"');
const QUOTE = 34;
const BACKSLASH = 92;

// Searches run in views of the line (its head, its tail, or the whole of a
// short line): Buffer#indexOf would otherwise run on to the end of the chunk.
function find(view: Buffer, needle: Buffer, from: number, to: number): number {
  const at = view.indexOf(needle, from);
  return at !== -1 && at + needle.length <= to ? at : -1;
}

function findLast(view: Buffer, needle: Buffer, from: number): number {
  const at = view.lastIndexOf(needle);
  return at >= from ? at : -1;
}

// Types, branches and versions repeat on every line: decode each once.
const interned = new Map<number, { bytes: Uint8Array; text: string }>();

function sameBytes(a: Uint8Array, view: Buffer, at: number): boolean {
  for (let k = 0; k < a.length; k++) if (a[k] !== view[at + k]) return false;
  return true;
}

/** The JSON string value whose text starts at `at` (just after its opening quote), if it ends in the view. */
function stringAt(view: Buffer, at: number, intern = true): string | undefined {
  let escaped = false;
  let hash = 0;
  for (let i = at; i < view.length && i - at < 4096; i++) {
    const c = view[i]!;
    if (c === BACKSLASH) {
      escaped = true;
      i++;
    } else if (c === QUOTE) {
      const n = i - at;
      if (!escaped && intern && n <= 64) {
        const key = (hash * 67 + n) | 0;
        const hit = interned.get(key);
        if (hit && hit.bytes.length === n && sameBytes(hit.bytes, view, at)) return hit.text;
        const text = view.toString("utf8", at, i);
        if (interned.size >= 512) interned.clear();
        interned.set(key, { bytes: Uint8Array.from(view.subarray(at, i)), text });
        return text;
      }
      const raw = view.toString("utf8", at, i);
      if (!escaped) return raw;
      try {
        return JSON.parse(`"${raw}"`) as string;
      } catch {
        return undefined;
      }
    }
    hash = (Math.imul(hash, 31) + c) | 0;
  }
  return undefined;
}

function valueOf(view: Buffer, key: Buffer, from: number, to: number): string | undefined {
  const at = find(view, key, from, to);
  return at === -1 ? undefined : stringAt(view, at + key.length);
}

function lastValueOf(view: Buffer, key: Buffer, from: number): string | undefined {
  const at = findLast(view, key, from);
  return at === -1 ? undefined : stringAt(view, at + key.length);
}

function emptyFacts(type: string): LineFacts {
  return { type, sidechain: false, meta: false, compactSummary: false, messageId: "", hasText: false, toolResult: false, branch: undefined, version: undefined };
}

/**
 * Facts of the line `buf[start, end)`. Returns undefined when the head does not
 * settle them (an unusual field order): the caller then parses the line.
 */
export function skimLine(buf: Buffer, start: number, end: number): LineFacts | undefined {
  const small = end - start <= HEAD + TAIL;
  // A short line is searched whole; a long one in its head (up to `message`
  // and the first bytes of it) and its tail (the fields after `message`).
  const head = buf.subarray(start, small ? end : start + HEAD);
  const msg = head.indexOf(MESSAGE);
  const pre = msg === -1 ? head.length : msg;
  let type = valueOf(head, TYPE, 0, pre);
  let hasText = false;
  let toolResult = false;
  let messageId = "";
  if (msg !== -1) {
    const body = msg + MESSAGE.length;
    type ??= valueOf(head, ROLE, body, head.length);
    if (type === "user" || type === "assistant") {
      const content = find(head, CONTENT, body, head.length);
      if (content === -1) return undefined;
      const open = head[content + CONTENT.length];
      if (type === "assistant") {
        const id = find(head, ID, body, content);
        messageId = id === -1 ? "" : (stringAt(head, id + ID.length, false) ?? "");
        if (!messageId) return undefined;
        hasText = open === 0x5b && (small ? head : buf.subarray(start, end)).indexOf(TEXT_BLOCK, content) !== -1;
      } else if (open === QUOTE) {
        hasText = head[content + CONTENT.length + 1] !== QUOTE;
      } else if (open === 0x5b) {
        const block = content + CONTENT.length + 1;
        if (find(head, TOOL_USE_ID, block, block + TOOL_USE_ID.length) !== -1) toolResult = true;
        else {
          const first = valueOf(head, TYPE, block, head.length);
          if (first === undefined) return undefined;
          toolResult = first === "tool_result";
          hasText = first === "text" || first === "image";
        }
      }
    }
  }
  const tail = small ? head : buf.subarray(end - TAIL, end);
  const tailFrom = small ? pre : 0;
  if (type === undefined && !small) type = lastValueOf(tail, TYPE, 0);
  // A conversation line whose `message` starts beyond the head: parse it.
  if (type === undefined || (msg === -1 && (type === "user" || type === "assistant"))) return undefined;
  const facts = emptyFacts(type);
  if (type !== "user" && type !== "assistant" && type !== "system" && type !== "attachment") return facts;
  const flag = (needle: Buffer) => find(head, needle, 0, pre) !== -1 || findLast(tail, needle, tailFrom) !== -1;
  facts.sidechain = flag(SIDECHAIN);
  // isMeta and isCompactSummary only change how a user line counts.
  facts.meta = type === "user" && flag(META);
  facts.compactSummary = type === "user" && flag(COMPACT);
  facts.messageId = messageId;
  facts.hasText = hasText;
  facts.toolResult = toolResult;
  facts.branch = valueOf(head, BRANCH, 0, pre) ?? lastValueOf(tail, BRANCH, tailFrom);
  facts.version = valueOf(head, VERSION, 0, pre) ?? lastValueOf(tail, VERSION, tailFrom);
  return facts;
}

type Json = Record<string, unknown>;

/** The same facts from a parsed line (the fallback, and the reference the skim must agree with). */
export function factsOf(line: Json): LineFacts {
  const facts = emptyFacts(typeof line.type === "string" ? line.type : "");
  facts.sidechain = line.isSidechain === true;
  facts.meta = facts.type === "user" && line.isMeta === true;
  facts.compactSummary = facts.type === "user" && line.isCompactSummary === true;
  facts.branch = typeof line.gitBranch === "string" ? line.gitBranch : undefined;
  facts.version = typeof line.version === "string" ? line.version : undefined;
  const message = (line.message ?? {}) as Json;
  const content = message.content;
  const blocks = Array.isArray(content) ? (content as Json[]) : [];
  if (facts.type === "assistant") {
    facts.messageId = typeof message.id === "string" ? message.id : typeof line.uuid === "string" ? line.uuid : "";
    facts.hasText = blocks.some((b) => b?.type === "text");
  } else if (facts.type === "user") {
    facts.hasText = typeof content === "string" ? content.length > 0 : blocks[0]?.type === "text" || blocks[0]?.type === "image";
    facts.toolResult = blocks[0]?.type === "tool_result";
  }
  return facts;
}
