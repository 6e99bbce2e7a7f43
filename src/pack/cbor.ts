// CBOR, the form every message takes on the wire (PROTOCOL.md §3-4). The only
// importer of cbor-x (STYLE.md rule 2). Encoding is plain CBOR any
// implementation reads: maps with text keys, byte strings, definite lengths, no
// tags and none of cbor-x's record or structured-clone extensions.
//
// "cbor-x/encode" and "cbor-x/decode" resolve to files that never load the
// cbor-extract native addon (the package root does unless
// CBOR_NATIVE_ACCELERATION_DISABLED is set), which corrupts decoding under Bun and
// crashes Deno (DESIGN.md §3).
import { Encoder } from "cbor-x/encode";
import { Decoder } from "cbor-x/decode";
import { ProtocolError } from "../errors.ts";
import { scanMessage } from "./cbor_scan.ts";
import { DEFAULT_LIMITS, type Limits } from "./limits.ts";

/** One decoded message: a CBOR map with text keys. */
export type Message = { [key: string]: unknown };

const encoder = new Encoder({
  useRecords: false,
  mapsAsObjects: true,
  variableMapSize: true,
  tagUint8Array: false,
  pack: false,
  structuredClone: false,
  useFloat32: 0,
} as ConstructorParameters<typeof Encoder>[0]);

const decoder = new Decoder({
  useRecords: false,
  mapsAsObjects: true,
  structuredClone: false,
  // A 64-bit integer from another encoder is a number (checked for safety by
  // records.ts), not a BigInt that every field check would refuse.
  int64AsNumber: true,
} as ConstructorParameters<typeof Decoder>[0]);

/**
 * One message as CBOR bytes. Keys whose value is `undefined` are left out.
 * Values must be plain (text, numbers, booleans, null, Uint8Array, arrays, plain
 * objects): a Date, Map or BigInt would need a tag, which peers refuse, so it
 * throws a TypeError here instead of failing on the other side.
 */
export function encodeMessage(value: Message): Uint8Array {
  const wrapped = byteStringPair(value);
  if (wrapped) return wrapped;
  // cbor-x hands out a Buffer view of its own scratch space: copy it into a
  // plain Uint8Array the caller owns.
  const out = new Uint8Array(encoder.encode(withoutUndefined(value)) as Uint8Array);
  try {
    scanMessage(out, { maxDepth: DEFAULT_LIMITS.maxDepth, maxItems: DEFAULT_LIMITS.maxItems });
  } catch (error) {
    throw new TypeError(`encodeMessage: the value is not plain CBOR a peer accepts (${(error as Error).message})`);
  }
  return out;
}

const textEncoder = new TextEncoder();
/** CBOR heads of the two-key maps sent once per chunk: `{k:"data", z}`, `{t:"rec", c}`, `{t:"rev", c}`. */
const PAIR_HEADS = new Map(
  [
    ["k", "data", "z"],
    ["t", "rec", "c"],
    ["t", "rev", "c"],
  ].map(([key, kind, field]) => [`${key}:${kind}`, { field: field!, head: pairHead(key!, kind!, field!) }]),
);

function pairHead(key: string, kind: string, field: string): Uint8Array {
  const text = (s: string) => [0x60 + s.length, ...textEncoder.encode(s)];
  return new Uint8Array([0xa2, ...text(key), ...text(kind), ...text(field)]);
}

/**
 * The exact bytes cbor-x writes for `{k:"data", z}` and `{t:"rec"|"rev", c}`,
 * built in one allocation. These carry every byte of every file (several per
 * chunk), and cbor-x copied each payload into its scratch space, then out of
 * it, then the result was pre-scanned: with 60 KB payloads that was a quarter
 * of the sharer's time. Any other value (or extra keys) goes the general way.
 */
function byteStringPair(value: Message): Uint8Array | undefined {
  const key = "k" in value ? "k" : "t";
  const shape = PAIR_HEADS.get(`${key}:${String(value[key])}`);
  if (!shape) return undefined;
  const payload = value[shape.field];
  if (!(payload instanceof Uint8Array)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 2 || keys[0] !== key || keys[1] !== shape.field) return undefined;
  const n = payload.length;
  // RFC 8949 §3.1: major type 2, with the length in the shortest form.
  const lengthBytes = n < 24 ? 0 : n < 0x100 ? 1 : n < 0x10000 ? 2 : 4;
  const at = shape.head.length + 1 + lengthBytes;
  const out = new Uint8Array(at + n);
  out.set(shape.head);
  const view = new DataView(out.buffer);
  const h = shape.head.length;
  if (lengthBytes === 0) out[h] = 0x40 + n;
  else if (lengthBytes === 1) (out[h] = 0x58), (out[h + 1] = n);
  else if (lengthBytes === 2) (out[h] = 0x59), view.setUint16(h + 1, n);
  else (out[h] = 0x5a), view.setUint32(h + 1, n);
  out.set(payload, at);
  return out;
}

/**
 * A peer's message: one CBOR map with a text `t` (handshake) or `k` (record).
 * Byte strings come back as plain Uint8Arrays viewing `bytes`.
 * Throws ProtocolError on anything else.
 */
export function decodeMessage(bytes: Uint8Array, limits: Partial<Pick<Limits, "maxRecordBytes" | "maxDepth" | "maxItems">> = {}): Message {
  const maxRecordBytes = limits.maxRecordBytes ?? DEFAULT_LIMITS.maxRecordBytes;
  if (!(bytes instanceof Uint8Array)) throw new ProtocolError("The peer sent a message that is not binary; the transfer was stopped.");
  if (bytes.length > maxRecordBytes) {
    throw new ProtocolError(`The peer sent a message of ${bytes.length} bytes, over the ${maxRecordBytes}-byte limit; the transfer was stopped.`);
  }
  scanMessage(bytes, { maxDepth: limits.maxDepth ?? DEFAULT_LIMITS.maxDepth, maxItems: limits.maxItems ?? DEFAULT_LIMITS.maxItems });
  let value: unknown;
  try {
    value = decoder.decode(bytes);
  } catch (error) {
    throw new ProtocolError("The peer sent a malformed message; the transfer was stopped.", { cause: error });
  }
  const message = normalise(value) as Message;
  if (typeof message.t !== "string" && typeof message.k !== "string") {
    throw new ProtocolError("The peer sent a message without a type; the transfer was stopped.");
  }
  return message;
}
/** Buffers become plain Uint8Array views (tests compare with toEqual; other code checks constructors). */
function normalise(value: unknown): unknown {
  if (value instanceof Uint8Array) {
    return value.constructor === Uint8Array ? value : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = normalise(value[i]);
    return value;
  }
  if (value !== null && typeof value === "object") {
    const object = value as Message;
    for (const key of Object.keys(object)) object[key] = normalise(object[key]);
  }
  return value;
}

/** Optional fields are absent rather than CBOR `undefined`, which some decoders refuse. */
function withoutUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutUndefined) as T;
  if (value === null || typeof value !== "object") return value;
  const proto = Object.getPrototypeOf(value);
  // Anything but a plain object goes to cbor-x as is (and a tag, if any, is refused above).
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Message = {};
  for (const [key, field] of Object.entries(value)) if (field !== undefined) out[key] = withoutUndefined(field);
  return out as T;
}
