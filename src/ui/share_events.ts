// What a sharer sees: one line per event for people (stderr, with a progress
// bar per receiver on a terminal), or JSON lines on stdout with --json.
import type { ShareEvent } from "../transfer/share.ts";
import { formatBytes, plural } from "./format.ts";
import { printJson } from "./json_lines.ts";
import { log } from "./log.ts";
import { progressBar, throttled, type ProgressBar } from "./progress.ts";
import { qrLines } from "./qr.ts";
import { useColor } from "./color.ts";

export interface ShareReport {
  json: boolean;
  code: string;
  /** The command the receiver runs, quoted for a shell. */
  receiveCommand: string;
  /** Also print the receive command as a QR code. */
  qr?: boolean;
  /** --keep-open: how long the share stays open, for "time left". */
  keepOpenMs?: number;
}


/** "9 min", "40 s": what is left of a --keep-open share. */
export function timeLeft(ms: number): string {
  return ms >= 60_000 ? `${Math.ceil(ms / 60_000)} min` : `${Math.max(0, Math.ceil(ms / 1000))} s`;
}

/** Where the share waits, in words: "on this network (port 4711) and through the relay at wss://…". */
export function waitingWhere(e: { port?: number; relay?: string }): string {
  const lan = e.port ? `on this network (port ${e.port})` : "";
  const relay = e.relay ? `through the relay at ${e.relay}` : "";
  return [lan, relay].filter(Boolean).join(" and ");
}

export function shareReporter(o: ShareReport): (e: ShareEvent) => void {
  const closesAt = o.keepOpenMs === undefined ? undefined : Date.now() + o.keepOpenMs;
  if (o.json) {
    const progress = new Map<number, (e: ShareEvent & { event: "progress" }) => void>();
    return (e) => {
      if (e.event === "ready") return printJson({ ...e, code: o.code, ...(closesAt ? { closesAt: new Date(closesAt).toISOString() } : {}) });
      if (e.event !== "progress") return printJson(e);
      if (!progress.has(e.peer)) progress.set(e.peer, throttled(printJson));
      progress.get(e.peer)!(e);
    };
  }
  const bars = new Map<number, ProgressBar>();
  let served = 0;
  let reminder: ReturnType<typeof setInterval> | undefined;
  const left = () => timeLeft(closesAt! - Date.now());
  return (e) => {
    switch (e.event) {
      case "ready": {
        process.stderr.write(`\nCode: ${o.code}\n\nOn the other machine run:\n\n  ${o.receiveCommand}\n\n`);
        if (o.qr) process.stderr.write(`${qrLines(o.receiveCommand, { colour: useColor(process.stderr) }).map((l) => `  ${l}`).join("\n")}\n\n`);
        const until = closesAt ? `, for ${left()} (until ${new Date(closesAt).toTimeString().slice(0, 5)})` : "";
        log.info(`Waiting for ${closesAt ? "receivers" : "a receiver"} ${waitingWhere(e)}${until}. Ctrl-C to stop.`);
        if (closesAt) {
          // A word now and then on a long share: every 5 minutes, and once in the last minute.
          reminder = setInterval(() => {
            const minutes = Math.ceil((closesAt - Date.now()) / 60_000);
            if (minutes > 0 && (minutes % 5 === 0 || minutes === 1)) log.info(`${left()} left; ${plural(served, "receiver")} served.`);
          }, 60_000);
          reminder.unref?.();
        }
        break;
      }
      case "peer":
        log.info(`Receiver #${e.peer} connected (${e.via === "lan" ? "on this network" : "through the relay"}).`);
        break;
      case "want":
        log.info(`Receiver #${e.peer} asked for ${plural(e.sessions, "session")} (${formatBytes(e.bytes)}).`);
        bars.set(e.peer, progressBar(`#${e.peer}`));
        break;
      case "progress":
        bars.get(e.peer)?.update(e.bytes, e.total);
        break;
      case "sent":
        served++;
        bars.get(e.peer)?.finish();
        log.success(`Receiver #${e.peer} installed ${plural(e.installed, "session")}${e.skipped ? ` (${e.skipped} already there)` : ""}.${closesAt ? ` ${plural(served, "receiver")} served; ${left()} left.` : ""}`);
        break;
      case "failed-attempt":
        log.warn(`Receiver #${e.peer} used a wrong passphrase (${e.attempts} of ${plural(e.maxAttempts, "attempt")}).`);
        break;
      case "peer-failed":
        bars.get(e.peer)?.finish();
        log.warn(`Receiver #${e.peer}: ${e.message}`);
        break;
      case "done":
        if (reminder) clearInterval(reminder);
        if (e.reason === "time-up") log.info(`Time is up; stopped sharing after serving ${plural(e.receivers, "receiver")}.`);
        else if (e.reason === "stopped") log.info(closesAt ? `Stopped sharing after serving ${plural(e.receivers, "receiver")}.` : "Stopped sharing.");
        else log.info("Done.");
        break;
    }
  };
}
