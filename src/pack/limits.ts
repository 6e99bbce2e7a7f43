// Every cap the receiver enforces on what a peer sends (PROTOCOL.md §4, DESIGN.md
// §5), in one place so the decoder, the channel and the tests agree.

export interface Limits {
  /** Largest CBOR message (one record plaintext or handshake message): 1 MiB of data plus room for framing. */
  maxRecordBytes: number;
  /** Largest uncompressed chunk in one `data` record (PROTOCOL.md §4: <= 1 MiB). */
  maxChunkBytes: number;
  /** Largest single file a peer may declare. */
  maxFileBytes: number;
  /** Largest sum of declared file sizes in one transfer. */
  maxTotalBytes: number;
  /** Most files in one transfer. */
  maxFiles: number;
  /** Deepest CBOR nesting in a message (records need 4). */
  maxDepth: number;
  /** Most CBOR items (scalars, strings, containers) in one message. */
  maxItems: number;
  /** Most sessions a catalog may list, over all its records. */
  maxCatalogEntries: number;
}

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxRecordBytes: MiB + 64 * 1024,
  maxChunkBytes: MiB,
  // SESSIONS-FORMAT.md: single files reach 400 MB, one was seen at 1.9 GB.
  maxFileBytes: 4 * GiB,
  // Heavy users' whole stores are 0.4–7 GB.
  maxTotalBytes: 16 * GiB,
  maxFiles: 100_000,
  maxDepth: 16,
  // Items are at least one byte each, so maxRecordBytes already bounds this; the
  // cap keeps a message of a million empty maps from costing a million objects.
  maxItems: 262_144,
  // Heavy users have up to 6,000 sessions.
  maxCatalogEntries: 50_000,
});

/**
 * What a sharer puts in one `data` record (the receiver accepts up to
 * maxChunkBytes). 512 KiB: a relay's WebSocket server keeps a buffer the size
 * of the largest message each socket has carried (uWebSockets), so smaller
 * records halve its memory per pipe; the receiver widens its window to keep
 * the same bytes in flight (transfer/receive.ts).
 */
export const SEND_CHUNK_BYTES = 512 * 1024;

export function withDefaults(limits?: Partial<Limits>): Limits {
  return { ...DEFAULT_LIMITS, ...limits };
}
