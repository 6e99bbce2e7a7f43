// A header-only walk over one CBOR item (RFC 8949 §3), run before cbor-x sees a
// peer's bytes. cbor-x decodes recursively with no depth limit and trusts length
// prefixes, so a value nested 10,000 deep or a byte string "of 2 GB" in a 20-byte
// message must be refused here, iteratively, in time linear in the input.
// ccshare messages are plain CBOR (PROTOCOL.md §4): definite lengths, text keys,
// no tags, so anything else is refused too, which also keeps cbor-x's extensions
// (records, structured clone, typed arrays) out of reach of a peer.
import { ProtocolError } from "../errors.ts";

export interface ScanLimits {
  maxDepth: number;
  maxItems: number;
}

const MAJOR_UNSIGNED = 0;
const MAJOR_NEGATIVE = 1;
const MAJOR_BYTES = 2;
const MAJOR_TEXT = 3;
const MAJOR_ARRAY = 4;
const MAJOR_MAP = 5;
const MAJOR_TAG = 6;

function malformed(why: string, at: number): ProtocolError {
  return new ProtocolError(`The peer sent a malformed message (${why} at byte ${at}); the transfer was stopped.`);
}

/**
 * Checks that `bytes` is exactly one well-formed CBOR item whose root is a map,
 * within the depth and item caps. Throws ProtocolError otherwise.
 */
export function scanMessage(bytes: Uint8Array, limits: ScanLimits): void {
  const n = bytes.length;
  // For each open container: items still to read, and whether it is a map
  // (in a map, an even count left means the next item is a key).
  const left: number[] = [];
  const isMap: boolean[] = [];
  let pos = 0;
  let items = 0;
  if (n === 0) throw malformed("empty message", 0);
  if (bytes[0]! >> 5 !== MAJOR_MAP) throw malformed("the message is not a map", 0);
  for (;;) {
    if (pos >= n) throw malformed("the message ends inside an item", pos);
    const start = pos;
    const initial = bytes[pos++]!;
    const major = initial >> 5;
    const info = initial & 0x1f;
    if (++items > limits.maxItems) throw malformed(`more than ${limits.maxItems} items`, start);
    const depth = left.length;
    if (depth > 0 && isMap[depth - 1] && left[depth - 1]! % 2 === 0 && major !== MAJOR_TEXT) {
      throw malformed("a map key that is not text", start);
    }
    // The argument: a count, a length or a value (RFC 8949 §3.1).
    let arg: number;
    if (info < 24) arg = info;
    else if (info <= 27) {
      const size = 1 << (info - 24);
      if (pos + size > n) throw malformed("the message ends inside a header", start);
      if (size === 1) arg = bytes[pos]!;
      else if (size === 2) arg = (bytes[pos]! << 8) | bytes[pos + 1]!;
      else if (size === 4) arg = readU32(bytes, pos);
      else {
        const high = readU32(bytes, pos);
        // Lengths and counts over 2^32 can never fit in the rest of a message;
        // only integers and doubles may use a high word.
        arg = high === 0 ? readU32(bytes, pos + 4) : Number.MAX_SAFE_INTEGER;
      }
      pos += size;
    } else if (info === 31) {
      throw malformed(major === 7 ? "an unexpected break" : "an indefinite-length item", start);
    } else {
      throw malformed("a reserved header value", start);
    }
    const rest = n - pos;
    let opened = false;
    switch (major) {
      case MAJOR_UNSIGNED:
      case MAJOR_NEGATIVE:
        break;
      case MAJOR_BYTES:
      case MAJOR_TEXT:
        if (arg > rest) throw malformed(`a string of ${arg} bytes with only ${rest} left`, start);
        pos += arg;
        break;
      case MAJOR_ARRAY:
      case MAJOR_MAP: {
        const count = major === MAJOR_MAP ? arg * 2 : arg;
        // Every item takes at least one byte.
        if (count > rest) throw malformed(`a container of ${count} items with only ${rest} bytes left`, start);
        if (count > 0) {
          if (depth + 1 > limits.maxDepth) throw malformed(`nesting deeper than ${limits.maxDepth}`, start);
          left.push(count);
          isMap.push(major === MAJOR_MAP);
          opened = true;
        }
        break;
      }
      case MAJOR_TAG:
        throw malformed("a tag", start);
      default:
        // Major type 7: false, true, null, undefined and floats only.
        if (info < 20 || info === 24) throw malformed("an unassigned simple value", start);
    }
    if (opened) continue;
    // One item is complete: count it against its container, closing every container it completes.
    for (;;) {
      const top = left.length - 1;
      if (top < 0) {
        if (pos !== n) throw malformed(`${n - pos} bytes after the message`, pos);
        return;
      }
      const remaining = left[top]! - 1;
      if (remaining > 0) {
        left[top] = remaining;
        break;
      }
      left.pop();
      isMap.pop();
    }
  }
}

function readU32(bytes: Uint8Array, pos: number): number {
  return ((bytes[pos]! << 24) >>> 0) + ((bytes[pos + 1]! << 16) | (bytes[pos + 2]! << 8) | bytes[pos + 3]!);
}
