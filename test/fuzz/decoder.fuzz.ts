// `make fuzz` (issue 13): a bounded fuzz run of the receiver's decoder, not part
// of `make test`. Mutated record streams go through the path a live receive
// takes (pack/records decodeRecord -> install/incoming.ts -> pack/decode.ts
// Unpacker -> install), mutated bundle files through the path an import takes
// (bundle/read.ts -> the same). One receiver, put back as it was after each input; after it:
//   - it ended with a CcshareError, or it installed (anything else is a crash,
//     and so is an uncaught exception or unhandled rejection);
//   - on failure the receiver's folders are exactly as before;
//   - on success only session files of the right shapes appeared, only in the
//     receiver's project folder; and never anything beside the receiver.
// Prints the counts and exits 1 on the first violation, with fast-check's seed.
//   FUZZ_STREAMS=70000 FUZZ_BUNDLES=30000 [FUZZ_SEED=n] bun test/fuzz/decoder.fuzz.ts
import fc from "fast-check";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sealBundle } from "../../src/bundle/write.ts";
import { importBundle } from "../../src/bundle/import.ts";
import { CcshareError } from "../../src/errors.ts";
import { Incoming } from "../../src/install/incoming.ts";
import { decodeRecord, encodeRecord, type CatalogSession, type Record } from "../../src/pack/records.ts";
import { cleanUp, tempDir } from "../support/cleanup.ts";
import { DONE, fileStream, OTHER_SESSION, SESSION, text } from "../pack/_streams.ts";
import { apply, byteMutation, field, mutation, type Mutation } from "./_mutations.ts";

const STREAMS = Number(process.env.FUZZ_STREAMS ?? 70_000);
const BUNDLES = Number(process.env.FUZZ_BUNDLES ?? 30_000);
const PASSPHRASE = "fuzz-orbit-maple-tiger";

const entry = (id: string): CatalogSession => ({
  id, title: "t", firstPrompt: "p", project: "/home/alice/src/app", branch: "main", messages: 2, created: "2026-07-19T10:00:00.000Z",
  modified: "2026-07-19T10:00:00.000Z", bytes: 100, files: 3, subagents: 1, version: "2.1.0",
});
const catalog = [entry(SESSION), entry(OTHER_SESSION)];
const line = (s: string) => `{"type":"user","cwd":"/home/alice/src/app","sessionId":"${SESSION}","message":{"role":"user","content":"${s}"}}\n`;
const records: Record[] = [
  ...fileStream(`${SESSION}.jsonl`, text(line("hi") + line("there"))),
  ...fileStream(`${SESSION}/subagents/agent-a1.jsonl`, text('{"isSidechain":true}\n'.repeat(40))),
  ...fileStream(`${SESSION}/subagents/agent-a1.meta.json`, text('{"agentType":"Explore"}')),
  ...fileStream(`${SESSION}/tool-results/toolu_1.txt`, text("x".repeat(3000)), SESSION, 1000),
  ...fileStream("agent-b2.jsonl", text('{"isSidechain":true}\n')),
  DONE,
];
/** What a sharer sends for a receiver that wants SESSION only. */
const valid = records.map(encodeRecord);
/** A bundle holds every session of its catalog; the import picks SESSION and skips the other's files. */
const bundled: Record[] = [...records.slice(0, -1), ...fileStream(`${OTHER_SESSION}.jsonl`, text(line("other")), OTHER_SESSION), DONE];
/** Where a received file may land: a session's own names, in the receiver's project folder. */
const INSTALLED_SHAPE = /^projects\/[^/]+\/(?:[0-9a-f-]{36}\.jsonl|[0-9a-f-]{36}\/[A-Za-z0-9._/-]+|agent-[A-Za-z0-9_-]+\.jsonl)$/;

const root = tempDir("ccshare-fuzz-");
let crashes = 0;
process.on("uncaughtException", (error) => fail(`uncaught exception: ${error?.stack ?? error}`));
process.on("unhandledRejection", (error) => fail(`unhandled rejection: ${(error as Error)?.stack ?? error}`));
function fail(why: string): never {
  crashes++;
  throw new Error(why);
}

/** Every path under `dir`, relative, dirs ending in "/". */
function tree(dir: string, prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? [`${prefix}${e.name}/`, ...tree(join(dir, e.name), `${prefix}${e.name}/`)] : [`${prefix}${e.name}`]));
}

interface Receiver { box: string; config: string; into: string; env: { [k: string]: string } }
/** One receiver for the whole run, put back as it was after each input (a fresh one per input costs more than the input). */
let shared: { r: Receiver; before: string[] } | undefined;
function receiver(): { r: Receiver; before: string[] } {
  if (shared) return shared;
  const box = mkdtempSync(join(root, "box-"));
  const config = join(box, "home", ".claude");
  const into = join(box, "into");
  // As on a machine that has run Claude Code: an install that fails removes
  // the project folder it made, but not projects/ itself.
  mkdirSync(join(config, "projects"), { recursive: true });
  mkdirSync(into);
  const r = { box, config, into, env: { HOME: join(box, "home"), CLAUDE_CONFIG_DIR: config } };
  return (shared = { r, before: tree(box) });
}

