// The handshake between a real sharer and a real receiver over in-memory
// channels, and every way a peer or a machine in the middle can misbehave.
// Hostile tests are named for the attack; each ends in one specific error.
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { LimitExceededError, PeerGoneError, ProtocolError, TamperedStreamError, TimeoutError, WrongPassphraseError } from "../../src/errors.ts";
import { memoryChannelPair, type Channel } from "../../src/net/channel.ts";
import { DEFAULT_LIMITS } from "../../src/pack/limits.ts";
import { decodeMessage, encodeMessage, type Message } from "../../src/pack/cbor.ts";
import { MAX_RECORD_PLAINTEXT, handshakeAsReceiver, handshakeAsSharer, type ReceiverSession, type SharerSession } from "../../src/transfer/handshake.ts";

const ROOM = "K7P2QX";
const PASS = "orbit-maple-tiger-flute";
const text = (s: string) => new TextEncoder().encode(s);
const read = (b: Uint8Array) => new TextDecoder().decode(b);
/** From test/vectors/cpace-draft21.json, B.3.11: not a valid ristretto255 encoding. */
const INVALID_POINT = Uint8Array.from("2b3c6b8c4f3800e7aef6864025b4ed79bd599117e427c41bd47d93d654b4a51c".match(/../g)!, (b) => parseInt(b, 16));

type Direction = "S->R" | "R->S";
/** What a machine in the middle does with one message: pass it on (possibly changed), drop it, or reply itself. */
type Tamper = (direction: Direction, message: Message, bytes: Uint8Array) => Uint8Array | Uint8Array[] | { reflect: Uint8Array } | null;

interface Wire {
  sharer: Channel;
  receiver: Channel;
  /** Every message each side sent, decoded, in order. */
  sent: Record<Direction, Message[]>;
}

/** A sharer and a receiver joined through a machine in the middle that applies `tamper`. */
function wire(tamper: Tamper = (_d, _m, bytes) => bytes): Wire {
  const [sharer, sharerFar] = memoryChannelPair();
  const [receiverFar, receiver] = memoryChannelPair();
  const sent: Wire["sent"] = { "S->R": [], "R->S": [] };
  const pump = async (from: Channel, to: Channel, back: Channel, direction: Direction) => {
    try {
      for (;;) {
        const bytes = await from.receive();
        const message = decodeMessage(bytes);
        sent[direction].push(message);
        const out = tamper(direction, message, bytes);
        if (out === null) continue;
        if (out instanceof Uint8Array) await to.send(out);
        else if (Array.isArray(out)) for (const m of out) await to.send(m);
        else await back.send(out.reflect);
      }
    } catch {
      to.close();
      back.close();
    }
  };
  void pump(sharerFar, receiverFar, sharerFar, "S->R");
  void pump(receiverFar, sharerFar, receiverFar, "R->S");
  return { sharer, receiver, sent };
}

/** Change one field of the first message of type `t` going `direction`. */
function edit(direction: Direction, t: string, change: (m: Message) => void): Tamper {
  let done = false;
  return (d, message, bytes) => {
    if (d !== direction || message.t !== t || done) return bytes;
    done = true;
    change(message);
    return encodeMessage(message);
  };
}

function flip(bytes: Uint8Array, bit = 0): Uint8Array {
  const out = bytes.slice();
  out[bit >> 3]! ^= 1 << (bit & 7);
  return out;
}

async function both(w: Wire, receiverPass = PASS, timeoutMs = 5_000) {
  const results = await Promise.allSettled([
    handshakeAsSharer(w.sharer, { room: ROOM, passphrase: PASS, timeoutMs }),
    handshakeAsReceiver(w.receiver, { room: ROOM, passphrase: receiverPass, timeoutMs }),
  ]);
  const reason = (r: PromiseSettledResult<unknown>) => (r.status === "rejected" ? r.reason : undefined);
  return { sharer: results[0], receiver: results[1], sharerError: reason(results[0]), receiverError: reason(results[1]) };
}

async function sessions(): Promise<{ sharer: SharerSession; receiver: ReceiverSession }> {
  const [s, r] = memoryChannelPair();
  const [sharer, receiver] = await Promise.all([handshakeAsSharer(s, { room: ROOM, passphrase: PASS }), handshakeAsReceiver(r, { room: ROOM, passphrase: PASS })]);
  return { sharer, receiver };
}

const types = (messages: Message[]) => messages.map((m) => m.t);

