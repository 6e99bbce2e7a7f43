// `make bench BENCH_ARGS=redact`: the secret scan that share and export run
// before sending (issue 17), on a corpus of real text in transcript-shaped
// lines (bench/realistic_corpus.ts: this machine's Python sources,
// /usr/share/doc, C headers and Perl modules). Targets:
//   scan >= 250 MB/s of session bytes (so it adds <= 20% to a share),
//   peak RSS <= 150 MB, false positives <= 1 per 100 MB,
//   >= 20 kinds of credentials found in the fixture session.
// The scan is timed in a child process that does nothing else, so that
// writing the corpus sets neither its time nor its peak RSS. Every finding on
// the corpus is printed (rule, masked preview, source file): real docs can
// hold real example keys, and a person should look.
// CCSHARE_BENCH_MB sets the corpus size (default 600).
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { OfferedSession } from "../src/catalog/entry.ts";
import { scanSessions } from "../src/redact/sessions.ts";
import { writeSecretSession } from "../test/fixtures/secrets.ts";
import { writeRealisticStore } from "./realistic_corpus.ts";

const MB = 1024 * 1024;
const TARGET_MBS = 250;
const MAX_RSS_MB = 150;
const MAX_FP_PER_100MB = 1;
const RUNS = 3;

function entry(id: string, bytes: number) {
  return { id, title: id, firstPrompt: "", project: "/home/alice/src/app", branch: "main", messages: 0, created: "", modified: "", bytes, subagents: 0, version: "2.1.215", folder: "" };
}

function sessionsIn(dir: string): OfferedSession[] {
  return readdirSync(dir).filter((n) => n.endsWith(".jsonl")).sort().map((name) => {
    const abs = join(dir, name);
    const size = statSync(abs).size;
    return { entry: entry(name.slice(0, 36), size), files: [{ path: name, abs, size }] };
  });
}

/**
 * Peak RSS of this process in MB. Linux's VmHWM, not getrusage's maxRSS: a
 * spawned child's maxRSS starts at its parent's (the kernel carries the
 * high-water mark across exec), which wrote the corpus.
 */
function peakRssMB(): number {
  if (existsSync("/proc/self/status")) {
    const hwm = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync("/proc/self/status", "utf8"));
    if (hwm) return Number(hwm[1]) / 1024;
  }
  return process.resourceUsage().maxRSS / 1024;
}

/** Child: scan the corpus RUNS times; print one JSON line of figures and findings. */
async function measure(dir: string): Promise<void> {
  const sessions = sessionsIn(dir);
  const bytes = sessions.reduce((n, s) => n + s.entry.bytes, 0);
  const rates: number[] = [];
  let findings: { rule: string; preview: string; file: string }[] = [];
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    const report = await scanSessions(sessions);
    rates.push(bytes / MB / ((performance.now() - started) / 1000));
    findings = report.scans.flatMap((files) => files.flatMap((f) => f.found.map((x) => ({ rule: x.rule, preview: x.preview, file: f.file.path }))));
  }
  const rss = peakRssMB();
  process.stdout.write(JSON.stringify({ bytes, rates, rss, findings }) + "\n");
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), "ccshare-redact-bench-"));
  try {
    const total = Number(process.env.CCSHARE_BENCH_MB ?? 600) * MB;
    const t0 = performance.now();
    const { files, sources } = writeRealisticStore(join(work, "corpus"), total);
    const dir = join(work, "corpus", "projects", "-home-alice-src-app");
    const bytes = files.reduce((n, f) => n + f.size, 0);
    console.log(`corpus: ${(bytes / MB).toFixed(0)} MB of transcript lines from ${sources} real source and doc files (written in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);

    const child = Bun.spawn([process.execPath, "run", import.meta.path, "--measure", dir], { stdout: "pipe", stderr: "inherit", env: process.env });
    const out = await new Response(child.stdout).text();
    if ((await child.exited) !== 0) throw new Error("the measuring process failed");
    const m = JSON.parse(out) as { bytes: number; rates: number[]; rss: number; findings: { rule: string; preview: string; file: string }[] };
    const median = [...m.rates].sort((a, b) => a - b)[Math.floor(m.rates.length / 2)]!;
    const perHundred = (m.findings.length / (m.bytes / MB)) * 100;
    console.log(`scan: ${m.rates.map((r) => r.toFixed(0)).join(", ")} MB/s (median ${median.toFixed(0)}), peak RSS ${m.rss.toFixed(0)} MB`);
    console.log(`false positives: ${m.findings.length} in ${(m.bytes / MB).toFixed(0)} MB = ${perHundred.toFixed(2)} per 100 MB`);
    for (const f of m.findings) console.log(`  ${f.rule.padEnd(28)} ${f.preview.padEnd(14)} ${f.file}`);

    // The user's path: list the store and scan it with the compiled binary.
    const bin = resolve(import.meta.dir, "../dist/ccshare");
    const env = { ...process.env, HOME: work, CLAUDE_CONFIG_DIR: join(work, "corpus"), XDG_CACHE_HOME: join(work, "cache") } as Record<string, string>;
    const started = performance.now();
    const cli = Bun.spawn([bin, "scan", "--json"], { env, stdout: "pipe", stderr: "pipe" });
    const cliOut = await new Response(cli.stdout).text();
    const cliCode = await cli.exited;
    const cliSeconds = (performance.now() - started) / 1000;
    if (cliCode === 0) console.log(`ccshare scan (binary, listing included): ${(bytes / MB / cliSeconds).toFixed(0)} MB/s, ${JSON.parse(cliOut).values} findings`);
    else console.log(`ccshare scan (binary) exited ${cliCode}: ${await new Response(cli.stderr).text()}`);

    // Coverage: the fixture session with every kind of credential.
    const fixture = writeSecretSession(join(work, "fixture"));
    const fdir = join(work, "fixture", "projects", fixture.folder);
    const offered = { entry: entry(fixture.id, 0), files: fixture.files.map((p) => ({ path: p, abs: join(fdir, p), size: statSync(join(fdir, p)).size })) };
    const report = await scanSessions([offered]);
    const kinds = new Set(report.findings.flatMap((s) => s.rules.map((r) => r.rule)));
    const planted = new Set(fixture.secrets.map((c) => c.rule));
    console.log(`fixture: ${fixture.secrets.length} credentials of ${planted.size} kinds planted; ${report.values} values of ${kinds.size} kinds found`);

    const met = { speed: median >= TARGET_MBS, rss: m.rss <= MAX_RSS_MB, fp: perHundred <= MAX_FP_PER_100MB, kinds: kinds.size >= 20 };
    console.log(`targets: scan >= ${TARGET_MBS} MB/s ${met.speed ? "met" : "NOT met"}; RSS <= ${MAX_RSS_MB} MB ${met.rss ? "met" : "NOT met"}; false positives <= ${MAX_FP_PER_100MB}/100 MB ${met.fp ? "met" : "NOT met"}; >= 20 kinds ${met.kinds ? "met" : "NOT met"}`);
    if (!Object.values(met).every(Boolean)) process.exitCode = 1;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[2] === "--measure") await measure(process.argv[3]!);
else await main();
