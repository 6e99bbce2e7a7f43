// `make bench BENCH_ARGS=transfer` (issue 3): the whole secure pipeline in one
// process — catalog -> pack -> seal -> channel -> open -> unpack — on ~500 MB of
// session JSONL shaped like Claude Code transcripts, with the real handshake and
// credit-based flow control over an in-memory Channel. The install step is left
// out (it is measured end to end in the LAN bench). Targets: >= 300 MB/s of
// session bytes, peak RSS <= 150 MB.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { listSessions } from "../src/catalog/catalog.ts";
import { memoryChannelPair } from "../src/net/channel.ts";
import { offerSessions } from "../src/transfer/offer.ts";
import { receiveSessions } from "../src/transfer/receive.ts";
import { sendSessions } from "../src/transfer/send.ts";
import { writeBigStore } from "../test/fixtures/store.ts";

const MB = 1024 * 1024;
const TOTAL = Number(process.env.TRANSFER_BENCH_MB ?? 500) * MB;
const TARGET_MBPS = 300;
const TARGET_RSS_MB = 150;

function peakRssMb(): number {
  const status = readFileSync("/proc/self/status", "utf8");
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

const root = mkdtempSync(join(tmpdir(), "ccshare-bench-transfer-"));
try {
  const sharerEnv = { CLAUDE_CONFIG_DIR: join(root, "sharer"), HOME: root };
  const receiverEnv = { CLAUDE_CONFIG_DIR: join(root, "receiver"), HOME: root };
  writeBigStore(sharerEnv.CLAUDE_CONFIG_DIR, { sessions: 40, totalBytes: TOTAL });
  const entries = await listSessions({ env: sharerEnv });
  const offered = await offerSessions(entries, sharerEnv);
  const bytes = offered.reduce((n, s) => n + s.files.reduce((m, f) => m + f.size, 0), 0);
  const rssBefore = peakRssMb();

  const run = async () => {
    const [sharerSide, receiverSide] = memoryChannelPair();
    const started = performance.now();
    const [sent, received] = await Promise.all([
      sendSessions(sharerSide, { room: "BENCH1", passphrase: "bench-pass", sessions: offered }),
      receiveSessions(receiverSide, {
        room: "BENCH1",
        passphrase: "bench-pass",
        into: root,
        env: receiverEnv,
        choose: async (catalog) => catalog.map((c) => c.id),
        install: async () => ({ target: root, folder: root, installed: [], skipped: [] }),
      }),
    ]);
    const seconds = (performance.now() - started) / 1000;
    if (sent.bytes !== bytes || received.wanted.length !== offered.length) throw new Error(`sent ${sent.bytes} of ${bytes} bytes`);
    return seconds;
  };
  await run(); // warm-up: JIT, WebCrypto keys, zstd contexts
  const seconds = await run();
  const mbps = bytes / MB / seconds;
  const rss = peakRssMb();
  console.log(`pipeline (pack -> seal -> channel -> open -> unpack, one process): ${(bytes / MB).toFixed(0)} MB in ${seconds.toFixed(2)} s = ${mbps.toFixed(0)} MB/s (target >= ${TARGET_MBPS})`);
  console.log(`peak RSS: ${rss.toFixed(0)} MB (before the transfers: ${rssBefore.toFixed(0)} MB; target <= ${TARGET_RSS_MB})`);
  const ok = mbps >= TARGET_MBPS && rss <= TARGET_RSS_MB;
  if (!ok) console.log("target NOT met");
  process.exitCode = ok ? 0 : 1;
} finally {
  rmSync(root, { recursive: true, force: true });
}
