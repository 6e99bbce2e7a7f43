import { describe, expect, test } from "bun:test";
import { hkdfSync } from "node:crypto";
import { deriveTransferSecrets } from "../../src/crypto/key_schedule.ts";
import { bytesToWords } from "../../src/crypto/passphrase.ts";

const isk = Uint8Array.from({ length: 64 }, (_, i) => i);
const sid = Uint8Array.from({ length: 32 }, (_, i) => 255 - i);

describe("key schedule after CPace (PROTOCOL.md §3)", () => {
  test("the psk is HKDF-SHA512(salt = sid, ikm = ISK, 'ccshare/1 hpke psk', 32), checked against node:crypto", async () => {
    const { psk } = await deriveTransferSecrets(isk, sid);
    expect(psk).toEqual(new Uint8Array(hkdfSync("sha512", isk, sid, "ccshare/1 hpke psk", 32)));
  });

  test("the SAS is 5 bytes of HKDF-Expand(prk, 'ccshare/1 sas') shown as 4 words", async () => {
    const { sas } = await deriveTransferSecrets(isk, sid);
    const expected = bytesToWords(new Uint8Array(hkdfSync("sha512", isk, sid, "ccshare/1 sas", 5)));
    expect(sas).toBe(expected.join(" "));
    expect(sas.split(" ")).toHaveLength(4);
  });

  test("a different sid gives a different psk and SAS", async () => {
    const a = await deriveTransferSecrets(isk, sid);
    const b = await deriveTransferSecrets(isk, sid.map((x) => x ^ 1));
    expect(a.psk).not.toEqual(b.psk);
    expect(a.sas).not.toBe(b.sas);
  });
});