describe("handshake between honest peers", () => {
  test("both sides agree and exchange sealed records both ways", async () => {
    const { sharer, receiver } = await sessions();
    expect(sharer.sas).toBe(receiver.sas);
    expect(sharer.sas.split(" ")).toHaveLength(4);
    const sealed = [await sharer.seal(text("catalog"), false), await sharer.seal(text("done"), true)];
    expect(decodeMessage(sealed[0]!).t).toBe("rec");
    expect(await receiver.open(sealed[0]!)).toEqual({ plain: text("catalog"), final: false });
    expect(await receiver.open(sealed[1]!)).toEqual({ plain: text("done"), final: true });
    const reply = await receiver.sealReverse(text("want"));
    expect(decodeMessage(reply).t).toBe("rev");
    expect(read(await sharer.openReverse(reply))).toBe("want");
    expect(read(await sharer.openReverse(await receiver.sealReverse(text("result"))))).toBe("result");
  });

  test("the messages on the wire follow PROTOCOL.md §3 in order", async () => {
    const w = wire();
    const { sharer, receiver } = await both(w);
    expect([sharer.status, receiver.status]).toEqual(["fulfilled", "fulfilled"]);
    expect(types(w.sent["R->S"])).toEqual(["hello", "pake"]);
    expect(types(w.sent["S->R"])).toEqual(["hello", "pake", "confirm"]);
    const [helloR, pakeR] = w.sent["R->S"] as [Message, Message];
    expect(helloR).toMatchObject({ v: 1, role: "receive" });
    expect((helloR.nonce as Uint8Array).length).toBe(16);
    expect([(pakeR.Y as Uint8Array).length, (pakeR.pk as Uint8Array).length, (pakeR.tag as Uint8Array).length]).toEqual([32, 32, 64]);
    expect(Object.keys(w.sent["S->R"][1]!).sort()).toEqual(["Y", "t"]);
  });

  test("two runs with the same passphrase use fresh randomness", async () => {
    const [a, b] = await Promise.all([sessions(), sessions()]);
    expect(a.sharer.sas).not.toBe(b.sharer.sas);
  });

  test("a lower-case room and a decomposed passphrase still match", async () => {
    const [s, r] = memoryChannelPair();
    const [sharer, receiver] = await Promise.all([
      handshakeAsSharer(s, { room: ROOM, passphrase: "caf\u00e9" }),
      handshakeAsReceiver(r, { room: ROOM.toLowerCase(), passphrase: "cafe\u0301" }),
    ]);
    expect(sharer.sas).toBe(receiver.sas);
  });
});

