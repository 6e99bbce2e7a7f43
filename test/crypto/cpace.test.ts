// Known-answer tests: test/vectors/cpace-draft21.json (a copy of the published
// vectors, see test/vectors/README.md), section
// CPACE-RISTR255-SHA512 (draft-irtf-cfrg-cpace-21 appendix B.3) and the string
// utilities of appendix A. Every field of those sections is checked.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  DSI,
  IDENTITY,
  calculateGenerator,
  confirmationTag,
  constantTimeEqual,
  generatorString,
  iskIr,
  iskSymmetric,
  lexicographicallyLarger,
  lvCat,
  oCat,
  prependLen,
  sampleScalar,
  scalarMult,
  scalarMultVfy,
  sharedSecret,
  sidOutput,
  startCpace,
  transcriptIr,
  transcriptOc,
} from "../../src/crypto/cpace.ts";
import { ProtocolError } from "../../src/errors.ts";

interface RistrettoVectors {
  inputs: { H: string; "H.s_in_bytes": number; PRS: string; ZPAD_length: number; DSI: string; CI: string; sid: string; ADa: string; ADb: string };
  calculate_generator: { generator_string: string; hash_result_64: string; encoded_generator_g: string };
  message_A: { ya_le: string; Ya: string };
  message_B: { yb_le: string; Yb: string };
  K: { "scalar_mult_vfy(ya,Yb)": string; "scalar_mult_vfy(yb,Ya)": string };
  initiator_responder: { transcript_ir: string; DSI_ISK: string; hash_input: string; ISK_IR: string };
  symmetric: { transcript_oc: string; hash_input: string; ISK_SY: string };
  sid_output: { sid_output_ir: string; sid_output_oc: string };
  scalar_mult_valid: { s: string; X: string; "G.scalar_mult(s,decode(X))": string; "G.scalar_mult_vfy(s,X)": string };
  scalar_mult_vfy_invalid: { s: string; Y_i1_invalid_encoding: string; "Y_i2_identity_G.I": string };
}
interface StringVectors {
  prepend_len: Record<string, string>;
  lv_cat: Record<string, string>;
  o_cat: Record<string, string | Record<string, boolean>> & { lexiographically_larger: Record<string, boolean> };
  transcript_ir: Record<string, string>;
  transcript_oc: Record<string, string>;
}

const file = JSON.parse(readFileSync(join(import.meta.dir, "../vectors/cpace-draft21.json"), "utf8"));
const v = file["CPACE-RISTR255-SHA512"] as RistrettoVectors;
const strings = file.string_utilities as StringVectors;

const hex = (h: string) => Uint8Array.from(h.match(/../g) ?? [], (b) => parseInt(b, 16));
const toHex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
const ascii = (s: string) => new TextEncoder().encode(s);
const { PRS, CI, sid, ADa, ADb } = { PRS: hex(v.inputs.PRS), CI: hex(v.inputs.CI), sid: hex(v.inputs.sid), ADa: hex(v.inputs.ADa), ADb: hex(v.inputs.ADb) };

