import { describe, expect, test } from "bun:test";
import { hkdfSync } from "node:crypto";
import { deriveTransferSecrets } from "../../src/crypto/key_schedule.ts";
import { bytesToWords } from "../../src/crypto/passphrase.ts";

const isk = Uint8Array.from({ length: 64 }, (_, i) => i);
const sid = Uint8Array.from({ length: 32 }, (_, i) => 255 - i);

describe("key schedule after CPace (PROTOCOL.md §3)", () => {
  test("gives the psk and SAS WebCrypto's HKDF-SHA512 gave for these inputs (a pinned vector)", async () => {
    const { psk, sas } = deriveTransferSecrets(isk, sid);
    expect(Buffer.from(psk).toString("hex")).toBe("9bd31393cc637beb0f3d742f1982f2f0e8020b1bf619ed05f8780007f6b40e6f");
    expect(sas).toBe(bytesToWords(Buffer.from("12e39ddae7", "hex")).join(" "));
    // And WebCrypto still agrees, so the pin is not just this implementation's own output.
    const key = await crypto.subtle.importKey("raw", isk, "HKDF", false, ["deriveBits"]);
    const fromWebCrypto = await crypto.subtle.deriveBits({ name: "HKDF", hash: "SHA-512", salt: sid, info: new TextEncoder().encode("ccshare/1 hpke psk") }, key, 256);
    expect(psk).toEqual(new Uint8Array(fromWebCrypto));
  });

  test("the psk is HKDF-SHA512(salt = sid, ikm = ISK, 'ccshare/1 hpke psk', 32), checked against node:crypto", async () => {
    const { psk } = deriveTransferSecrets(isk, sid);
    expect(psk).toEqual(new Uint8Array(hkdfSync("sha512", isk, sid, "ccshare/1 hpke psk", 32)));
  });

  test("the SAS is 5 bytes of HKDF-Expand(prk, 'ccshare/1 sas') shown as 4 words", async () => {
    const { sas } = deriveTransferSecrets(isk, sid);
    const expected = bytesToWords(new Uint8Array(hkdfSync("sha512", isk, sid, "ccshare/1 sas", 5)));
    expect(sas).toBe(expected.join(" "));
    expect(sas.split(" ")).toHaveLength(4);
  });

  test("a different sid gives a different psk and SAS", async () => {
    const a = deriveTransferSecrets(isk, sid);
    const b = deriveTransferSecrets(isk, sid.map((x) => x ^ 1));
    expect(a.psk).not.toEqual(b.psk);
    expect(a.sas).not.toBe(b.sas);
  });
});
