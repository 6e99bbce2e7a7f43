// install/line_stream.ts: a file edited as it arrives in chunks gives exactly
// the bytes of the slow reference editor on the whole file, wherever the chunks are cut.
import { describe, expect, test } from "bun:test";
import { concat } from "../../src/bytes/concat.ts";
import { cwdRewrite } from "../../src/install/cwd_rewrite.ts";
import { lineEditor } from "../../src/install/line_edit.ts";
import { LineEditStream } from "../../src/install/line_stream.ts";
import { referenceEdit } from "../support/reference_editor.ts";

const SOURCE = "/home/alice/app";
const TARGET = "/srv/bob/app";
const filter = () => lineEditor({ cwd: cwdRewrite(SOURCE, TARGET) });
const bytes = (text: string) => new TextEncoder().encode(text);

/** What the reference editor makes of the whole of `input` with the same edits. */
async function copied(input: Uint8Array): Promise<Uint8Array> {
  return referenceEdit(input, { cwd: cwdRewrite(SOURCE, TARGET) });
}

/** `input` pushed in chunks cut at `cuts`, then end(): every output copied as it comes (views are reused). */
function streamed(input: Uint8Array, cuts: number[]): Uint8Array {
  const stream = new LineEditStream(filter());
  const out: Uint8Array[] = [];
  let at = 0;
  for (const cut of [...cuts, input.length]) {
    out.push(stream.push(input.slice(at, cut)).slice());
    at = cut;
  }
  out.push(stream.end().slice());
  stream.release();
  return concat(...out);
}

const line = (cwd: string, text = "hello") => JSON.stringify({ type: "user", message: { content: text }, cwd, sessionId: "s" });
const SAMPLE = bytes(
  [
    line(SOURCE),
    line(`${SOURCE}/sub`, "with \"quotes\" and \\ backslashes and é"),
    line("/elsewhere"),
    `{"type":"summary","summary":"no cwd here"}`,
    `${line(SOURCE)}\r`,
    "",
    `{"cwd":"${SOURCE}","nested":{"cwd":"${SOURCE}"}}`,
    `{"cwd":"${SOURCE}", "torn":`,
  ].join("\n"),
);

describe("LineEditStream", () => {
  test("gives the reference editor's bytes for every single cut point, including inside a line and a multi-byte character", async () => {
    const expected = await copied(SAMPLE);
    expect(new TextDecoder().decode(expected)).toContain(`"cwd":"${TARGET}/sub"`);
    for (let cut = 0; cut <= SAMPLE.length; cut++) expect(streamed(SAMPLE, [cut])).toEqual(expected);
  });

  test("gives the same bytes byte by byte, and in empty chunks", async () => {
    const expected = await copied(SAMPLE);
    expect(streamed(SAMPLE, Array.from({ length: SAMPLE.length }, (_, i) => i))).toEqual(expected);
    expect(streamed(SAMPLE, [0, 0, 5, 5, 5])).toEqual(expected);
  });

  test("edits a 3 MB line that arrives in 64 KiB chunks, held whole until its end", async () => {
    const big = bytes(`${line(`${SOURCE}/deep`, `"cwd":"${SOURCE}" \\ \n`.repeat(150_000))}\n${line(SOURCE)}\n`);
    expect(big.length).toBeGreaterThan(3_000_000);
    const cuts = Array.from({ length: Math.floor(big.length / 65536) }, (_, i) => (i + 1) * 65536);
    const out = streamed(big, cuts);
    expect(out).toEqual(await copied(big));
    expect(new TextDecoder().decode(out.subarray(out.length - 200))).toContain(`"cwd":"${TARGET}"`);
  });

  test("a file without any newline is one line, edited at the end", () => {
    const input = bytes(line(SOURCE));
    const stream = new LineEditStream(filter());
    expect(stream.push(input).length).toBe(0);
    expect(new TextDecoder().decode(stream.end())).toBe(line(TARGET));
    stream.release();
  });

  test("a view stays intact while the next chunk is edited into the other buffer", () => {
    const stream = new LineEditStream(filter());
    const first = stream.push(bytes(`${line(SOURCE)}\n`));
    const copy = first.slice();
    stream.push(bytes(`${line("/other", "x".repeat(5000))}\n`));
    expect(first).toEqual(copy);
    stream.release();
  });

  test("release() twice hands each buffer back once", () => {
    const a = new LineEditStream(filter());
    a.push(bytes(`${line(SOURCE)}\n`));
    a.release();
    // b takes a's buffers from the pool; a second release must not hand them out again to c.
    const b = new LineEditStream(filter());
    a.release();
    const c = new LineEditStream(filter());
    const fromB = b.push(bytes(`${line(SOURCE, "b")}\n`));
    const expected = fromB.slice();
    c.push(bytes(`${line(SOURCE, "c")}\n`));
    c.push(bytes(`${line(SOURCE, "c")}\n`));
    expect(fromB).toEqual(expected);
    b.release();
    c.release();
  });
});
