// zstd for `data` records (PROTOCOL.md §4: one chunk of at most 1 MiB per
// record), with one native context and one output buffer reused for every
// chunk. node:zlib's zstdCompressSync/zstdDecompressSync build a new context
// and a new output buffer on every call; on this machine class fresh memory
// is the cost that dominates (~270 MB/s of page faults, against ~25 GB/s to
// inflate JSONL into a buffer already mapped), so the one-shot calls ran at
// 300-600 MB/s in the pipeline where the reused context runs at several GB/s.
//
// The reuse goes through node:zlib's engine handle (`_handle.writeSync` and
// `_writeState`), the interface node:zlib's own sync functions are built on
// and that Bun and Deno both reproduce. It is not public API, so each engine
// is probed when it is made and, if the handle is not there, falls back to
// the one-shot functions with the same caps (`portable`, tested as well).
import * as zlib from "node:zlib";

const { ZSTD_e_end, ZSTD_c_compressionLevel } = zlib.constants;

/** A zstd error, with node:zlib's code ("ZSTD_error_...") when it gave one. */
export class ZstdError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** The output passed the caller's cap: the input inflates to more than allowed. */
export class ZstdOverflowError extends ZstdError {}

/** node:zlib's engine handle, as node:zlib.js drives it in its sync functions. */
interface Handle {
  writeSync(flush: number, input: Uint8Array, inOff: number, inLen: number, output: Uint8Array, outOff: number, outLen: number): void;
  reset(): void;
  onerror?: (message: string, errno: number, code?: string) => void;
}
interface Engine {
  _handle?: Handle;
  /** [output bytes left, input bytes left] after each writeSync. */
  _writeState?: Uint32Array;
  close(): void;
}

/** A reusable engine, or undefined where node:zlib lacks the handle interface. */
class Native {
  private error: ZstdError | undefined;
  private constructor(
    private readonly engine: Engine,
    private readonly handle: Handle,
    private readonly state: Uint32Array,
  ) {
    // Bun reports errors through onerror (synchronously, from writeSync); Deno throws.
    handle.onerror = (message, _errno, code) => {
      this.error ??= new ZstdError(message, code);
    };
  }

  static open(engine: Engine): Native | undefined {
    const handle = engine._handle;
    const state = engine._writeState;
    if (typeof handle?.writeSync !== "function" || typeof handle.reset !== "function" || !(state instanceof Uint32Array)) {
      engine.close();
      return undefined;
    }
    return new Native(engine, handle, state);
  }

  /**
   * Runs all of `input` through the engine into `output` from `at`. Returns the
   * new end of the output, or -1 if the output filled up before the input ran out.
   * Frames are read until the input is consumed: Deno's engine stops at each
   * frame's end, Bun's goes on; anything left that is not a frame is an error.
   */
  write(input: Uint8Array, output: Uint8Array, at: number): number {
    let inOff = 0;
    let outOff = at;
    for (;;) {
      try {
        this.handle.writeSync(ZSTD_e_end, input, inOff, input.length - inOff, output, outOff, output.length - outOff);
      } catch (error) {
        this.error ??= new ZstdError((error as Error).message, (error as { code?: string }).code);
      }
      if (this.error) throw this.fail();
      const [outLeft, inLeft] = this.state as unknown as [number, number];
      const nextOut = output.length - outLeft;
      const nextIn = input.length - inLeft;
      // Output full: more may be pending. Callers leave a byte spare, so full means too much.
      if (outLeft === 0) return -1;
      if (inLeft === 0) return nextOut;
      // Input left and no progress: garbage after the last frame.
      if (nextIn === inOff && nextOut === outOff) throw this.fail(new ZstdError("Unknown frame descriptor", "ZSTD_error_prefix_unknown"));
      inOff = nextIn;
      outOff = nextOut;
    }
  }

  /** Forgets any half-read frame, so that each call starts clean. */
  reset(): void {
    this.handle.reset();
  }

  close(): void {
    this.engine.close();
  }

