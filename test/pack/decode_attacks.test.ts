// Hostile record streams (PROTOCOL.md §4): one test per attack, each ending in
// its own error class with nothing left behind. Most attacks come after a valid
// transcript was written, so "nothing left" means the staging dir was removed.
import { afterAll, describe, expect, test } from "bun:test";
import {
  DigestMismatchError,
  LimitExceededError,
  ProtocolError,
  TruncatedStreamError,
  UnsafePathError,
} from "../../src/errors.ts";
import { encodeMessage } from "../../src/pack/cbor.ts";
import { decodeRecord, encodeRecord, type Record } from "../../src/pack/records.ts";
import { DONE, failureOf, fileStream, leftNothing, OTHER_SESSION, sandbox, SESSION, sha256, text, validStart, zstd, type Sandbox, removeSandboxes } from "./_streams.ts";

afterAll(removeSandboxes);

const FILE = `${SESSION}/tool-results/toolu_1.txt`;

/** Sends a valid transcript, then `records`; the run must end in `errorClass` with a message matching `why` (the guard that caught it). */
async function expectAttack(records: Record[], errorClass: abstract new (...args: never[]) => Error, why: RegExp, o: Parameters<typeof sandbox>[0] = {}): Promise<Error> {
  const box = sandbox(o);
  const error = await failureOf(box, [...validStart(), ...records]);
  expect(error).toBeInstanceOf(errorClass);
  expect((error as Error).message).toMatch(why);
  expect(leftNothing(box)).toBe(true);
  return error as Error;
}

/** `mib` MiB of zeros as concatenated zstd frames (a decoder must read them all), built without allocating the output. */
function zstdBomb(mib: number): Uint8Array {
  const frame = zstd(new Uint8Array(1024 * 1024));
  const bomb = new Uint8Array(frame.length * mib);
  for (let i = 0; i < mib; i++) bomb.set(frame, i * frame.length);
  return bomb;
}

/** What the receive pipeline does with each opened plaintext: decode, accept, and abort on any error. */
async function receiveMessages(box: Sandbox, messages: Uint8Array[]): Promise<unknown> {
  try {
    for (const message of messages) await box.unpacker.accept(decodeRecord(message));
    await box.unpacker.finish();
    return undefined;
  } catch (error) {
    await box.unpacker.abort();
    return error;
  }
}

describe("a sharer that lies about sizes is stopped", () => {
  test("a file shorter than its declared size is refused at its end", async () => {
    const content = text("only eleven");
    await expectAttack([{ k: "file", session: SESSION, path: FILE, size: 100 }, { k: "data", z: zstd(content) }, { k: "end", sha256: sha256(content) }, DONE], ProtocolError, /after 11 of its declared 100 bytes/);
  });

  test("a file longer than its declared size is refused before the excess is written", async () => {
    const content = text("twenty-two bytes long!");
    await expectAttack([{ k: "file", session: SESSION, path: FILE, size: 5 }, { k: "data", z: zstd(content) }, { k: "end", sha256: sha256(content) }, DONE], LimitExceededError, /more than the declared 5 bytes/);
  });

  test("more data records after the declared size is reached are refused", async () => {
    const content = text("12345");
    await expectAttack([{ k: "file", session: SESSION, path: FILE, size: 5 }, { k: "data", z: zstd(content) }, { k: "data", z: zstd(content) }], LimitExceededError, /more than the declared 5 bytes/);
  });

  test("a zstd bomb is stopped at the declared size without inflating it", async () => {
    const bomb = zstdBomb(1024); // 1 GiB of zeros in a few KB
    expect(bomb.length).toBeLessThan(128 * 1024);
    const before = process.memoryUsage().rss;
    const started = performance.now();
    await expectAttack([{ k: "file", session: SESSION, path: FILE, size: 1000 }, { k: "data", z: bomb }], LimitExceededError, /more than the declared 1000 bytes/);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
  });

  test("a zstd bomb in a huge declared file is stopped at one chunk", async () => {
    const bomb = zstdBomb(64);
    await expectAttack([{ k: "file", session: SESSION, path: FILE, size: 1024 ** 3 }, { k: "data", z: bomb }], LimitExceededError, /a chunk of .* over 1048576 bytes/);
  });

  test("a declared size over the per-file cap is refused before any data", async () => {
    await expectAttack([{ k: "file", session: SESSION, path: FILE, size: 2_000 }], LimitExceededError, /over the 1000-byte limit/, { limits: { maxFileBytes: 1_000 } });
  });

  test("declared sizes adding up to more than the total cap are refused", async () => {
    const limits = { maxTotalBytes: 200 };
    await expectAttack([...fileStream(`${SESSION}/tool-results/a.txt`, new Uint8Array(100)), { k: "file", session: SESSION, path: FILE, size: 100 }], LimitExceededError, /more than 200 bytes in all/, { limits });
  });

  test("more files than the file-count cap are refused", async () => {
    const many = Array.from({ length: 3 }, (_, i) => fileStream(`${SESSION}/tool-results/${i}.txt`, text("x"))).flat();
    await expectAttack(many, LimitExceededError, /more than 3 files/, { limits: { maxFiles: 3 } });
  });
});

