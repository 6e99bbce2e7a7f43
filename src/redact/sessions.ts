// The redact step of the send pipeline (DESIGN.md §2):
//   catalog -> redact -> pack -> seal -> channel
// scanSessions() reads every file of the chosen sessions and reports what it
// found; redactSessions() turns that report into the sessions to send, where
// each file with findings points at a redacted copy in a private temporary
// folder and every other file at the original. The copies live until
// dispose() (or the process exits), so nothing redacted outlives the share.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { CatalogEntry, OfferedSession, SessionFile } from "../catalog/entry.ts";
import { scanFile, type FileScan } from "./file_scan.ts";
import { writeRedactedCopy } from "./redacted_copy.ts";
import { ruleSet } from "./rule.ts";
import { redactText } from "./segment.ts";

export interface RuleFindings {
  rule: string;
  count: number;
  /** A masked preview of the first one (`AKIA…XW9V`). */
  preview: string;
}

export interface SessionFindings {
  id: string;
  /** The session's title, itself redacted. */
  title: string;
  /** Values a redacted copy removes. */
  values: number;
  /** Thinking blocks replaced whole because they held some of those values. */
  thinkingBlocks: number;
  rules: RuleFindings[];
}

export interface ScanReport {
  sessions: OfferedSession[];
  /** Per session, per file. */
  scans: FileScan[][];
  /** Only sessions with findings, in the order given. */
  findings: SessionFindings[];
  /** Bytes scanned over all files. */
  bytes: number;
  values: number;
  /** The rule set: gitleaks' version and the number of rules. */
  rules: { gitleaks: string; count: number };
}

export interface ScanProgress {
  bytes: number;
  total: number;
}

export async function scanSessions(sessions: OfferedSession[], o: { signal?: AbortSignal; onProgress?: (p: ScanProgress) => void } = {}): Promise<ScanReport> {
  const set = ruleSet();
  const total = sessions.reduce((n, s) => n + s.files.reduce((m, f) => m + f.size, 0), 0);
  let bytes = 0;
  const scans: FileScan[][] = [];
  const findings: SessionFindings[] = [];
  for (const session of sessions) {
    const files: FileScan[] = [];
    for (const file of session.files) {
      const scan = await scanFile(file, set, o.signal);
      files.push(scan);
      bytes += scan.size;
      o.onProgress?.({ bytes, total: Math.max(total, bytes) });
    }
    scans.push(files);
    const found = files.flatMap((f) => f.found);
    if (found.length === 0) continue;
    const byRule = new Map<string, RuleFindings>();
    for (const f of found) {
      const seen = byRule.get(f.rule);
      if (seen) seen.count++;
      else byRule.set(f.rule, { rule: f.rule, count: 1, preview: f.preview });
    }
    findings.push({
      id: session.entry.id,
      title: redactText(session.entry.title, set),
      values: found.length,
      thinkingBlocks: files.reduce((n, f) => n + f.thinkingBlocks, 0),
      rules: [...byRule.values()].sort((a, b) => b.count - a.count || a.rule.localeCompare(b.rule)),
    });
  }
  return { sessions, scans, findings, bytes, values: findings.reduce((n, f) => n + f.values, 0), rules: { gitleaks: set.source.gitleaks, count: set.source.rules } };
}

export interface RedactedSessions {
  sessions: OfferedSession[];
  /** Values removed over all sessions. */
  values: number;
  /** Removes the redacted copies; safe to call twice. */
  dispose(): void;
}

/** The sessions as they are, for a sharer who chose to send them unredacted (or had nothing to redact). */
export function asScanned(report: ScanReport): RedactedSessions {
  return {
    sessions: report.sessions.map((s, i) => ({ ...s, files: s.files.map((f, k) => ({ ...f, size: report.scans[i]![k]!.size })) })),
    values: 0,
    dispose() {},
  };
}

/**
 * Writes a redacted copy of every file with findings into a fresh private
 * folder (0700, under the system's temporary folder) and returns the sessions
 * pointing at them. Every entry says how many values were removed (`redacted`),
 * and titles and first prompts are redacted too: the receiver's picker shows them.
 */
export async function redactSessions(report: ScanReport): Promise<RedactedSessions> {
  const set = ruleSet();
  const dir = mkdtempSync(join(tmpdir(), "ccshare-redacted-"));
  let disposed = false;
  const dispose = () => {
    if (disposed) return;
    disposed = true;
    process.off("exit", dispose);
    rmSync(dir, { recursive: true, force: true });
  };
  // A backstop for exits that skip the caller's finally (process.exit in a signal handler).
  process.on("exit", dispose);
  try {
    const sessions: OfferedSession[] = [];
    for (const [i, session] of report.sessions.entries()) {
      const scans = report.scans[i]!;
      const values = scans.reduce((n, s) => n + s.found.length, 0);
      const files: SessionFile[] = [];
      for (const scan of scans) {
        if (scan.segments.length === 0) {
          files.push({ ...scan.file, size: scan.size });
          continue;
        }
        const abs = join(dir, session.entry.id, ...scan.file.path.split("/"));
        mkdirSync(dirname(abs), { recursive: true, mode: 0o700 });
        files.push({ path: scan.file.path, abs, size: await writeRedactedCopy(scan, set, abs) });
      }
      sessions.push({ ...session, entry: redactedEntry(session.entry, files, scans, values), files });
    }
    return { sessions, values: report.values, dispose };
  } catch (error) {
    dispose();
    throw error;
  }
}

function redactedEntry(entry: CatalogEntry, files: SessionFile[], scans: FileScan[], values: number): CatalogEntry {
  if (values === 0) return entry;
  const set = ruleSet();
  const before = scans.reduce((n, s) => n + s.file.size, 0);
  const after = files.reduce((n, f) => n + f.size, 0);
  return {
    ...entry,
    title: redactText(entry.title, set),
    firstPrompt: redactText(entry.firstPrompt, set),
    bytes: Math.max(0, entry.bytes - before + after),
    redacted: values,
  };
}