  private fail(error?: ZstdError): ZstdError {
    const out = error ?? this.error!;
    this.error = undefined;
    return out;
  }
}

/** ZSTD_compressBound: the most a chunk of `n` bytes can compress to. */
export function compressBound(n: number): number {
  return n + (n >>> 8) + (n < 128 * 1024 ? (128 * 1024 - n) >>> 11 : 0) + 64;
}

/** Compresses chunks of at most `maxChunk` bytes, each as one zstd frame. */
export class ChunkCompressor {
  private native: Native | undefined;
  private output: Uint8Array;
  constructor(
    private readonly level: number,
    maxChunk: number,
    private readonly o: { portable?: boolean } = {},
  ) {
    this.native = this.open();
    this.output = new Uint8Array(this.native ? compressBound(maxChunk) : 0);
  }

  // Never reset: Bun's reset also drops the level. A frame ended with
  // ZSTD_e_end leaves the context ready for the next; after an error, a fresh engine.
  private open(): Native | undefined {
    if (this.o.portable) return undefined;
    return Native.open(new zlib.ZstdCompress({ params: { [ZSTD_c_compressionLevel]: this.level } }) as unknown as Engine);
  }

  /** One frame; the bytes are a view of a buffer the next call overwrites. */
  compress(chunk: Uint8Array): Uint8Array {
    if (!this.native) return zlib.zstdCompressSync(chunk, { params: { [ZSTD_c_compressionLevel]: this.level } });
    for (;;) {
      let end: number;
      try {
        end = this.native.write(chunk, this.output, 0);
      } catch (error) {
        this.reopen();
        throw error;
      }
      if (end >= 0) return this.output.subarray(0, end);
      // Cannot happen within compressBound; grow rather than trust that.
      this.output = new Uint8Array(this.output.length * 2);
      this.reopen();
    }
  }

  private reopen(): void {
    this.native?.close();
    this.native = this.open();
  }

  close(): void {
    this.native?.close();
  }
}

/**
 * Inflates one record's frames into a caller's buffer, never writing more than
 * `cap` bytes: the output stops one byte past the cap, so a zstd bomb costs no
 * more than that (DESIGN.md §5: decompression is capped at the declared size).
 */
export class ChunkDecompressor {
  private readonly native: Native | undefined;
  constructor(o: { portable?: boolean } = {}) {
    this.native = o.portable ? undefined : Native.open(new zlib.ZstdDecompress() as unknown as Engine);
  }

  /**
   * Inflates `z` into `into` (which must hold at least cap + 1 bytes) and
   * returns the length. Throws ZstdOverflowError past `cap`, ZstdError on
   * corrupt input.
   */
  decompress(z: Uint8Array, cap: number, into: Uint8Array): number {
    if (into.length < cap + 1) throw new RangeError(`expected an output buffer of at least ${cap + 1} bytes, got ${into.length}`);
    if (!this.native) return portableDecompress(z, cap, into);
    // A record is whole frames: a frame cut short (or a failed one) must not
    // run on into the next record. Decompression has no parameters to lose.
    this.native.reset();
    const end = this.native.write(z, into.subarray(0, cap + 1), 0);
    if (end < 0 || end > cap) throw new ZstdOverflowError(`inflates to more than ${cap} bytes`, "ERR_BUFFER_TOO_LARGE");
    return end;
  }

  close(): void {
    this.native?.close();
  }
}

function portableDecompress(z: Uint8Array, cap: number, into: Uint8Array): number {
  let out: Uint8Array;
  try {
    // One output step just over the cap: one byte more than allowed is enough to know.
    out = zlib.zstdDecompressSync(z, { maxOutputLength: Math.max(1, cap), chunkSize: Math.max(64, cap + 1) });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "ERR_BUFFER_TOO_LARGE") throw new ZstdOverflowError(`inflates to more than ${cap} bytes`, code);
    throw new ZstdError((error as Error).message, code);
  }
  if (out.length > cap) throw new ZstdOverflowError(`inflates to more than ${cap} bytes`, "ERR_BUFFER_TOO_LARGE");
  into.set(out);
  return out.length;
}
