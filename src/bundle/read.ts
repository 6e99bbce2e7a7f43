// Opening a bundle file (PROTOCOL.md §7): the header is read and checked first
// (no passphrase needed, no scrypt run on hostile parameters), then the key is
// derived and records are opened one at a time, each length capped before it
// is read. Every failure is one of four sentences: not a bundle / hostile
// (BundleFormatError), wrong passphrase, altered, or cut short.
import { open, type FileHandle } from "node:fs/promises";
import { basename } from "node:path";
import { deriveBundleIkm } from "../crypto/bundle_kdf.ts";
import { deriveBundleKeyPair, setupBundleReceiver, type RecordOpener } from "../crypto/hpke.ts";
import { BundleFormatError, CcshareError, fromFsError, TamperedStreamError, TruncatedStreamError, WrongPassphraseError } from "../errors.ts";
import { decodeRecord, type CatalogSession, type Record } from "../pack/records.ts";
import { ByteReader, readU32be } from "./file_io.ts";
import { ENC_BYTES, LEAD_BYTES, MAX_SEALED_RECORD_BYTES, parseHeader, readLead, type BundleHeader } from "./format.ts";

export const WRONG_PASSPHRASE = "Wrong passphrase, or the file is damaged.";

export class BundleReader {
  private opener: RecordOpener | undefined;
  private opened = 0;
  private ended = false;

  private constructor(
    private readonly handle: FileHandle,
    private readonly input: ByteReader,
    /** The file's name, for messages. */
    readonly name: string,
    /** Size of the file, for progress. */
    readonly size: number,
    readonly header: BundleHeader,
    private readonly headerBytes: Uint8Array,
    private readonly enc: Uint8Array,
  ) {}

  /** Opens `path` and checks its header; BundleFormatError for anything that is not a bundle this ccshare can open. */
  static async open(path: string): Promise<BundleReader> {
    const name = basename(path);
    let handle: FileHandle;
    try {
      handle = await open(path, "r");
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === "ENOENT") throw new CcshareError(`There is no file ${path}; check the name.`);
      throw fromFsError(error, `opening ${path}`);
    }
    try {
      const info = await handle.stat();
      if (!info.isFile()) throw new BundleFormatError(`${path} is not a file, so it is not a ccshare bundle.`);
      const input = new ByteReader(handle, name);
      const lead = await input.read(LEAD_BYTES);
      const headerLength = readLead(lead, name);
      const cbor = await input.read(headerLength);
      if (cbor.length < headerLength) throw truncated(name);
      const header = parseHeader(cbor, name);
      const enc = await input.read(ENC_BYTES);
      if (enc.length < ENC_BYTES) throw truncated(name);
      const headerBytes = new Uint8Array(LEAD_BYTES + headerLength);
      headerBytes.set(lead);
      headerBytes.set(cbor, LEAD_BYTES);
      return new BundleReader(handle, input, name, info.size, header, headerBytes, enc);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** Bytes of the file read so far. */
  get position(): number {
    return this.input.position;
  }

  /** PROTOCOL.md §7: ikm = scrypt(passphrase, header params) -> DeriveKeyPair -> SetupBaseR(enc). */
  async unlock(passphrase: string, onProgress?: (fraction: number) => void): Promise<void> {
    const keys = await deriveBundleKeyPair(await deriveBundleIkm(passphrase, this.header, onProgress));
    this.opener = await setupBundleReceiver(keys, this.enc, this.headerBytes);
  }

  /** The catalog record(s) at the start (PROTOCOL.md §4); the first one is where a wrong passphrase shows. */
  async readCatalog(): Promise<CatalogSession[]> {
    const sessions: CatalogSession[] = [];
    for (;;) {
      const record = await this.next();
      if (record.k !== "catalog") throw new BundleFormatError(`${this.name} has a "${record.k}" record where its catalog should be; the file was not made by ccshare.`);
      // `total` and the header's `count` are both authenticated; they must agree.
      if (record.total !== this.header.count || sessions.length + record.sessions.length > record.total) {
        throw new BundleFormatError(`${this.name} lists a different number of sessions than its header declares; the file was not made by ccshare.`);
      }
      sessions.push(...record.sessions);
      if (sessions.length === record.total) return sessions;
    }
  }

  /** The next record, opened and decoded. TruncatedStreamError if the file ends before the final one. */
  async next(): Promise<Record> {
    if (!this.opener) throw new Error("BundleReader.next() before unlock()");
    if (this.ended) throw new Error("BundleReader.next() after the final record");
    const prefix = await this.input.read(4);
    if (prefix.length < 4) throw truncated(this.name);
    const length = readU32be(prefix);
    // Capped before anything is allocated: a damaged prefix may say 4 GB.
    if (length > MAX_SEALED_RECORD_BYTES) {
      throw new TamperedStreamError(`${this.name} declares a record of ${length} bytes, over the ${MAX_SEALED_RECORD_BYTES}-byte limit: it was altered or damaged`);
    }
    const sealed = await this.input.read(length);
    if (sealed.length < length) throw truncated(this.name);
    let opened: { plain: Uint8Array; final: boolean };
    try {
      opened = await this.opener.open(sealed);
    } catch (error) {
      if (!(error instanceof TamperedStreamError)) throw error;
      // mode_base has no key confirmation: the first record failing is how a wrong passphrase shows.
      if (this.opened === 0) throw new WrongPassphraseError(WRONG_PASSPHRASE);
      throw new TamperedStreamError(`${this.name} was altered or damaged (record ${this.opened + 1} failed authentication)`);
    }
    this.opened++;
    let record: Record;
    try {
      record = decodeRecord(opened.plain);
    } catch (error) {
      throw new BundleFormatError(`${this.name} holds a record this ccshare cannot read; it was made by a newer or a foreign tool.`, { cause: error });
    }
    if (opened.final !== (record.k === "done")) {
      throw new BundleFormatError(`${this.name} ${opened.final ? `ends with a "${record.k}" record instead of "done"` : `has a "done" record before its end`}; the file was not made by ccshare.`);
    }
    this.ended = opened.final;
    return record;
  }

  /** After the final record: the file must end there (bytes appended later are not part of it). */
  async expectEnd(): Promise<void> {
    if ((await this.input.read(1)).length > 0) {
      throw new TamperedStreamError(`${this.name} has bytes after its final record: it was altered or damaged`);
    }
  }

  async close(): Promise<void> {
    await this.handle.close().catch(() => {});
  }
}

function truncated(name: string): TruncatedStreamError {
  return new TruncatedStreamError(`${name} ends before its final record (an incomplete copy or download?)`);
}