/** Removes what an input added (outermost first). */
function reset(r: Receiver, before: string[]): void {
  const added = tree(r.box).filter((p) => !before.includes(p));
  for (const path of added) if (!added.some((other) => other !== path && other.endsWith("/") && path.startsWith(other))) rmSync(join(r.box, path), { recursive: true, force: true });
}

let installed = 0;
/** The checks every run ends with, whatever it did. */
function check(r: Receiver, before: string[], error: unknown, what: string): void {
  if (error !== undefined && !(error instanceof CcshareError)) fail(`${what}: a crash, not a ccshare error: ${(error as Error)?.stack ?? String(error)}`);
  if (readdirSync(root).length !== 1) fail(`${what}: something appeared beside the receiver: ${readdirSync(root).join(", ")}`);
  const after = tree(r.box);
  const added = after.filter((p) => !before.includes(p));
  if (error !== undefined) {
    if (added.length || after.length !== before.length) fail(`${what}: failed with "${(error as Error).message}" but left ${JSON.stringify(added)}`);
    return;
  }
  installed++;
  for (const path of added) {
    const rel = path.slice("home/.claude/".length);
    if (!path.startsWith("home/.claude/projects/") || (!path.endsWith("/") && !INSTALLED_SHAPE.test(rel)) || rel.includes(".ccshare-staging")) {
      fail(`${what}: installed something where nothing may go: ${path}`);
    }
  }
}

async function receiveStream(stream: Uint8Array[]): Promise<void> {
  const { r, before } = receiver();
  let error: unknown;
  let incoming: Incoming | undefined;
  try {
    incoming = await Incoming.open({ catalog, wanted: new Set([SESSION]), into: r.into, env: r.env });
    for (const message of stream) {
      const record = decodeRecord(message);
      await incoming.accept(record);
      if (record.k === "done") break;
    }
    await incoming.install();
  } catch (e) {
    error = e;
    await incoming?.abort().catch((e2: unknown) => fail(`abort failed: ${e2}`));
  } finally {
    await incoming?.dispose();
  }
  check(r, before, error, "stream");
  reset(r, before);
}

async function importFile(bytes: Uint8Array): Promise<void> {
  const { r, before: empty } = receiver();
  const path = join(r.box, "in.ccs");
  writeFileSync(path, bytes);
  const before = [...empty, "in.ccs"];
  const error = await importBundle({ path, passphrase: async () => PASSPHRASE, choose: async (c) => c.map((s) => s.id).filter((id) => id === SESSION), into: r.into, env: r.env }).then(
    () => undefined,
    (e: unknown) => e,
  );
  check(r, before, error, "bundle");
  reset(r, empty);
}

async function main(): Promise<void> {
  const started = performance.now();
  const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
  console.log(`fuzz: seed ${seed}; ${STREAMS} record streams through install/incoming.ts, ${BUNDLES} bundle files through bundle/read.ts`);

  // The unmutated inputs must install, or the mutations below prove nothing.
  await receiveStream(valid);
  const sealed = join(root, "base.ccs");
  async function* plain() {
    yield { plain: encodeRecord({ k: "catalog", sessions: catalog, total: 2 }), final: false };
    for (const record of bundled) yield { plain: encodeRecord(record), final: record.k === "done" };
  }
  // The cheapest scrypt a reader accepts: the fuzz is after the reader, not the KDF.
  await sealBundle({ out: sealed, passphrase: PASSPHRASE, scrypt: { N: 2, r: 1, p: 1, salt: new Uint8Array(16) }, count: 2, records: plain() });
  const bundle = new Uint8Array(readFileSync(sealed));
  rmSync(sealed);
  await importFile(bundle);

  let streams = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(fc.oneof(mutation, field), { minLength: 1, maxLength: 4 }), async (mutations: Mutation[]) => {
      const stream = mutations.reduce((s, m) => apply(s, m), valid);
      const before = crashes;
      await receiveStream(stream).catch((e: Error) => fail(e.message));
      streams++;
      if (crashes === before && streams % 10_000 === 0) console.log(`  ${streams} streams, ${Math.round((performance.now() - started) / 1000)} s`);
    }),
    { numRuns: STREAMS, seed, endOnFailure: true },
  );
  let bundles = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(byteMutation, { minLength: 1, maxLength: 3 }), async (mutations: Mutation[]) => {
      // A bundle file is one message: its bytes are mutated.
      const [bytes] = mutations.reduce((s, m) => apply(s, m, { keepOne: true }), [bundle] as Uint8Array[]);
      await importFile(bytes ?? new Uint8Array());
      bundles++;
      if (bundles % 10_000 === 0) console.log(`  ${bundles} bundles, ${Math.round((performance.now() - started) / 1000)} s`);
    }),
    { numRuns: BUNDLES, seed, endOnFailure: true },
  );
  const seconds = Math.round((performance.now() - started) / 1000);
  console.log(
    `fuzz: ${streams + bundles} mutated inputs (${streams} record streams, ${bundles} bundles) in ${seconds} s: ` +
      `${crashes} crashes, 0 writes outside staging; ${installed - 2} of them installed (a mutation the protocol allows), the rest refused with a ccshare error`,
  );
}

try {
  await main();
} catch (error) {
  console.error(`fuzz: FAILED: ${(error as Error)?.message ?? error}`);
  process.exitCode = 1;
} finally {
  await cleanUp();
}
