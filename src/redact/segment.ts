// Redacting one piece of a file: a JSON line (or a whole small .json file),
// or a run of plain text. JSON is decoded, its string values redacted, and
// encoded again, so every line stays valid JSON whatever escapes a secret sat
// behind; identifiers (uuid, parentUuid, sessionId, ...) are never touched, and
// a thinking block is never edited: one that holds a secret is replaced whole
// by a text block that says so (its signature covers its exact text).
import { Buffer } from "node:buffer";
import { findSecrets } from "./detect.ts";
import { mask, placeholder, thinkingRemoved } from "./placeholder.ts";
import type { Rule, RuleSet } from "./rule.ts";

/** One secret found: which rule, and a preview safe to show. Never the secret itself. */
export interface Found {
  rule: string;
  preview: string;
  /** It sat in a thinking block, which was replaced whole. */
  thinking: boolean;
}

export type SegmentKind = "json" | "text";

/** Fields that link or identify lines and blocks: resume and install depend on them byte for byte. */
const NEVER_EDITED = new Set([
  "uuid", "parentUuid", "logicalParentUuid", "leafUuid", "sessionId", "messageId", "requestId", "promptId",
  "tool_use_id", "toolUseID", "sourceToolUseID", "agentId", "id", "signature", "cwd", "timestamp", "version", "type",
]);

const utf8 = new TextDecoder("utf-8", { fatal: false });
const encoder = new TextEncoder();

class Redaction {
  readonly found: Found[] = [];
  thinkingBlocks = 0;
  constructor(private readonly set: RuleSet, private readonly rules: readonly Rule[]) {}

  string(text: string): string {
    const secrets = findSecrets(text, this.rules, this.set.allowlist);
    if (secrets.length === 0) return text;
    let out = "";
    let at = 0;
    for (const s of secrets) {
      this.found.push({ rule: s.rule.id, preview: mask(text.slice(s.start, s.end)), thinking: false });
      out += text.slice(at, s.start) + placeholder(s.rule.id);
      at = s.end;
    }
    return out + text.slice(at);
  }

  value(value: unknown, key: string | undefined): unknown {
    if (typeof value === "string") return key !== undefined && NEVER_EDITED.has(key) ? value : this.string(value);
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) value[i] = this.value(value[i], undefined);
      return value;
    }
    if (value === null || typeof value !== "object") return value;
    const object = value as Record<string, unknown>;
    if (object.type === "redacted_thinking") return value;
    if (object.type === "thinking" && typeof object.thinking === "string") {
      const secrets = findSecrets(object.thinking, this.rules, this.set.allowlist);
      if (secrets.length === 0) return value;
      for (const s of secrets) this.found.push({ rule: s.rule.id, preview: mask(object.thinking.slice(s.start, s.end)), thinking: true });
      this.thinkingBlocks++;
      return { type: "text", text: thinkingRemoved(secrets.map((s) => s.rule.id)) };
    }
    for (const k of Object.keys(object)) object[k] = this.value(object[k], k);
    return value;
  }
}

export interface RedactedSegment {
  /** The replacement bytes; undefined when nothing was found. */
  bytes: Uint8Array | undefined;
  found: Found[];
  /** Thinking blocks replaced whole. */
  thinkingBlocks: number;
}

/**
 * Redacts `bytes` with `rules`. A "json" segment that does not parse (a torn
 * last line, a corrupt one) is redacted as text: it was not valid JSON before either.
 */
export function redactSegment(bytes: Uint8Array, kind: SegmentKind, set: RuleSet, rules: readonly Rule[]): RedactedSegment {
  const redaction = new Redaction(set, rules);
  if (kind === "json") {
    const text = utf8.decode(bytes);
    let parsed: unknown;
    let json = true;
    try {
      parsed = JSON.parse(text);
    } catch {
      json = false;
    }
    if (json) {
      const out = redaction.value(parsed, undefined);
      if (redaction.found.length === 0) return { bytes: undefined, found: [], thinkingBlocks: 0 };
      const trailing = /\s*$/.exec(text)![0];
      return { bytes: encoder.encode(JSON.stringify(out) + trailing), found: redaction.found, thinkingBlocks: redaction.thinkingBlocks };
    }
  }
  // Text: one character per byte, so offsets are byte offsets and bytes that
  // are not UTF-8 pass through untouched; every rule's secret is ASCII.
  const latin1 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
  const secrets = findSecrets(latin1, rules, set.allowlist);
  if (secrets.length === 0) return { bytes: undefined, found: [], thinkingBlocks: 0 };
  const parts: Uint8Array[] = [];
  let at = 0;
  for (const s of secrets) {
    redaction.found.push({ rule: s.rule.id, preview: mask(latin1.slice(s.start, s.end)), thinking: false });
    parts.push(bytes.subarray(at, s.start), encoder.encode(placeholder(s.rule.id)));
    at = s.end;
  }
  parts.push(bytes.subarray(at));
  return { bytes: Buffer.concat(parts), found: redaction.found, thinkingBlocks: 0 };
}

/** Redacts a short text shown to the receiver (a title, a first prompt) with every rule. */
export function redactText(text: string, set: RuleSet): string {
  return new Redaction(set, set.rules).string(text);
}
