// Our HPKE key schedule and record contexts (src/crypto/hpke_context.ts)
// against the published vectors, and against @hpke/core in both directions.
// RFC 9180 appendix A.1 prints DHKEM(X25519, HKDF-SHA256)/HKDF-SHA256 with
// AES-128-GCM; the schedule only differs by the AEAD id in suite_id and the key
// length, so A.1.1 (mode_base) and A.1.2 (mode_psk) are checked with
// AES-128-GCM, and our own suite (AES-256-GCM) with the CFRG
// test-vectors.json entry for mode 0, kem 0x0020, kdf 0x0001, aead 0x0002.
import { describe, expect, test } from "bun:test";
import { Aes256Gcm, CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from "@hpke/core";
import { generateRecipientKeyPair, PSK_ID, reverseKey, setupBundleReceiver, setupBundleSender, setupTransferReceiver, setupTransferSender, TRANSFER_INFO, BUNDLE_INFO } from "../../src/crypto/hpke.ts";
import { AEAD_AES_128_GCM, AEAD_AES_256_GCM, HpkeContext, keySchedule, MODE_BASE, MODE_PSK, type KeyScheduleInput } from "../../src/crypto/hpke_context.ts";

const hex = (h: string) => Uint8Array.from(h.match(/../g) ?? [], (b) => parseInt(b, 16));
const toHex = (b: Uint8Array | ArrayBuffer) => Array.from(new Uint8Array(b), (x) => x.toString(16).padStart(2, "0")).join("");
const text = (s: string) => new TextEncoder().encode(s);
const suite = new CipherSuite({ kem: new DhkemX25519HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes256Gcm() });

interface Vector {
  name: string;
  input: KeyScheduleInput;
  ikmE?: string;
  ikmR?: string;
  skRm?: string;
  enc: string;
  keyScheduleContext: string;
  secret: string;
  key: string;
  baseNonce: string;
  exporterSecret?: string;
  /** Ciphertexts of the RFC's plaintext under aad "Count-<seq>", from seq 0. */
  cts: string[];
  /** exporter_context "", 00, "TestContext"; L = 32. */
  exports: [string, string, string];
}

const INFO = hex("4f6465206f6e2061204772656369616e2055726e"); // "Ode on a Grecian Urn"
const PT = hex("4265617574792069732074727574682c20747275746820626561757479");

const VECTORS: Vector[] = [
  {
    name: "RFC 9180 A.1.1 (mode_base, AES-128-GCM)",
    input: { mode: MODE_BASE, aead: AEAD_AES_128_GCM, info: INFO, sharedSecret: hex("fe0e18c9f024ce43799ae393c7e8fe8fce9d218875e8227b0187c04e7d2ea1fc") },
    ikmE: "7268600d403fce431561aef583ee1613527cff655c1343f29812e66706df3234",
    ikmR: "6db9df30aa07dd42ee5e8181afdb977e538f5e1fec8a06223f33f7013e525037",
    enc: "37fda3567bdbd628e88668c3c8d7e97d1d1253b6d4ea6d44c150f741f1bf4431",
    keyScheduleContext: "00725611c9d98c07c03f60095cd32d400d8347d45ed67097bbad50fc56da742d07cb6cffde367bb0565ba28bb02c90744a20f5ef37f30523526106f637abb05449",
    secret: "12fff91991e93b48de37e7daddb52981084bd8aa64289c3788471d9a9712f397",
    key: "4531685d41d65f03dc48f6b8302c05b0",
    baseNonce: "56d890e5accaaf011cff4b7d",
    exporterSecret: "45ff1c2e220db587171952c0592d5f5ebe103f1561a2614e38f2ffd47e99e3f8",
    cts: [
      "f938558b5d72f1a23810b4be2ab4f84331acc02fc97babc53a52ae8218a355a96d8770ac83d07bea87e13c512a",
      "af2d7e9ac9ae7e270f46ba1f975be53c09f8d875bdc8535458c2494e8a6eab251c03d0c22a56b8ca42c2063b84",
      "498dfcabd92e8acedc281e85af1cb4e3e31c7dc394a1ca20e173cb72516491588d96a19ad4a683518973dcc180",
    ],
    exports: [
      "3853fe2b4035195a573ffc53856e77058e15d9ea064de3e59f4961d0095250ee",
      "2e8f0b54673c7029649d4eb9d5e33bf1872cf76d623ff164ac185da9e88c21a5",
      "e9e43065102c3836401bed8c3c3c75ae46be1639869391d62c61f1ec7af54931",
    ],
  },
  {
    name: "RFC 9180 A.1.2 (mode_psk, AES-128-GCM)",
    input: {
      mode: MODE_PSK,
      aead: AEAD_AES_128_GCM,
      info: INFO,
      sharedSecret: hex("727699f009ffe3c076315019c69648366b69171439bd7dd0807743bde76986cd"),
      psk: hex("0247fd33b913760fa1fa51e1892d9f307fbe65eb171e8132c2af18555a738b82"),
      pskId: hex("456e6e796e20447572696e206172616e204d6f726961"),
    },
    ikmE: "78628c354e46f3e169bd231be7b2ff1c77aa302460a26dbfa15515684c00130b",
    ikmR: "d4a09d09f575fef425905d2ab396c1449141463f698f8efdb7accfaff8995098",
    enc: "0ad0950d9fb9588e59690b74f1237ecdf1d775cd60be2eca57af5a4b0471c91b",
    keyScheduleContext: "01e78d5cf6190d275863411ff5edd0dece5d39fa48e04eec1ed9b71be34729d18ccb6cffde367bb0565ba28bb02c90744a20f5ef37f30523526106f637abb05449",
    secret: "3728ab0b024b383b0381e432b47cced1496d2516957a76e2a9f5c8cb947afca4",
    key: "15026dba546e3ae05836fc7de5a7bb26",
    baseNonce: "9518635eba129d5ce0914555",
    exporterSecret: "3d76025dbbedc49448ec3f9080a1abab6b06e91c0b11ad23c912f043a0ee7655",
    cts: [
      "e52c6fed7f758d0cf7145689f21bc1be6ec9ea097fef4e959440012f4feb73fb611b946199e681f4cfc34db8ea",
      "49f3b19b28a9ea9f43e8c71204c00d4a490ee7f61387b6719db765e948123b45b61633ef059ba22cd62437c8ba",
    ],
    exports: [
      "dff17af354c8b41673567db6259fd6029967b4e1aad13023c2ae5df8f4f43bf6",
      "6a847261d8207fe596befb52928463881ab493da345b10e1dcc645e3b94e2d95",
      "8aff52b45a1be3a734bc7a41e20b4e055ad4c4d22104b0c20285a7c4302401cd",
    ],
  },
  {
    name: "CFRG test-vectors.json mode 0, AES-256-GCM (our suite)",
    input: { mode: MODE_BASE, aead: AEAD_AES_256_GCM, info: INFO, sharedSecret: hex("3101c54c3a4f87439eaac080699ed9bbcc726ffe44e860c0424ccb7e3e2ead7b") },
    skRm: "497b4502664cfea5d5af0b39934dac72242a74f8480451e1aee7d6a53320333d",
    enc: "6c93e09869df3402d7bf231bf540fadd35cd56be14f97178f0954db94b7fc256",
    keyScheduleContext: "004ce5472ecdd5093ba0aecb8f871ff13f1fbc90ee76f0e18ace1a1b7e565bafa306f6ef962c9ee7cea40407b5d60f0f26990472faae3ac44c78366f1cac1ecde1",
    secret: "2058ac9b02c1f52c1aaf08bedbec9198219751a94ef67b7d5f0c8b6e2b54ebfb",
    key: "f50b0609186798729ed0564b36ef2ef8044f1f9d05636874d1f46c819c7a669f",
    baseNonce: "151d9929e2449747889bc923",
    cts: ["e5d84cd531cfb583096e7cfa9641bd3079cf3a91cda813c52deb5f512be9931980a41de125a925cdad859d5b7a"],
    exports: [
      "ded6cffafaea6b812cbf3e241e88332adbc077aca81512914213810ee291770a",
      "04d3cb6cc116b28ffd22ad5bc276c60d31fec71ceb87ae24db811c64b7507339",
      "7c5ded445732c14fe09727d29b4251c0fd38455fe8440571e687f0886aac94d2",
    ],
  },
];

describe("key schedule known answers", () => {
  for (const v of VECTORS) {
    test(`${v.name}: every schedule output matches`, () => {
      const schedule = keySchedule(v.input);
      expect(toHex(schedule.keyScheduleContext)).toBe(v.keyScheduleContext);
      expect(toHex(schedule.secret)).toBe(v.secret);
      expect(toHex(schedule.key)).toBe(v.key);
      expect(toHex(schedule.baseNonce)).toBe(v.baseNonce);
      if (v.exporterSecret) expect(toHex(schedule.exporterSecret)).toBe(v.exporterSecret);
    });

    test(`${v.name}: sealing in sequence gives the published ciphertexts, and they open`, () => {
      const sealer = new HpkeContext(keySchedule(v.input));
      const opener = new HpkeContext(keySchedule(v.input));
      v.cts.forEach((ct, seq) => {
        expect(toHex(sealer.seal(text(`Count-${seq}`), PT))).toBe(ct);
        expect(opener.open(text(`Count-${seq}`), hex(ct))).toEqual(PT);
      });
    });

    test(`${v.name}: the exported secrets match`, () => {
      const ctx = new HpkeContext(keySchedule(v.input));
      expect([new Uint8Array(0), hex("00"), text("TestContext")].map((c) => toHex(ctx.export(c, 32)))).toEqual(v.exports);
    });

    test(`${v.name}: @hpke/core's KEM yields the vector's shared secret`, async () => {
      const recipientKey = v.ikmR ? await suite.kem.deriveKeyPair(hex(v.ikmR)) : await suite.kem.importKey("raw", hex(v.skRm!).buffer, false);
      expect(toHex(await suite.kem.decap({ recipientKey, enc: hex(v.enc) }))).toBe(toHex(v.input.sharedSecret));
      if (v.ikmE && "publicKey" in recipientKey) {
        const { enc, sharedSecret } = await suite.kem.encap({ recipientPublicKey: recipientKey.publicKey, ekm: hex(v.ikmE) });
        expect([toHex(enc), toHex(sharedSecret)]).toEqual([v.enc, toHex(v.input.sharedSecret)]);
      }
    });
  }

  test("a record that does not authenticate leaves the sequence number where it was", () => {
    const v = VECTORS[0]!;
    const opener = new HpkeContext(keySchedule(v.input));
    expect(opener.open(text("Count-1"), hex(v.cts[0]!))).toBeUndefined();
    expect(opener.open(text("Count-0"), hex(v.cts[0]!))).toEqual(PT);
    expect(opener.open(text("Count-1"), hex(v.cts[1]!))).toEqual(PT);
  });

  test("inconsistent psk inputs are refused (RFC 9180 §5.1 VerifyPSKInputs, §5.1.2 psk size)", () => {
    const base = { info: INFO, sharedSecret: new Uint8Array(32) };
    expect(() => keySchedule({ ...base, mode: MODE_PSK, psk: new Uint8Array(32) })).toThrow(RangeError);
    expect(() => keySchedule({ ...base, mode: MODE_PSK, psk: new Uint8Array(31).fill(1), pskId: text("id") })).toThrow(/at least 32 bytes/);
    expect(() => keySchedule({ ...base, mode: MODE_BASE, psk: new Uint8Array(32).fill(1), pskId: text("id") })).toThrow(/mode_base/);
    expect(() => keySchedule({ ...base, mode: MODE_PSK })).toThrow(RangeError);
  });
});

describe("interoperates with @hpke/core (DHKEM(X25519)/HKDF-SHA256/AES-256-GCM)", () => {
  const psk = new Uint8Array(32).fill(7);
  const pskParams = { id: PSK_ID, key: psk };
  const aad = (final: boolean) => Uint8Array.of(final ? 1 : 0);

  test("our mode_psk sealer -> @hpke/core's opener, and the same exported reverse key", async () => {
    const keys = await generateRecipientKeyPair();
    const sealer = await setupTransferSender(keys.publicKey, psk);
    const theirs = await suite.createRecipientContext({ recipientKey: keys.keys, enc: sealer.enc, info: TRANSFER_INFO, psk: pskParams });
    for (let i = 0; i < 3; i++) {
      const sealed = await sealer.seal(text(`record ${i}`), i === 2);
      expect(new TextDecoder().decode(await theirs.open(sealed as BufferSource, aad(i === 2)))).toBe(`record ${i}`);
    }
    expect(toHex(await reverseKey(sealer))).toBe(toHex(await theirs.export(text("ccshare/1 reverse"), 32)));
  });

  test("@hpke/core's mode_psk sealer -> our opener", async () => {
    const keys = await generateRecipientKeyPair();
    const theirs = await suite.createSenderContext({ recipientPublicKey: keys.keys.publicKey, info: TRANSFER_INFO, psk: pskParams });
    const opener = await setupTransferReceiver(keys, new Uint8Array(theirs.enc), psk);
    const big = crypto.getRandomValues(new Uint8Array(65536));
    for (const [plain, final] of [[text("first"), false], [big, false], [text("last"), true]] as const) {
      const opened = await opener.open(new Uint8Array(await theirs.seal(plain as BufferSource, aad(final))));
      expect(opened).toEqual({ plain, final });
    }
    expect(toHex(await reverseKey(opener))).toBe(toHex(await theirs.export(text("ccshare/1 reverse"), 32)));
  });

  test("bundles (mode_base, header in the AAD) interoperate both ways", async () => {
    const keys = await suite.kem.deriveKeyPair(new Uint8Array(32).fill(3));
    const publicKey = new Uint8Array(await suite.kem.serializePublicKey(keys.publicKey));
    const header = text("CCSHARE\0 header");
    const headerAad = (final: boolean) => new Uint8Array([...header, final ? 1 : 0]);

    const ours = await setupBundleSender(publicKey, header);
    const theirOpener = await suite.createRecipientContext({ recipientKey: keys, enc: ours.enc, info: BUNDLE_INFO });
    expect(new Uint8Array(await theirOpener.open((await ours.seal(text("bundle record"), true)) as BufferSource, headerAad(true)))).toEqual(text("bundle record"));

    const theirSealer = await suite.createSenderContext({ recipientPublicKey: keys.publicKey, info: BUNDLE_INFO });
    const ourOpener = await setupBundleReceiver({ publicKey, keys }, new Uint8Array(theirSealer.enc), header);
    const sealed = new Uint8Array(await theirSealer.seal(text("from hpke-js") as BufferSource, headerAad(false)));
    expect(await ourOpener.open(sealed)).toEqual({ plain: text("from hpke-js"), final: false });
  });
});