describe("hostile peers and machines in the middle", () => {
  test("a wrong passphrase fails on both sides, and the sharer sends exactly one fail and closes", async () => {
    const w = wire();
    const r = await both(w, "orbit-maple-tiger-flutE");
    expect(r.sharerError).toBeInstanceOf(WrongPassphraseError);
    expect(r.receiverError).toBeInstanceOf(WrongPassphraseError);
    expect(types(w.sent["S->R"])).toEqual(["hello", "pake", "fail"]);
    expect(w.sent["S->R"][2]).toEqual({ t: "fail", why: "passphrase" });
    expect(await w.sharer.closed).toMatchObject({ reason: "wrong passphrase" });
  });

  test("a receiver's tag altered in transit makes the sharer refuse with WrongPassphraseError", async () => {
    const r = await both(wire(edit("R->S", "pake", (m) => (m.tag = flip(m.tag as Uint8Array, 100)))));
    expect(r.sharerError).toBeInstanceOf(WrongPassphraseError);
    expect(r.receiverError).toBeInstanceOf(WrongPassphraseError);
  });

  test("a confirmation tag mismatch makes the receiver refuse with WrongPassphraseError", async () => {
    const r = await both(wire(edit("S->R", "confirm", (m) => (m.tag = flip(m.tag as Uint8Array, 7)))));
    expect(r.receiverError).toBeInstanceOf(WrongPassphraseError);
  });

  test("a receiver sending the identity as Yb is refused, with no fail message", async () => {
    const w = wire(edit("R->S", "pake", (m) => (m.Y = new Uint8Array(32))));
    const r = await both(w);
    expect(r.sharerError).toBeInstanceOf(ProtocolError);
    expect((r.sharerError as Error).message).toMatch(/invalid CPace point/);
    expect(types(w.sent["S->R"])).toEqual(["hello", "pake"]);
  });

  test("a receiver sending an invalid encoding as Yb is refused", async () => {
    const w = wire(edit("R->S", "pake", (m) => (m.Y = INVALID_POINT)));
    const r = await both(w);
    expect(r.sharerError).toBeInstanceOf(ProtocolError);
    expect(types(w.sent["S->R"])).toEqual(["hello", "pake"]);
  });

  test("a sharer sending the identity as Ya is refused by the receiver", async () => {
    const r = await both(wire(edit("S->R", "pake", (m) => (m.Y = new Uint8Array(32)))));
    expect(r.receiverError).toBeInstanceOf(ProtocolError);
  });

  test("a receiver's own hello reflected back to it is refused", async () => {
    const reflect: Tamper = (d, m, bytes) => (d === "R->S" && m.t === "hello" ? { reflect: bytes } : bytes);
    const r = await both(wire(reflect));
    expect(r.receiverError).toBeInstanceOf(ProtocolError);
    expect((r.receiverError as Error).message).toMatch(/reflected/);
  });

  test("a receiver's own pake reflected back in place of the confirmation is refused", async () => {
    const reflect: Tamper = (d, m, bytes) => (d === "R->S" && m.t === "pake" ? { reflect: bytes } : bytes);
    const r = await both(wire(reflect));
    expect(r.receiverError).toBeInstanceOf(ProtocolError);
    expect((r.receiverError as Error).message).toMatch(/"pake" where the handshake expects "confirm" or "fail"/);
  });

  test("a sharer's own pake reflected back to it is refused", async () => {
    const reflect: Tamper = (d, m, bytes) => (d === "S->R" && m.t === "pake" ? { reflect: encodeMessage({ ...m, pk: new Uint8Array(32).fill(9), tag: new Uint8Array(64) }) } : bytes);
    const r = await both(wire(reflect));
    expect(r.sharerError).toBeInstanceOf(ProtocolError);
    expect((r.sharerError as Error).message).toMatch(/reflected/);
  });

  test("a sealed record before the confirmation is refused by the receiver", async () => {
    const early: Tamper = (d, m, bytes) => (d === "S->R" && m.t === "confirm" ? encodeMessage({ t: "rec", c: new Uint8Array(40) }) : bytes);
    const r = await both(wire(early));
    expect(r.receiverError).toBeInstanceOf(ProtocolError);
    expect((r.receiverError as Error).message).toMatch(/sealed record before the passphrase was confirmed/);
  });

  test("a reverse message before the confirmation is refused by the sharer", async () => {
    const early: Tamper = (d, m, bytes) => (d === "R->S" && m.t === "pake" ? encodeMessage({ t: "rev", c: new Uint8Array(40) }) : bytes);
    const r = await both(wire(early));
    expect(r.sharerError).toBeInstanceOf(ProtocolError);
  });

  test("a hello from a future protocol version is refused", async () => {
    const r = await both(wire(edit("R->S", "hello", (m) => (m.v = 2))));
    expect(r.sharerError).toBeInstanceOf(ProtocolError);
    expect((r.sharerError as Error).message).toMatch(/version 2, this one speaks 1/);
  });

  test("a second sharer answering a sharer is refused (wrong role)", async () => {
    const r = await both(wire(edit("R->S", "hello", (m) => (m.role = "share"))));
    expect(r.sharerError).toBeInstanceOf(ProtocolError);
  });

  test("messages out of order are refused", async () => {
    // The sharer's pake arrives before its hello.
    let held: Uint8Array | undefined;
    const swap: Tamper = (d, m, bytes) => {
      if (d !== "S->R") return bytes;
      if (m.t === "hello") return (held = bytes), null;
      if (m.t === "pake" && held) return [bytes, held];
      return bytes;
    };
    const r = await both(wire(swap));
    expect(r.receiverError).toBeInstanceOf(ProtocolError);
  });

  test("a hello with a short nonce is refused", async () => {
    const r = await both(wire(edit("S->R", "hello", (m) => (m.nonce = new Uint8Array(15)))));
    expect(r.receiverError).toBeInstanceOf(ProtocolError);
    expect((r.receiverError as Error).message).toMatch(/expected 16 bytes, got 15 bytes/);
  });

  test("a message that is not CBOR is refused", async () => {
    const [s, r] = memoryChannelPair();
    const sharer = handshakeAsSharer(s, { room: ROOM, passphrase: PASS });
    await r.send(Uint8Array.of(0xff, 0x00));
    await expect(sharer).rejects.toThrow(ProtocolError);
  });

  test("an oversized handshake message is refused", async () => {
    const r = await both(wire(edit("R->S", "hello", (m) => (m.pad = new Uint8Array(4096)))));
    expect(r.sharerError).toBeInstanceOf(ProtocolError);
  });

  test("a peer that goes quiet times out", async () => {
    const [s] = memoryChannelPair();
    await expect(handshakeAsSharer(s, { room: ROOM, passphrase: PASS, timeoutMs: 20 })).rejects.toThrow(TimeoutError);
  });

  test("a peer that leaves mid-handshake is reported as gone", async () => {
    const [s, r] = memoryChannelPair();
    const receiver = handshakeAsReceiver(r, { room: ROOM, passphrase: PASS });
    await s.receive();
    s.close();
    await expect(receiver).rejects.toThrow(PeerGoneError);
  });
});