describe("CPace draft-21 known answers (CPACE-RISTR255-SHA512)", () => {
  test("the suite constants match the vector's inputs", () => {
    expect(v.inputs.H).toBe("SHA-512");
    expect(v.inputs["H.s_in_bytes"]).toBe(128);
    expect(toHex(DSI)).toBe(v.inputs.DSI);
    // ZPAD: 128 - 1 - len(prepend_len(PRS)) - len(prepend_len(DSI))
    expect(128 - 1 - prependLen(PRS).length - prependLen(DSI).length).toBe(v.inputs.ZPAD_length);
  });

  test("the generator string, its hash and the encoded generator g are reproduced", async () => {
    const gs = generatorString(DSI, PRS, CI, sid);
    expect(toHex(gs)).toBe(v.calculate_generator.generator_string);
    const hash = new Uint8Array(await crypto.subtle.digest("SHA-512", gs as BufferSource));
    expect(toHex(hash)).toBe(v.calculate_generator.hash_result_64);
    expect(toHex(calculateGenerator(PRS, CI, sid))).toBe(v.calculate_generator.encoded_generator_g);
  });

  test("Ya and Yb are the vector's scalars times g", () => {
    const g = calculateGenerator(PRS, CI, sid);
    expect(toHex(scalarMult(hex(v.message_A.ya_le), g))).toBe(v.message_A.Ya);
    expect(toHex(scalarMult(hex(v.message_B.yb_le), g))).toBe(v.message_B.Yb);
  });

  test("both parties compute the same K as the vector", () => {
    expect(toHex(scalarMultVfy(hex(v.message_A.ya_le), hex(v.message_B.Yb)))).toBe(v.K["scalar_mult_vfy(ya,Yb)"]);
    expect(toHex(scalarMultVfy(hex(v.message_B.yb_le), hex(v.message_A.Ya)))).toBe(v.K["scalar_mult_vfy(yb,Ya)"]);
    expect(toHex(sharedSecret(hex(v.message_A.ya_le), hex(v.message_B.Yb)))).toBe(v.K["scalar_mult_vfy(ya,Yb)"]);
  });

  test("the initiator-responder transcript, hash input and ISK are reproduced", () => {
    const [Ya, Yb, K] = [hex(v.message_A.Ya), hex(v.message_B.Yb), hex(v.K["scalar_mult_vfy(ya,Yb)"])];
    const ir = v.initiator_responder;
    expect(toHex(transcriptIr(Ya, ADa, Yb, ADb))).toBe(ir.transcript_ir);
    expect(toHex(new Uint8Array([...DSI, ...ascii("_ISK")]))).toBe(ir.DSI_ISK);
    expect(toHex(lvCat(hex(ir.DSI_ISK), sid, K)) + ir.transcript_ir).toBe(ir.hash_input);
    expect(toHex(iskIr(sid, K, Ya, ADa, Yb, ADb))).toBe(ir.ISK_IR);
  });

  test("the symmetric transcript, hash input and ISK are reproduced", () => {
    const [Ya, Yb, K] = [hex(v.message_A.Ya), hex(v.message_B.Yb), hex(v.K["scalar_mult_vfy(ya,Yb)"])];
    expect(toHex(transcriptOc(Ya, ADa, Yb, ADb))).toBe(v.symmetric.transcript_oc);
    expect(toHex(lvCat(hex(v.initiator_responder.DSI_ISK), sid, K)) + v.symmetric.transcript_oc).toBe(v.symmetric.hash_input);
    expect(toHex(iskSymmetric(sid, K, Ya, ADa, Yb, ADb))).toBe(v.symmetric.ISK_SY);
  });

  test("both sid outputs are reproduced", () => {
    expect(toHex(sidOutput(hex(v.initiator_responder.transcript_ir)))).toBe(v.sid_output.sid_output_ir);
    expect(toHex(sidOutput(hex(v.symmetric.transcript_oc)))).toBe(v.sid_output.sid_output_oc);
  });

  test("scalar_mult and scalar_mult_vfy agree on a valid point", () => {
    const s = v.scalar_mult_valid;
    expect(toHex(scalarMult(hex(s.s), hex(s.X)))).toBe(s["G.scalar_mult(s,decode(X))"]);
    expect(toHex(scalarMultVfy(hex(s.s), hex(s.X)))).toBe(s["G.scalar_mult_vfy(s,X)"]);
  });

  test("an invalid encoding yields G.I and is refused", () => {
    const bad = v.scalar_mult_vfy_invalid;
    expect(toHex(scalarMultVfy(hex(bad.s), hex(bad.Y_i1_invalid_encoding)))).toBe(toHex(IDENTITY));
    expect(() => sharedSecret(hex(bad.s), hex(bad.Y_i1_invalid_encoding))).toThrow(ProtocolError);
  });

  test("the identity element yields G.I and is refused", () => {
    const bad = v.scalar_mult_vfy_invalid;
    expect(toHex(IDENTITY)).toBe(bad["Y_i2_identity_G.I"]);
    expect(toHex(scalarMultVfy(hex(bad.s), hex(bad["Y_i2_identity_G.I"])))).toBe(toHex(IDENTITY));
    expect(() => sharedSecret(hex(bad.s), hex(bad["Y_i2_identity_G.I"]))).toThrow(ProtocolError);
  });

  test("a point of the wrong length is refused", () => {
    expect(() => sharedSecret(hex(v.message_A.ya_le), hex(v.message_B.Yb).subarray(1))).toThrow(ProtocolError);
  });
});

