// The handshake (PROTOCOL.md §3): hello -> CPace -> confirmation -> HPKE.
// The sharer is CPace party A, the receiver party B, and a process only ever
// plays the role its command gives it. Each side walks an explicit state
// table (after magic-wormhole's _key.py): a state accepts exactly the message
// types listed for it; anything else -- wrong order, a reflected message, a
// sealed record before the key is confirmed -- is a ProtocolError.
import {
  confirmationTag,
  constantTimeEqual,
  iskIr,
  lvCat,
  sharedSecret,
  startCpace,
} from "../crypto/cpace.ts";
import { SEAL_OVERHEAD, generateRecipientKeyPair, reverseKey, setupTransferReceiver, setupTransferSender } from "../crypto/hpke.ts";
import { deriveTransferSecrets } from "../crypto/key_schedule.ts";
import { UNLIMITED_GUESSES, type GuessGate } from "./guess_budget.ts";
import { normalizePassphrase, normalizeRoom } from "../crypto/passphrase.ts";
import { ReverseOpener, ReverseSealer } from "../crypto/reverse.ts";
import { LimitExceededError, ProtocolError, WrongPassphraseError } from "../errors.ts";
import { CloseCode, type Channel } from "../net/channel.ts";
import { DEFAULT_LIMITS } from "../pack/limits.ts";
import { decodeMessage, encodeMessage, type Message } from "../pack/cbor.ts";
import { concat } from "../bytes/concat.ts";

export const PROTOCOL_VERSION = 1;
const NONCE_BYTES = 16;
const POINT_BYTES = 32;
const KEY_BYTES = 32;
const TAG_BYTES = 64;
/** Handshake messages are a few hundred bytes; a peer gets no more room than that. */
const HANDSHAKE_LIMITS = { maxRecordBytes: 1024, maxDepth: 2, maxItems: 16 };
const DEFAULT_TIMEOUT_MS = 30_000;
/** CBOR around the ciphertext in {t:"rec", c}: map, two keys, "rec", a byte-string head of up to 5 bytes. */
const REC_FRAMING_BYTES = 14;
/**
 * The largest record plaintext whose `{t:"rec", c}` message still fits the
 * message limit the receiver and the relay enforce (PROTOCOL.md §6).
 */
export const MAX_RECORD_PLAINTEXT = DEFAULT_LIMITS.maxRecordBytes - SEAL_OVERHEAD - REC_FRAMING_BYTES;
const utf8 = new TextEncoder();
/** CPace ADa is empty (PROTOCOL.md §3); ADb is the receiver's HPKE public key. */
const ADA = new Uint8Array();

/**
 * The message types each state accepts, and the state each one leads to. A
 * state with a lower-case verb instead of message types waits on this side's
 * own decision (LOCAL_EVENTS), never on the peer.
 */
const STATES = {
  // sharer (party A)
  S0_want_hello: { hello: "S1_want_pake" },
  S1_want_pake: { pake: "S2_check_tag" },
  // The room's guess budget rules on the receiver's tag (transfer/guess_budget.ts);
  // a refused tag is answered exactly as a wrong one (§3).
  S2_check_tag: { right: "S3_confirmed", wrong: "S_failed", refused: "S_failed" },
  S3_confirmed: {},
  S_failed: {},
  // receiver (party B); it sent its hello before entering R0
  R0_want_hello: { hello: "R1_want_pake" },
  // Nothing up to here spends a guess: the receiver may still walk away (§2).
  R1_want_pake: { pake: "R2_sharer_found" },
  R2_sharer_found: { prove: "R3_want_confirm" },
  R3_want_confirm: { confirm: "R4_confirmed", fail: "R_failed" },
  R4_confirmed: {},
  R_failed: {},
} as const satisfies Record<string, Record<string, string>>;
/** Events that come from this side, never from the wire. */
const LOCAL_EVENTS = new Set(["right", "wrong", "refused", "prove"]);
type State = keyof typeof STATES;

