// Sessions -> records (PROTOCOL.md §4), the sharer's side.
import { afterAll, describe, expect, test } from "bun:test";
import { appendFileSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { zstdDecompressSync } from "node:zlib";
import type { CatalogEntry, SessionFile } from "../../src/catalog/entry.ts";
import { CcshareError, SessionChangedError } from "../../src/errors.ts";
import { catalogRecord, catalogRecords } from "../../src/pack/catalog_records.ts";
import { fileRecords, sessionStream, wholeSessions } from "../../src/pack/encode.ts";
import { decodeRecord, encodeRecord, type Record } from "../../src/pack/records.ts";
import { offeredSession, SESSION, sha256 } from "./_streams.ts";
import { SEND_CHUNK_BYTES } from "../../src/pack/limits.ts";
import { tempDir } from "../support/cleanup.ts";

const MiB = 1024 * 1024;
const dir = tempDir("ccshare-encode-");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function onDisk(content: Uint8Array, name = `${SESSION}.jsonl`): SessionFile {
  const abs = join(mkdtempSync(join(dir, "file-")), name);
  writeFileSync(abs, content);
  return { path: name, abs, size: content.length };
}

async function collect(records: AsyncIterable<Record>): Promise<Record[]> {
  const out: Record[] = [];
  for await (const r of records) out.push(r);
  return out;
}

function inflate(records: Record[]): Uint8Array {
  return new Uint8Array(Buffer.concat(records.flatMap((r) => (r.k === "data" ? [zstdDecompressSync(r.z)] : []))));
}

describe("a file becomes file, data..., end", () => {
  test("a 2.5 MiB file travels as five compressed chunks of 512 KiB at most (SEND_CHUNK_BYTES)", async () => {
    const content = new Uint8Array(2.5 * MiB).map((_, i) => (i * 7) % 251);
    const records = await collect(fileRecords({ file: onDisk(content), from: 0 }, SESSION));
    expect(records.map((r) => r.k)).toEqual(["file", "data", "data", "data", "data", "data", "end"]);
    expect(records[0]).toEqual({ k: "file", session: SESSION, path: `${SESSION}.jsonl`, size: content.length });
    for (const r of records) if (r.k === "data") expect(zstdDecompressSync(r.z).length).toBeLessThanOrEqual(SEND_CHUNK_BYTES);
    expect(inflate(records)).toEqual(content);
    expect(records.at(-1)).toEqual({ k: "end", sha256: sha256(content) });
  });

  test("a sender may use chunks up to the 1 MiB the receiver accepts", async () => {
    const content = new Uint8Array(2.5 * MiB).map((_, i) => (i * 7) % 251);
    const records = await collect(fileRecords({ file: onDisk(content), from: 0 }, SESSION, { chunkBytes: MiB }));
    expect(records.map((r) => r.k)).toEqual(["file", "data", "data", "data", "end"]);
    expect(inflate(records)).toEqual(content);
  });

  test("every record it yields fits the record size cap", async () => {
    const random = new Uint8Array(1.5 * MiB);
    for (let i = 0; i < random.length; i += 65536) crypto.getRandomValues(random.subarray(i, i + 65536));
    for await (const r of fileRecords({ file: onDisk(random), from: 0 }, SESSION)) expect(encodeRecord(r).length).toBeLessThanOrEqual(MiB + 64 * 1024);
  });

  test("an empty file is a file record and an end, with no data", async () => {
    const records = await collect(fileRecords({ file: onDisk(new Uint8Array(0)), from: 0 }, SESSION));
    expect(records).toEqual([
      { k: "file", session: SESSION, path: `${SESSION}.jsonl`, size: 0 },
      { k: "end", sha256: sha256(new Uint8Array(0)) },
    ]);
  });

  test("a live session appended to while it is read is sent as the snapshot taken at open", async () => {
    const first = new Uint8Array(1.5 * MiB).fill(0x61);
    const file = onDisk(first);
    const records: Record[] = [];
    for await (const r of fileRecords({ file: file, from: 0 }, SESSION)) {
      records.push(r);
      appendFileSync(file.abs, '{"type":"user","appended":true}\n'); // Claude Code writing as we send
    }
    expect((records[0] as { size: number }).size).toBe(first.length);
    expect(inflate(records)).toEqual(first);
    expect(records.at(-1)).toEqual({ k: "end", sha256: sha256(first) });
  });

  test("a file that shrinks while it is read stops the share", async () => {
    const file = onDisk(new Uint8Array(2 * MiB));
    const error = await (async () => {
      try {
        for await (const r of fileRecords({ file: file, from: 0 }, SESSION)) if (r.k === "file") truncateSync(file.abs, 10);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(SessionChangedError);
  });

  test("a file that vanished before it was opened is a ccshare error", async () => {
    const missing = { path: `${SESSION}.jsonl`, abs: join(tmpdir(), "ccshare-no-such-dir", "x.jsonl"), size: 1 };
    await expect(collect(fileRecords({ file: missing, from: 0 }, SESSION))).rejects.toBeInstanceOf(CcshareError);
  });

  test("a whole transfer is the catalog, each file, then done, and only done is final", async () => {
    const a = onDisk(new TextEncoder().encode("{}\n"));
    const sent: { k: string; final: boolean }[] = [];
    for await (const { plain, final } of sessionStream({ sessions: [offeredSession(SESSION, [a])] })) sent.push({ k: decodeRecord(plain).k, final });
    expect(sent).toEqual(["catalog", "file", "data", "end", "done"].map((k) => ({ k, final: k === "done" })));
  });

  test("sends only the sessions chosen once the catalog is out, and counts their bytes", async () => {
    const other = "11111111-2222-4333-8444-555555555555";
    const a = onDisk(new TextEncoder().encode("{}\n"));
    const b = onDisk(new TextEncoder().encode('{"a":1}\n'), `${other}.jsonl`);
    const seen: string[] = [];
    const chosen: { ids: readonly string[]; total: number }[] = [];
    const sessions = [offeredSession(SESSION, [a]), offeredSession(other, [b])];
    const stream = sessionStream({
      sessions,
      choose: async () => {
        seen.push("choose");
        return wholeSessions(sessions).filter((s) => s.id === other);
      },
      onChosen: (picked, total) => chosen.push({ ids: picked.map((s) => s.id), total }),
    });
    for await (const { plain } of stream) {
      const record = decodeRecord(plain);
      seen.push(record.k === "file" ? `file ${record.session}` : record.k);
    }
    expect(seen).toEqual(["catalog", "choose", `file ${other}`, "data", "end", "done"]);
    expect(chosen).toEqual([{ ids: [other], total: b.size }]);
  });
});

describe("the catalog", () => {
  const entry = (i: number): CatalogEntry => ({
    id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
    title: `Session ${i} ${"t".repeat(150)}`,
    firstPrompt: "p".repeat(200),
    project: `/home/alice/src/project-${i}`,
    branch: "main",
    messages: i,
    created: "2026-07-19T10:00:00.000Z",
    modified: "2026-07-19T11:00:00.000Z",
    bytes: 1000 + i,
    subagents: 0,
    version: "2.1.215",
    folder: `-home-alice-src-project-${i}`,
  });

  test("a small catalog is one record without folders, with file counts", () => {
    const record = catalogRecord([entry(1)], new Map([[entry(1).id, 4]]));
    expect(record.total).toBe(1);
    expect(record.sessions[0]).toEqual({ ...entry(1), folder: undefined, files: 4 } as never);
    expect("folder" in record.sessions[0]!).toBe(false);
  });

  test("a catalog of 6,000 sessions is split into records that each fit the cap", () => {
    const entries = Array.from({ length: 6_000 }, (_, i) => entry(i));
    const records = catalogRecords(entries, new Map());
    expect(records.length).toBeGreaterThan(1);
    for (const r of records) {
      expect(r.total).toBe(6_000);
      expect(encodeRecord(r).length).toBeLessThanOrEqual(MiB + 64 * 1024);
      expect(decodeRecord(encodeRecord(r))).toEqual(r);
    }
    expect(records.flatMap((r) => r.sessions.map((s) => s.id))).toEqual(entries.map((e) => e.id));
  });

  test("an empty catalog is still one record", () => {
    expect(catalogRecords([], new Map())).toEqual([{ k: "catalog", sessions: [], total: 0 }]);
  });

  test("titles and prompts are cut so one entry always fits", () => {
    const long = { ...entry(1), title: "x".repeat(100_000), firstPrompt: "y".repeat(100_000) };
    const [record] = catalogRecords([long], new Map());
    expect(record!.sessions[0]!.title.length).toBeLessThanOrEqual(1_000);
    expect(record!.sessions[0]!.firstPrompt.length).toBeLessThanOrEqual(1_000);
  });
});

describe("what a file record says of the file", () => {
  test("the rest of a file from an offset: its size, where it continues, the sender's whole file and mtime", async () => {
    const content = new TextEncoder().encode('{"a":1}\n{"b":2}\n');
    const file = { ...onDisk(content), mtimeMs: 1_780_000_000_123 };
    const whole = { size: content.length, sha256: sha256(content) };
    const records = await collect(fileRecords({ file, from: 8, update: true, whole }, SESSION));
    expect(records[0]).toEqual({ k: "file", session: SESSION, path: file.path, size: content.length - 8, mtime: 1_780_000_000_123, update: true, from: 8, whole });
    const sent = zstdDecompressSync((records[1] as { z: Uint8Array }).z);
    expect(new TextDecoder().decode(sent)).toBe('{"b":2}\n');
    expect(records.at(-1)).toEqual({ k: "end", sha256: sha256(content.subarray(8)) });
  });

  test("never more than the size it was offered at, though the file grew since", async () => {
    const file = onDisk(new TextEncoder().encode("{}\n"));
    appendFileSync(file.abs, '{"later":true}\n');
    const records = await collect(fileRecords({ file, from: 0 }, SESSION));
    expect((records[0] as { size: number }).size).toBe(3);
  });
});