describe("a sharer that breaks the record order is stopped", () => {
  test("data before any file is refused", async () => {
    const box = sandbox();
    expect(await failureOf(box, [{ k: "data", z: zstd(text("x")) }])).toBeInstanceOf(ProtocolError);
    expect(leftNothing(box)).toBe(true);
  });

  test("data after a file has ended is refused", () => expectAttack([{ k: "data", z: zstd(text("x")) }], ProtocolError, /"data" record outside a file/));
  test("an end outside a file is refused", () => expectAttack([{ k: "end", sha256: sha256(text("")) }], ProtocolError, /"end" record outside a file/));
  test("a file inside a file is refused", () => expectAttack([{ k: "file", session: SESSION, path: FILE, size: 1 }, ...fileStream(`${SESSION}/x.txt`, text("y"))], ProtocolError, /"file" record inside a file/));
  test("done inside a file is refused", () => expectAttack([{ k: "file", session: SESSION, path: FILE, size: 1 }, DONE], ProtocolError, /"done" record inside a file/));
  test("records after done are refused", () => expectAttack([DONE, ...fileStream(FILE, text("late"))], ProtocolError, /"file" record after the end/));
  test("a receiver-side record from the sharer is refused", () => expectAttack([{ k: "credit", n: 8 }], ProtocolError, /"credit" record/));
  test("a stream that stops without done is truncated", () => expectAttack(fileStream(FILE, text("x")), TruncatedStreamError, /ended before it was complete/));
  test("a stream that stops inside a file is truncated", () => expectAttack([{ k: "file", session: SESSION, path: FILE, size: 1 }], TruncatedStreamError, /ended before it was complete/));
});

describe("a sharer that sends what was not asked for is stopped", () => {
  test("a duplicate path is refused", () => expectAttack([...fileStream(FILE, text("a")), ...fileStream(FILE, text("b"))], ProtocolError, /twice/));
  test("a path differing only in case from an earlier one is refused", () =>
    expectAttack([...fileStream(FILE, text("a")), ...fileStream(FILE.toUpperCase().replace(SESSION.toUpperCase(), SESSION), text("b"))], ProtocolError, /twice/));
  test("a file for a session not asked for is refused", () => expectAttack(fileStream(`${OTHER_SESSION}.jsonl`, text("{}\n"), OTHER_SESSION), ProtocolError, /not asked for/));
  test("a session without its transcript is refused at done", async () => {
    const box = sandbox({ wanted: [SESSION, OTHER_SESSION] });
    const error = await failureOf(box, [...validStart(), ...fileStream(`${OTHER_SESSION}/subagents/agent-a.jsonl`, text("{}\n"), OTHER_SESSION), DONE]);
    expect(error).toBeInstanceOf(ProtocolError);
    expect(leftNothing(box)).toBe(true);
  });
});

