// Building bundles for the attack tests: a valid one to damage byte by byte,
// headers written by hand with hostile fields, and authentic bundles (right
// passphrase, correctly sealed) whose records break the rules.
import { expect } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { exportBundle } from "../../src/bundle/export.ts";
import { LEAD_BYTES, MAGIC } from "../../src/bundle/format.ts";
import { importBundle } from "../../src/bundle/import.ts";
import { sealBundle } from "../../src/bundle/write.ts";
import { encodeMessage } from "../../src/pack/cbor.ts";
import { encodeRecord, type Record } from "../../src/pack/records.ts";
import { fastScrypt, offered, receiver, sharer, snapshot, tempDir, type Receiver } from "./_bundle.ts";
import { concat } from "../../src/bytes/concat.ts";
export { concat };

export const PASSPHRASE = "acid-zebra-quiz-lamp-orbit-maple-tiger-flute";

export interface Layout {
  /** End of the header bytes (magic .. CBOR), where `enc` starts. */
  headerEnd: number;
  encEnd: number;
  /** Each record's length prefix offset and ciphertext length. */
  records: { at: number; length: number }[];
}

export function layout(bytes: Uint8Array): Layout {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerEnd = LEAD_BYTES + view.getUint32(MAGIC.length + 1);
  const encEnd = headerEnd + 32;
  const records: Layout["records"] = [];
  for (let at = encEnd; at < bytes.length; ) {
    const length = view.getUint32(at);
    records.push({ at, length });
    at += 4 + length;
  }
  return { headerEnd, encEnd, records };
}

/** A valid bundle of two small sessions (one with subagents): several records of each kind. */
export async function validBundle(): Promise<{ bytes: Uint8Array; layout: Layout }> {
  const store = sharer([
    { era: "2.1", cwd: "/home/alice/src/app", subagents: 2, tools: 2, seed: "craft-a" },
    { era: "2.0", cwd: "/home/alice/src/api", subagents: 1, seed: "craft-b" },
  ]);
  const out = join(tempDir(), "valid.ccs");
  await exportBundle({ sessions: await offered(store), passphrase: PASSPHRASE, out, scrypt: fastScrypt() });
  const bytes = new Uint8Array(readFileSync(out));
  return { bytes, layout: layout(bytes) };
}

export function saved(bytes: Uint8Array, name = "bundle.ccs"): string {
  const path = join(tempDir(), name);
  writeFileSync(path, bytes);
  return path;
}

export function flipped(bytes: Uint8Array, at: number, mask = 0x01): Uint8Array {
  const copy = bytes.slice();
  copy[at]! ^= mask;
  return copy;
}

/** A header written by hand: `fields` over a valid header's, then a random `enc`. */
export function handmadeHeader(fields: { [key: string]: unknown }, o: { version?: number; length?: number } = {}): Uint8Array {
  const cbor = encodeMessage({
    t: "bundle",
    kdf: "scrypt",
    N: 1024,
    r: 8,
    p: 1,
    salt: new Uint8Array(16),
    suite: { kem: 0x20, kdf: 1, aead: 2 },
    created: "2026-07-19T12:00:00.000Z",
    count: 1,
    ...fields,
  });
  const lead = new Uint8Array(LEAD_BYTES);
  lead.set(MAGIC);
  lead[MAGIC.length] = o.version ?? 1;
  new DataView(lead.buffer).setUint32(MAGIC.length + 1, o.length ?? cbor.length);
  return concat(lead, cbor, crypto.getRandomValues(new Uint8Array(32)));
}

/** An authentic bundle: the right passphrase, sealed correctly, carrying exactly `records`. */
export async function authentic(records: Record[], count = 1): Promise<string> {
  const out = join(tempDir(), "authentic.ccs");
  // Final exactly where a record is `done`, as sessionStream marks it.
  async function* stream() {
    for (const record of records) yield { plain: encodeRecord(record), final: record.k === "done" };
  }
  await sealBundle({ out, passphrase: PASSPHRASE, scrypt: fastScrypt(), count, records: stream() });
  return out;
}

export interface Refusal {
  error: Error;
  /** Whether the passphrase was ever asked for (a hostile header must be refused before). */
  askedForPassphrase: boolean;
}

/**
 * Imports `path` into a fresh receiver and expects it to fail with `kind`,
 * leaving the receiver's projects folder exactly as it was.
 */
export async function expectRefused(path: string, kind: new (...args: any[]) => Error, o: { passphrase?: string; r?: Receiver } = {}): Promise<Refusal> {
  const r = o.r ?? receiver();
  const before = snapshot(r.projects);
  let askedForPassphrase = false;
  const error = await importBundle({
    path,
    passphrase: async () => {
      askedForPassphrase = true;
      return o.passphrase ?? PASSPHRASE;
    },
    choose: async (catalog) => catalog.map((s) => s.id),
    into: r.target,
    env: r.env,
  }).then(
    () => new Error("the import succeeded"),
    (e: Error) => e,
  );
  // On failure this shows what was thrown instead, message and all.
  const shown = `${error.name}: ${error.message}`;
  expect(error instanceof kind ? kind.name : shown).toBe(kind.name);
  expect(snapshot(r.projects)).toEqual(before);
  return { error, askedForPassphrase };
}