export interface HandshakeOptions {
  room: string;
  passphrase: string;
  /** How long to wait for each of the peer's messages. */
  timeoutMs?: number;
  /** The peer's hello arrived: someone speaking ccshare is there (until then a relay may hold an empty room). */
  onHello?: () => void;
}

export interface SharerSession {
  /** One record sealed as the whole `{t:"rec", c}` message to send (PROTOCOL.md §4). */
  seal(plain: Uint8Array, final: boolean): Promise<Uint8Array>;
  /** The plaintext of a `{t:"rev", c}` message from the receiver. */
  openReverse(message: Uint8Array): Promise<Uint8Array>;
  /** Short authentication string: the same words on both sides, or someone is in the middle. */
  sas: string;
}

export interface ReceiverSession {
  /** The plaintext of a `{t:"rec", c}` message and whether it was the final record. */
  open(message: Uint8Array): Promise<{ plain: Uint8Array; final: boolean }>;
  /** One R -> S message sealed as the whole `{t:"rev", c}` message to send. */
  sealReverse(plain: Uint8Array): Promise<Uint8Array>;
  sas: string;
}

/**
 * Where one side is in STATES. Every message moves it along the table: the
 * next state is the one STATES lists for that message type, and the code asks
 * the walk where it is rather than naming states itself.
 */
class Walk {
  constructor(public state: State) {}

  /** Receive the next message; a type the current state does not list is a ProtocolError. */
  async next(channel: Channel, timeoutMs: number): Promise<{ bytes: Uint8Array; message: Message }> {
    const bytes = await channel.receive(timeoutMs);
    const message = decodeMessage(bytes, HANDSHAKE_LIMITS);
    const t = message.t;
    const accepted: Record<string, State> = STATES[this.state];
    if (typeof t !== "string" || LOCAL_EVENTS.has(t) || !Object.hasOwn(accepted, t)) {
      const expected = Object.keys(accepted).map((a) => `"${a}"`).join(" or ");
      if (t === "rec" || t === "rev") throw new ProtocolError(`The other side sent a sealed record before the passphrase was confirmed (expected ${expected}); aborting.`);
      throw new ProtocolError(`The other side sent ${typeof t === "string" ? `"${t}"` : "a message without a type"} where the handshake expects ${expected}; aborting.`);
    }
    this.state = accepted[t]!;
    return { bytes, message };
  }

  /** Move on by this side's own decision; one the current state does not list is a bug. */
  step(decision: "right" | "wrong" | "refused" | "prove"): State {
    const accepted: Record<string, State> = STATES[this.state];
    if (!Object.hasOwn(accepted, decision)) throw new Error(`handshake: "${decision}" in state ${this.state}`);
    return (this.state = accepted[decision]!);
  }
}

function bytesField(message: Message, field: string, length: number): Uint8Array {
  const value = message[field];
  if (!(value instanceof Uint8Array) || value.length !== length) {
    const got = value instanceof Uint8Array ? `${value.length} bytes` : typeof value;
    throw new ProtocolError(`The other side's "${String(message.t)}" message has a bad "${field}" (expected ${length} bytes, got ${got}); aborting.`);
  }
  return value;
}

/** PROTOCOL.md §3: version, role and a fresh nonce; a reflected hello fails the role check. */
function checkHello(message: Message, role: "share" | "receive", ownNonce?: Uint8Array): Uint8Array {
  if (message.v !== PROTOCOL_VERSION) {
    throw new ProtocolError(`The other side speaks ccshare protocol version ${String(message.v)}, this one speaks ${PROTOCOL_VERSION}; install the same ccshare release on both machines.`);
  }
  if (message.role !== role) {
    throw new ProtocolError(`The other side's hello says role "${String(message.role)}" where "${role}" was expected (two sharers or two receivers, or a reflected message); aborting.`);
  }
  const nonce = bytesField(message, "nonce", NONCE_BYTES);
  if (ownNonce && constantTimeEqual(nonce, ownNonce)) throw new ProtocolError("The other side sent back this side's own hello (a reflected message); aborting.");
  return nonce;
}

