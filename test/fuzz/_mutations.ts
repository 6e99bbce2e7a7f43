// What the fuzz run (decoder.fuzz.ts) does to valid input: to a stream of
// encoded records, what a hostile sharer or a broken network could (bit flips,
// cuts, insertions, dropped, repeated or swapped records, an early end, and a
// field of a record replaced by a hostile value); to a bundle file, the bytes.
import fc from "fast-check";
import { decodeMessage, encodeMessage } from "../../src/pack/cbor.ts";
import { OTHER_SESSION, SESSION } from "../pack/_streams.ts";

export type Mutation =
  | { kind: "flip"; message: number; byte: number; bit: number }
  | { kind: "cut"; message: number; at: number }
  | { kind: "insert"; message: number; at: number; bytes: Uint8Array }
  | { kind: "u32"; message: number; at: number; value: number }
  | { kind: "drop"; message: number }
  | { kind: "repeat"; message: number }
  | { kind: "swap"; message: number; other: number }
  | { kind: "end early"; at: number }
  | { kind: "field"; message: number; key: number; value: unknown };

const index = fc.nat();
const bytesOf = [
  fc.record({ kind: fc.constant("flip" as const), message: index, byte: index, bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant("cut" as const), message: index, at: index }),
  fc.record({ kind: fc.constant("insert" as const), message: index, at: index, bytes: fc.uint8Array({ minLength: 1, maxLength: 9 }) }),
  fc.record({ kind: fc.constant("u32" as const), message: index, at: index, value: fc.oneof(fc.nat(), fc.constantFrom(0, 1, 0xffffffff, 0x80000000, 1 << 20, (1 << 20) + 1)) }),
  fc.record({ kind: fc.constant("end early" as const), at: index }),
] as const;
/** What can happen to one message's bytes (or a whole bundle file's). */
export const byteMutation: fc.Arbitrary<Mutation> = fc.oneof(...bytesOf, fc.record({ kind: fc.constant("repeat" as const), message: index }));
/** What can happen to a stream of messages. */
export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  ...bytesOf,
  fc.record({ kind: fc.constant("drop" as const), message: index }),
  fc.record({ kind: fc.constant("repeat" as const), message: index }),
  fc.record({ kind: fc.constant("swap" as const), message: index, other: index }),
);

/** Values a hostile sharer would put in a record's fields (PROTOCOL.md §4). */
const hostileValue = fc.oneof(
  fc.constantFrom(
    "../../../.bashrc", "/etc/passwd", `${SESSION}/../../x`, `${SESSION}\\..\\x`, `${SESSION}.jsonl\0`, "agent-a1.meta.json", `${OTHER_SESSION}.jsonl`,
    `${OTHER_SESSION}/subagents/agent-x.jsonl`, `${SESSION}/subagents/workflows/wf_1/deeper/agent-a.jsonl`, "C:evil", "con.txt", `${SESSION}/tool-results/con.txt`,
    "x".repeat(300), OTHER_SESSION, SESSION.toUpperCase(), "agent-x", "", "\u202e", "done", "file", "data", "end",
  ),
  fc.constantFrom(-1, 0, 1, 2 ** 31, 2 ** 32, 2 ** 50, Number.MAX_SAFE_INTEGER, 1.5, NaN, Infinity),
  fc.constantFrom(null, true, [], {}, [1, 2, 3], { k: "done" }),
  fc.uint8Array({ maxLength: 64 }),
  fc.string({ maxLength: 40 }),
);
export const field: fc.Arbitrary<Mutation> = fc.record({ kind: fc.constant("field" as const), message: index, key: index, value: hostileValue });

/** `stream` with `m` applied (a copy; `stream` is untouched). */
export function apply(stream: Uint8Array[], m: Mutation, o: { keepOne?: boolean } = {}): Uint8Array[] {
  const out = [...stream];
  if (out.length === 0) return out;
  const i = m.kind === "end early" ? 0 : m.message % out.length;
  const message = out[i]!;
  switch (m.kind) {
    case "flip": {
      if (message.length === 0) break;
      const copy = message.slice();
      copy[m.byte % copy.length]! ^= 1 << m.bit;
      out[i] = copy;
      break;
    }
    case "cut":
      out[i] = message.slice(0, message.length ? m.at % message.length : 0);
      break;
    case "insert": {
      const at = m.at % (message.length + 1);
      out[i] = new Uint8Array([...message.subarray(0, at), ...m.bytes, ...message.subarray(at)]);
      break;
    }
    case "u32": {
      if (message.length < 4) break;
      const copy = message.slice();
      new DataView(copy.buffer).setUint32(m.at % (copy.length - 3), m.value >>> 0);
      out[i] = copy;
      break;
    }
    case "field": {
      let decoded: Record<string, unknown>;
      try {
        decoded = decodeMessage(message) as Record<string, unknown>;
      } catch {
        break;
      }
      const keys = Object.keys(decoded);
      if (keys.length === 0) break;
      decoded[keys[m.key % keys.length]!] = m.value;
      out[i] = encodeMessage(decoded);
      break;
    }
    case "drop":
      if (!o.keepOne) out.splice(i, 1);
      break;
    case "repeat":
      if (o.keepOne) out[i] = new Uint8Array([...message, ...message.subarray(message.length >> 1)]);
      else out.splice(i, 0, message);
      break;
    case "swap": {
      const j = m.other % out.length;
      [out[i], out[j]] = [out[j]!, out[i]!];
      break;
    }
    case "end early":
      if (o.keepOne) out[0] = message.slice(0, m.at % (message.length + 1));
      else out.length = m.at % out.length;
      break;
  }
  return out;
}
