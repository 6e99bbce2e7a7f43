// Writing a file's redacted copy: the scanned bytes as they are, except each
// segment the scan found secrets in, which is redacted again from the same
// bytes (the same result: redaction is a function of the bytes and the rules).
import { open, type FileHandle } from "node:fs/promises";
import { fromFsError } from "../errors.ts";
import { readAt, redactedSegment, type FileScan } from "./file_scan.ts";
import type { RuleSet } from "./rule.ts";

const CHUNK = 1024 * 1024;

async function write(out: FileHandle, bytes: Uint8Array, to: string): Promise<void> {
  try {
    await out.write(bytes);
  } catch (error) {
    throw fromFsError(error, `writing ${to}`);
  }
}

/** Writes the redacted copy of `scan.file` at `to` (created 0600, never overwritten). Returns its size. */
export async function writeRedactedCopy(scan: FileScan, set: RuleSet, to: string): Promise<number> {
  const path = scan.file.path;
  let source: FileHandle;
  let out: FileHandle;
  try {
    source = await open(scan.file.abs, "r");
  } catch (error) {
    throw fromFsError(error, `opening ${path}`);
  }
  try {
    try {
      out = await open(to, "wx", 0o600);
    } catch (error) {
      throw fromFsError(error, `creating a redacted copy of ${path}`);
    }
    let written = 0;
    const copy = async (from: number, until: number) => {
      for (let at = from; at < until; at += CHUNK) {
        const bytes = await readAt(source, at, Math.min(CHUNK, until - at), path);
        await write(out, bytes, to);
        written += bytes.length;
      }
    };
    try {
      let position = 0;
      for (const segment of scan.segments) {
        await copy(position, segment.start);
        const result = await redactedSegment(source, segment, set, path);
        const bytes = result.bytes ?? (await readAt(source, segment.start, segment.end - segment.start, path));
        await write(out, bytes, to);
        written += bytes.length;
        position = segment.end;
      }
      await copy(position, scan.size);
    } finally {
      await out.close();
    }
    return written;
  } finally {
    await source.close();
  }
}