const hello = (role: "share" | "receive", nonce: Uint8Array) => encodeMessage({ t: "hello", v: PROTOCOL_VERSION, role, nonce });

/** PROTOCOL.md §3: CI = lv_cat("ccshare/1", ROOM, "A:share", "B:receive", hello_S bytes, hello_R bytes). */
function channelIdentifier(room: string, helloS: Uint8Array, helloR: Uint8Array): Uint8Array {
  return lvCat(utf8.encode("ccshare/1"), utf8.encode(room), utf8.encode("A:share"), utf8.encode("B:receive"), helloS, helloR);
}

/** A failed handshake never leaves the channel open: nothing more is sent on it. */
async function closingOnError<T>(channel: Channel, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    channel.close(CloseCode.normal, "handshake failed");
    throw error;
  }
}

/** Run the handshake as the sharer (CPace party A) and return the sealing session. */
export async function handshakeAsSharer(channel: Channel, o: HandshakeOptions & { guesses?: GuessGate }): Promise<SharerSession> {
  const room = normalizeRoom(o.room);
  const prs = utf8.encode(normalizePassphrase(o.passphrase));
  const timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const guesses = o.guesses ?? UNLIMITED_GUESSES;
  return closingOnError(channel, async () => {
    const walk = new Walk("S0_want_hello");
    const first = await walk.next(channel, timeoutMs);
    const nonceR = checkHello(first.message, "receive");
    const nonceS = crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
    const helloS = hello("share", nonceS);
    const sid = concat(nonceS, nonceR);
    const a = startCpace(prs, channelIdentifier(room, helloS, first.bytes), sid);
    await channel.send(helloS);
    await channel.send(encodeMessage({ t: "pake", Y: a.Y }));

    const { message: pake } = await walk.next(channel, timeoutMs);
    const yb = bytesField(pake, "Y", POINT_BYTES);
    const pkR = bytesField(pake, "pk", KEY_BYTES);
    const tagB = bytesField(pake, "tag", TAG_BYTES);
    if (constantTimeEqual(yb, a.Y)) throw new ProtocolError("The other side sent back this side's own CPace point (a reflected message); aborting.");
    // K for every receiver, evaluated or not: the point check does not depend on
    // the passphrase, and a refused guess takes the time a wrong one takes.
    const isk = iskIr(sid, sharedSecret(a.y, yb), a.Y, ADA, yb, pkR);
    walk.step(guesses.evaluate(() => constantTimeEqual(confirmationTag(sid, isk, yb, pkR), tagB)));
    if (walk.state === "S_failed") {
      // PROTOCOL.md §3: one fail message and nothing else, the same for a wrong
      // guess and one the room refused to evaluate; the budget has counted it.
      await channel.send(encodeMessage({ t: "fail", why: "passphrase" }));
      channel.close(CloseCode.normal, "wrong passphrase");
      throw new WrongPassphraseError();
    }
    const { psk, sas } = deriveTransferSecrets(isk, sid);
    const sealer = await setupTransferSender(pkR, psk);
    const reverse = await ReverseOpener.create(await reverseKey(sealer));
    await channel.send(encodeMessage({ t: "confirm", tag: confirmationTag(sid, isk, a.Y, ADA), enc: sealer.enc }));
    return {
      sas,
      async seal(plain, final) {
        // The receiver and the relay would refuse the message: fail here, loudly, before sealing.
        if (plain.length > MAX_RECORD_PLAINTEXT) {
          throw new LimitExceededError(`A record of ${plain.length} bytes is over the ${MAX_RECORD_PLAINTEXT}-byte limit; this is a bug in ccshare.`);
        }
        return encodeMessage({ t: "rec", c: await sealer.seal(plain, final) });
      },
      async openReverse(message) {
        return reverse.open(sealedPayload(message, "rev"));
      },
    };
  });
}