describe("CPace draft-21 string utilities (appendix A)", () => {
  test("prepend_len encodes lengths as LEB128", () => {
    const p = strings.prepend_len;
    expect(toHex(prependLen(new Uint8Array()))).toBe(p['prepend_len(b"")']!);
    expect(toHex(prependLen(ascii("1234")))).toBe(p['prepend_len(b"1234")']!);
    expect(toHex(prependLen(Uint8Array.from({ length: 127 }, (_, i) => i)))).toBe(p["prepend_len(bytes(range(127)))"]!);
    expect(toHex(prependLen(Uint8Array.from({ length: 128 }, (_, i) => i)))).toBe(p["prepend_len(bytes(range(128)))"]!);
  });

  test("lv_cat length-prefixes every part", () => {
    expect(toHex(lvCat(ascii("1234"), ascii("5"), ascii(""), ascii("678")))).toBe(strings.lv_cat['lv_cat(b"1234",b"5",b"",b"678")']!);
  });

  test("o_cat puts the lexicographically larger string first", () => {
    expect(toHex(oCat(ascii("ABCD"), ascii("BCD")))).toBe(strings.o_cat['o_cat(b"ABCD",b"BCD")'] as string);
    expect(toHex(oCat(ascii("BCD"), ascii("ABCDE")))).toBe(strings.o_cat['o_cat(b"BCD",b"ABCDE")'] as string);
  });

  test("lexicographically_larger matches every listed pair", () => {
    const cases: [string, Uint8Array, Uint8Array][] = [
      ['(b"\\0", b"\\0\\0")', Uint8Array.of(0), Uint8Array.of(0, 0)],
      ['(b"\\1", b"\\0\\0")', Uint8Array.of(1), Uint8Array.of(0, 0)],
      ['(b"\\0\\0", b"\\0")', Uint8Array.of(0, 0), Uint8Array.of(0)],
      ['(b"\\0\\0", b"\\1")', Uint8Array.of(0, 0), Uint8Array.of(1)],
      ['(b"\\0\\1", b"\\1")', Uint8Array.of(0, 1), Uint8Array.of(1)],
      ['(b"ABCD", b"BCD")', ascii("ABCD"), ascii("BCD")],
    ];
    const table = strings.o_cat.lexiographically_larger;
    expect(Object.keys(table).sort()).toEqual(cases.map((c) => c[0]).sort());
    for (const [key, a, b] of cases) expect([key, lexicographicallyLarger(a, b)]).toEqual([key, table[key]!]);
  });

  test("transcript_ir and transcript_oc match both listed examples", () => {
    expect(toHex(transcriptIr(ascii("123"), ascii("PartyA"), ascii("234"), ascii("PartyB")))).toBe(strings.transcript_ir['transcript_ir(b"123",b"PartyA",b"234",b"PartyB")']!);
    expect(toHex(transcriptIr(ascii("3456"), ascii("PartyA"), ascii("2345"), ascii("PartyB")))).toBe(strings.transcript_ir['transcript_ir(b"3456",b"PartyA",b"2345",b"PartyB")']!);
    expect(toHex(transcriptOc(ascii("123"), ascii("PartyA"), ascii("234"), ascii("PartyB")))).toBe(strings.transcript_oc['transcript_oc(b"123",b"PartyA",b"234",b"PartyB")']!);
    expect(toHex(transcriptOc(ascii("3456"), ascii("PartyA"), ascii("2345"), ascii("PartyB")))).toBe(strings.transcript_oc['transcript_oc(b"3456",b"PartyA",b"2345",b"PartyB")']!);
  });
});

describe("CPace runs", () => {
  test("two parties with the same password derive the same ISK and tags", () => {
    const a = startCpace(PRS, CI, sid);
    const b = startCpace(PRS, CI, sid);
    const iskA = iskIr(sid, sharedSecret(a.y, b.Y), a.Y, new Uint8Array(), b.Y, ADb);
    const iskB = iskIr(sid, sharedSecret(b.y, a.Y), a.Y, new Uint8Array(), b.Y, ADb);
    expect(toHex(iskA)).toBe(toHex(iskB));
    expect(constantTimeEqual(confirmationTag(sid, iskA, b.Y, ADb), confirmationTag(sid, iskB, b.Y, ADb))).toBe(true);
  });

  test("two parties with different passwords derive different ISKs", () => {
    const a = startCpace(PRS, CI, sid);
    const b = startCpace(ascii("Passwore"), CI, sid);
    const iskA = iskIr(sid, sharedSecret(a.y, b.Y), a.Y, ADa, b.Y, ADb);
    const iskB = iskIr(sid, sharedSecret(b.y, a.Y), a.Y, ADa, b.Y, ADb);
    expect(toHex(iskA)).not.toBe(toHex(iskB));
  });

  test("sampled scalars are 32 bytes, fresh and below the group order", () => {
    const order = 2n ** 252n + 27742317777372353535851937790883648493n;
    const seen = new Set<string>();
    for (let i = 0; i < 32; i++) {
      const s = sampleScalar();
      expect(s.length).toBe(32);
      const n = BigInt("0x" + toHex(s.slice().reverse()));
      expect(n > 0n && n < order).toBe(true);
      seen.add(toHex(s));
    }
    expect(seen.size).toBe(32);
  });

  test("constantTimeEqual tells equal from unequal and different lengths", () => {
    expect(constantTimeEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 2))).toBe(true);
    expect(constantTimeEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 3))).toBe(false);
    expect(constantTimeEqual(Uint8Array.of(1, 2), Uint8Array.of(1))).toBe(false);
  });
});
