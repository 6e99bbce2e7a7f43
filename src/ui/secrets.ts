// What the sharer sees and decides before anything is sent (issue 17): the
// scan's findings, masked, and the choice to redact (the default), send as
// is, or cancel. --redact / --no-redact decide for scripts; --yes, --json or
// no terminal take the default.
import type { OfferedSession } from "../catalog/entry.ts";
import { redactSessions, scanSessions, asScanned, type RedactedSessions, type ScanReport } from "../redact/sessions.ts";
import { formatBytes, plural } from "./format.ts";
import { log } from "./log.ts";
import { progressBar } from "./progress.ts";
import { cancelled, canPrompt, pickOne } from "./prompt.ts";
import { stripEscapes } from "./terminal_text.ts";


/** The findings, one block per session: rule, count, masked preview of the first. */
export function describeFindings(report: ScanReport): string {
  const lines = [`Found ${plural(report.values, "secret")} in ${plural(report.findings.length, "session")} (${formatBytes(report.bytes)} scanned):`];
  for (const s of report.findings) {
    lines.push(`  ${s.id.slice(0, 8)}  ${stripEscapes(s.title).slice(0, 60) || "(untitled)"}`);
    const width = Math.max(...s.rules.map((r) => r.rule.length));
    for (const r of s.rules) lines.push(`      ${r.rule.padEnd(width)}  ${String(r.count).padStart(3)}  ${stripEscapes(r.preview)}`);
    if (s.thinkingBlocks) lines.push(`      (${plural(s.thinkingBlocks, "thinking block")} would be replaced whole: a signed block cannot be edited)`);
  }
  return lines.join("\n");
}

/** The findings as `--json` reports them (never a secret: previews are masked). */
export function findingsJson(report: ScanReport) {
  return { bytes: report.bytes, values: report.values, rules: report.rules, sessions: report.findings };
}

export interface SendChoice {
  /** --redact (true) or --no-redact (false); undefined asks, or takes the default. */
  redact?: boolean;
  yes?: boolean;
  json?: boolean;
  signal?: AbortSignal;
}

async function decide(report: ScanReport, o: SendChoice): Promise<boolean> {
  if (o.redact !== undefined) return o.redact;
  if (!canPrompt(o.yes || o.json)) return true;
  const choice = await pickOne("Redact these before sharing?", [
    { value: "redact", label: "Redact them", hint: "each becomes [REDACTED:<rule> …]; the default" },
    { value: "as-is", label: "Share as is", hint: "the receiver gets every secret above" },
    { value: "cancel", label: "Cancel", hint: "nothing is shared" },
  ]);
  if (choice === "cancel") throw cancelled("shared");
  return choice === "redact";
}

/**
 * The sessions to send: scanned, and redacted unless the sharer chose
 * otherwise. Call dispose() on the result when the share or export ends.
 */
export async function sessionsToSend(sessions: OfferedSession[], o: SendChoice): Promise<RedactedSessions> {
  const bar = o.json ? undefined : progressBar("Scanning for secrets");
  const report = await scanSessions(sessions, { signal: o.signal, onProgress: (p) => bar?.update(p.bytes, p.total) });
  bar?.finish();
  if (report.values === 0) return asScanned(report);
  if (o.json) process.stdout.write(JSON.stringify({ event: "secrets", ...findingsJson(report) }) + "\n");
  else process.stderr.write(`${describeFindings(report)}\n`);
  if (!(await decide(report, o))) {
    if (!o.json) log.warn(`Sharing ${plural(report.values, "secret")} as is (--no-redact or your choice).`);
    return asScanned(report);
  }
  const redacted = await redactSessions(report);
  if (o.json) process.stdout.write(JSON.stringify({ event: "redacted", values: redacted.values }) + "\n");
  else log.info(`Redacted ${plural(redacted.values, "value")}; the receiver sees how many per session.`);
  return redacted;
}