describe("sealed records after the handshake", () => {
  test("any single flipped bit in a sealed record is refused", async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: (12 + 16) * 8 - 1 }), async (bit) => {
        const { sharer, receiver } = await sessions();
        const message = decodeMessage(await sharer.seal(text("twelve bytes"), false));
        const tampered = encodeMessage({ t: "rec", c: flip(message.c as Uint8Array, bit) });
        await expect(receiver.open(tampered)).rejects.toThrow(TamperedStreamError);
      }),
      { numRuns: 25 },
    );
  });

  test("reordered records are refused", async () => {
    const { sharer, receiver } = await sessions();
    const [a, b] = [await sharer.seal(text("a"), false), await sharer.seal(text("b"), true)];
    await expect(receiver.open(b)).rejects.toThrow(TamperedStreamError);
    await expect(receiver.open(a)).rejects.toThrow(TamperedStreamError);
  });

  test("a dropped record is refused", async () => {
    const { sharer, receiver } = await sessions();
    const [a, , c] = [await sharer.seal(text("a"), false), await sharer.seal(text("b"), false), await sharer.seal(text("c"), true)];
    await receiver.open(a);
    await expect(receiver.open(c)).rejects.toThrow(TamperedStreamError);
  });

  test("a duplicated record is refused", async () => {
    const { sharer, receiver } = await sessions();
    const a = await sharer.seal(text("a"), false);
    await receiver.open(a);
    await expect(receiver.open(a)).rejects.toThrow(TamperedStreamError);
  });

  test("a stream whose final record is replaced with a non-final one ends on final = false", async () => {
    const { sharer, receiver } = await sessions();
    const stream = [await sharer.seal(text("a"), false), await sharer.seal(text("b"), false)];
    const finals = [];
    for (const record of stream) finals.push((await receiver.open(record)).final);
    // The receiver never saw final = true: it knows the stream is truncated.
    expect(finals).toEqual([false, false]);
  });

  test("a record from another session is refused", async () => {
    const [one, two] = await Promise.all([sessions(), sessions()]);
    await expect(two.receiver.open(await one.sharer.seal(text("a"), false))).rejects.toThrow(TamperedStreamError);
  });

  test("a reverse message with a flipped bit is refused", async () => {
    const { sharer, receiver } = await sessions();
    const message = decodeMessage(await receiver.sealReverse(text("want")));
    await expect(sharer.openReverse(encodeMessage({ t: "rev", c: flip(message.c as Uint8Array, 3) }))).rejects.toThrow(TamperedStreamError);
  });

  test("a message of the wrong type where a record belongs is refused", async () => {
    const { sharer, receiver } = await sessions();
    await expect(receiver.open(encodeMessage({ t: "rev", c: new Uint8Array(20) }))).rejects.toThrow(ProtocolError);
    await expect(sharer.openReverse(encodeMessage({ t: "rec", c: new Uint8Array(20) }))).rejects.toThrow(ProtocolError);
    await expect(receiver.open(encodeMessage({ t: "rec" }))).rejects.toThrow(/no ciphertext/);
  });
});

describe("record size", () => {
  test("the largest record plaintext seals into a message within the receiver's limit", async () => {
    const { sharer, receiver } = await sessions();
    const message = await sharer.seal(new Uint8Array(MAX_RECORD_PLAINTEXT), true);
    expect(message.length).toBeLessThanOrEqual(DEFAULT_LIMITS.maxRecordBytes);
    expect((await receiver.open(message)).plain.length).toBe(MAX_RECORD_PLAINTEXT);
  });

  test("a record one byte over the limit is refused before sealing", async () => {
    const { sharer, receiver } = await sessions();
    await expect(sharer.seal(new Uint8Array(MAX_RECORD_PLAINTEXT + 1), false)).rejects.toThrow(LimitExceededError);
    // nothing was sealed, so the stream is intact
    expect((await receiver.open(await sharer.seal(text("next"), true))).plain).toEqual(text("next"));
  });
});
