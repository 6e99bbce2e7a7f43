// Property tests (DESIGN.md §3): whatever a peer does to a valid record stream —
// bit flips, cuts, insertions, dropped, repeated or swapped records — the
// receiver fails only with a CcshareError and never writes outside its staging
// dir; when it fails, the staging dir is gone.
import { afterAll, expect, test } from "bun:test";
import fc from "fast-check";
import { readdirSync, rmSync } from "node:fs";
import { CcshareError } from "../../src/errors.ts";
import { decodeRecord, encodeRecord } from "../../src/pack/records.ts";
import { DONE, fileStream, leftNothing, sandbox, SESSION, text, validStart, type Sandbox, removeSandboxes } from "./_streams.ts";

afterAll(removeSandboxes);

const valid: Uint8Array[] = [
  ...validStart(),
  ...fileStream(`${SESSION}/subagents/agent-a1.jsonl`, text('{"isSidechain":true}\n'.repeat(50))),
  ...fileStream(`${SESSION}/tool-results/toolu_1.txt`, text("x".repeat(3000)), SESSION, 1000),
  ...fileStream(`${SESSION}/subagents/agent-a1.meta.json`, text('{"agentType":"Explore"}')),
  ...fileStream("agent-b2.jsonl", text('{"isSidechain":true}\n')),
  DONE,
].map(encodeRecord);

type Mutation =
  | { kind: "flip"; message: number; byte: number; bit: number }
  | { kind: "cut"; message: number; at: number }
  | { kind: "insert"; message: number; at: number; bytes: Uint8Array }
  | { kind: "drop"; message: number }
  | { kind: "repeat"; message: number }
  | { kind: "swap"; message: number; other: number }
  | { kind: "end early"; at: number };

const index = fc.nat();
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), message: index, byte: index, bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant("cut" as const), message: index, at: index }),
  fc.record({ kind: fc.constant("insert" as const), message: index, at: index, bytes: fc.uint8Array({ minLength: 1, maxLength: 9 }) }),
  fc.record({ kind: fc.constant("drop" as const), message: index }),
  fc.record({ kind: fc.constant("repeat" as const), message: index }),
  fc.record({ kind: fc.constant("swap" as const), message: index, other: index }),
  fc.record({ kind: fc.constant("end early" as const), at: index }),
);

function apply(stream: Uint8Array[], m: Mutation): Uint8Array[] {
  const out = [...stream];
  if (out.length === 0) return out;
  const i = m.kind === "end early" ? 0 : m.message % out.length;
  const message = out[i]!;
  switch (m.kind) {
    case "flip": {
      const copy = message.slice();
      copy[m.byte % copy.length]! ^= 1 << m.bit;
      out[i] = copy;
      break;
    }
    case "cut":
      out[i] = message.slice(0, m.at % message.length);
      break;
    case "insert": {
      const at = m.at % (message.length + 1);
      out[i] = new Uint8Array([...message.subarray(0, at), ...m.bytes, ...message.subarray(at)]);
      break;
    }
    case "drop":
      out.splice(i, 1);
      break;
    case "repeat":
      out.splice(i, 0, message);
      break;
    case "swap": {
      const j = m.other % out.length;
      [out[i], out[j]] = [out[j]!, out[i]!];
      break;
    }
    case "end early":
      out.length = m.at % out.length;
      break;
  }
  return out;
}

async function receive(box: Sandbox, stream: Uint8Array[]): Promise<unknown> {
  try {
    for (const message of stream) await box.unpacker.accept(decodeRecord(message));
    await box.unpacker.finish();
    return undefined;
  } catch (error) {
    await box.unpacker.abort();
    return error;
  }
}

test("the unmutated stream is accepted (so the mutations below are what fails)", async () => {
  const box = sandbox();
  expect(await receive(box, valid)).toBeUndefined();
});

test("mutated record streams fail only with ccshare errors and never write outside the staging dir", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (mutations) => {
      const stream = mutations.reduce(apply, valid);
      const box = sandbox();
          const error = await receive(box, stream);
      if (error !== undefined) {
        expect(error).toBeInstanceOf(CcshareError);
        expect(leftNothing(box)).toBe(true);
      } else {
        expect(readdirSync(box.root)).toEqual(["staging"]);
      }
      rmSync(box.root, { recursive: true, force: true });
    }),
    { numRuns: 300 },
  );
});