/**
 * A sharer that answered a receiver's hello with its CPace point: it is there,
 * and nothing has spent a guess yet (PROTOCOL.md §2, §3).
 */
export interface SharerInReach {
  /** Spend the guess: send this side's point and tag, and check the sharer's. */
  prove(): Promise<ReceiverSession>;
  /** Walk away without a guess (another path won the race). */
  abandon(): void;
}

/** Run the handshake as the receiver (CPace party B) and return the opening session. */
export async function handshakeAsReceiver(channel: Channel, o: HandshakeOptions): Promise<ReceiverSession> {
  return (await reachSharer(channel, o)).prove();
}

/** The receiver's handshake up to the sharer's CPace point, which costs no guess. */
export async function reachSharer(channel: Channel, o: HandshakeOptions): Promise<SharerInReach> {
  const room = normalizeRoom(o.room);
  const prs = utf8.encode(normalizePassphrase(o.passphrase));
  const timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const walk = new Walk("R0_want_hello");
  // Generated while the hellos travel; awaited once CPace needs it.
  const keys = generateRecipientKeyPair();
  keys.catch(() => undefined);
  const { sid, ci, ya } = await closingOnError(channel, async () => {
    const nonceR = crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
    const helloR = hello("receive", nonceR);
    await channel.send(helloR);
    const first = await walk.next(channel, timeoutMs);
    const nonceS = checkHello(first.message, "share", nonceR);
    o.onHello?.();
    const { message: pake } = await walk.next(channel, timeoutMs);
    return { sid: concat(nonceS, nonceR), ci: channelIdentifier(room, first.bytes, helloR), ya: bytesField(pake, "Y", POINT_BYTES) };
  });
  const prove = () =>
    closingOnError(channel, async () => {
      walk.step("prove");
      const { publicKey: pkR } = await keys;
      // Initiator-responder: B derives its generator only once it has MSGa (CPace draft-21).
      const b = startCpace(prs, ci, sid);
      const isk = iskIr(sid, sharedSecret(b.y, ya), ya, ADA, b.Y, pkR);
      await channel.send(encodeMessage({ t: "pake", Y: b.Y, pk: pkR, tag: confirmationTag(sid, isk, b.Y, pkR) }));

      const { message: reply } = await walk.next(channel, timeoutMs);
      if (walk.state === "R_failed") throw new WrongPassphraseError();
      const tagA = bytesField(reply, "tag", TAG_BYTES);
      const enc = bytesField(reply, "enc", KEY_BYTES);
      if (!constantTimeEqual(confirmationTag(sid, isk, ya, ADA), tagA)) throw new WrongPassphraseError();
      const { psk, sas } = deriveTransferSecrets(isk, sid);
      const opener = await setupTransferReceiver(await keys, enc, psk);
      const reverse = await ReverseSealer.create(await reverseKey(opener));
      return {
        sas,
        async open(message: Uint8Array) {
          return opener.open(sealedPayload(message, "rec"));
        },
        async sealReverse(plain: Uint8Array) {
          return encodeMessage({ t: "rev", c: await reverse.seal(plain) });
        },
      } satisfies ReceiverSession;
    });
  return { prove, abandon: () => channel.close(CloseCode.normal, "") };
}

/** The ciphertext `c` of a `{t, c}` message, after the handshake. */
function sealedPayload(bytes: Uint8Array, t: "rec" | "rev"): Uint8Array {
  const message = decodeMessage(bytes);
  if (message.t !== t) {
    throw new ProtocolError(`The other side sent ${typeof message.t === "string" ? `"${message.t}"` : "a message without a type"} where a sealed "${t}" message was expected; the transfer was stopped.`);
  }
  const c = message.c;
  if (!(c instanceof Uint8Array)) throw new ProtocolError(`The other side's "${t}" message has no ciphertext; the transfer was stopped.`);
  return c;
}