describe("a sharer whose bytes do not check out is stopped", () => {
  test("a digest mismatch is refused", () => expectAttack([...fileStream(FILE, text("real")).slice(0, 2), { k: "end", sha256: sha256(text("fake")) }], DigestMismatchError, /different SHA-256/));
  test("a file record's digest that disagrees with its end is refused", () =>
    expectAttack([{ k: "file", session: SESSION, path: FILE, size: 4, sha256: sha256(text("fake")) }, { k: "data", z: zstd(text("real")) }, { k: "end", sha256: sha256(text("real")) }], DigestMismatchError, /different SHA-256/));
  test("corrupt compressed data is refused", () => expectAttack([{ k: "file", session: SESSION, path: FILE, size: 4 }, { k: "data", z: text("not zstd at all") }], ProtocolError, /corrupt compressed data/));
  test("an empty chunk is refused", () => expectAttack([{ k: "file", session: SESSION, path: FILE, size: 4 }, { k: "data", z: zstd(new Uint8Array(0)) }], ProtocolError, /empty chunk/));
});

describe("hostile bytes on the way in abort the receive", () => {
  const start = () => validStart().map(encodeRecord);

  test("a CBOR value nested 10,000 deep is refused without blowing the stack", async () => {
    const deep = new Uint8Array(3 + 10_000);
    deep.set([0xa1, 0x61, 0x6b]); // {"k": [[[[...
    deep.fill(0x81, 3);
    const box = sandbox();
    const error = await receiveMessages(box, [...start(), deep]);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as Error).message).toMatch(/nesting deeper than 16/);
    expect(leftNothing(box)).toBe(true);
  });

  test("a byte string claiming 2 GB is refused without allocating it", async () => {
    // {"k":"data","z": <bytes, length 0x80000000>} and nothing after the header.
    const lie = new Uint8Array([0xa2, 0x61, 0x6b, 0x64, ...text("data"), 0x61, 0x7a, 0x5a, 0x80, 0, 0, 0]);
    const box = sandbox();
    const error = await receiveMessages(box, [...start(), lie]);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as Error).message).toMatch(/a string of 2147483648 bytes with only 0 left/);
    expect(leftNothing(box)).toBe(true);
  });

  test("an unknown record kind is refused", async () => {
    const box = sandbox();
    const error = await receiveMessages(box, [...start(), encodeMessage({ k: "exec", cmd: "rm -rf ~" })]);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as Error).message).toContain("unknown record kind");
    expect(leftNothing(box)).toBe(true);
  });

  test("a file record with a size that is not a number is refused", async () => {
    const box = sandbox();
    const error = await receiveMessages(box, [...start(), encodeMessage({ k: "file", session: SESSION, path: FILE, size: "12" })]);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as Error).message).toMatch(/size is not a non-negative integer/);
    expect(leftNothing(box)).toBe(true);
  });

  test("a file record with a negative size is refused", async () => {
    const box = sandbox();
    expect(await receiveMessages(box, [...start(), encodeMessage({ k: "file", session: SESSION, path: FILE, size: -1 })])).toBeInstanceOf(ProtocolError);
    expect(leftNothing(box)).toBe(true);
  });

  test("abort after a clean stream still removes everything", async () => {
    const box = sandbox();
    expect(await receiveMessages(box, [...start(), encodeRecord(DONE)])).toBeUndefined();
    await box.unpacker.abort();
    expect(leftNothing(box)).toBe(true);
  });
});

test("errors from path checks keep their own class through the unpacker", async () => {
  await expectAttack(fileStream("../x.jsonl", text("x")), UnsafePathError, /unsafe file path/);
});
