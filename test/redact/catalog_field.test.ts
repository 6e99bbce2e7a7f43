// The catalog record's `redacted` count (issue 17) travels as one optional
// field, checked like every other: a peer cannot send a negative or
// fractional count, or text, and a sharer that redacted nothing sends none.
import { expect, test } from "bun:test";
import { catalogRecord } from "../../src/pack/catalog_records.ts";
import { encodeMessage } from "../../src/pack/cbor.ts";
import { decodeRecord, encodeRecord } from "../../src/pack/records.ts";
import { ProtocolError } from "../../src/errors.ts";
import { entryFor } from "./_redact.ts";

const ID = "3f2a9c4e-8b1d-4c6e-9a7f-2d5e8c1b4a90";

test("a redacted count reaches the receiver's catalog; no count stays absent", () => {
  const record = catalogRecord([entryFor(ID, { redacted: 7 }), entryFor(ID.replace("3f", "4f"))], new Map([[ID, 3]]));
  const back = decodeRecord(encodeRecord(record));
  expect(back.k === "catalog" && back.sessions.map((s) => s.redacted)).toEqual([7, undefined]);
  expect(back.k === "catalog" && "redacted" in back.sessions[1]!).toBe(false);
});

for (const bad of [-1, 1.5, "7", null]) {
  test(`a peer's catalog with redacted: ${JSON.stringify(bad)} is refused`, () => {
    const session = { ...catalogRecord([entryFor(ID)], new Map()).sessions[0]!, redacted: bad };
    const bytes = encodeMessage({ k: "catalog", sessions: [session], total: 1 });
    expect(() => decodeRecord(bytes)).toThrow(ProtocolError);
  });
}
