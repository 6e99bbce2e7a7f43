// What a sharer sees: one line per event for people (stderr, with a progress
// bar per receiver on a terminal), or JSON lines on stdout with --json.
import type { ShareEvent } from "../transfer/share.ts";
import { formatBytes } from "./format.ts";
import { log } from "./log.ts";
import { progressBar, throttled, type ProgressBar } from "./progress.ts";

export function shareReporter(o: { json: boolean; code: string; receiveCommand: string }): (e: ShareEvent) => void {
  if (o.json) {
    const print = (e: object) => process.stdout.write(JSON.stringify(e) + "\n");
    const progress = new Map<number, (e: ShareEvent & { event: "progress" }) => void>();
    return (e) => {
      if (e.event !== "progress") return print(e.event === "ready" ? { ...e, code: o.code } : e);
      if (!progress.has(e.peer)) progress.set(e.peer, throttled(print));
      progress.get(e.peer)!(e);
    };
  }
  const bars = new Map<number, ProgressBar>();
  return (e) => {
    switch (e.event) {
      case "ready":
        process.stderr.write(`\nCode: ${o.code}\n\nOn the other machine run:\n\n  ${o.receiveCommand}\n\n`);
        log.info(`Waiting for a receiver${e.port ? ` on the LAN (port ${e.port})` : ""}${e.relay ? ` and through ${e.relay}` : ""}. Ctrl-C to stop.`);
        break;
      case "peer":
        log.info(`Receiver #${e.peer} connected (${e.via}).`);
        break;
      case "want":
        log.info(`Receiver #${e.peer} asked for ${e.sessions} session${e.sessions === 1 ? "" : "s"} (${formatBytes(e.bytes)}).`);
        bars.set(e.peer, progressBar(`#${e.peer}`));
        break;
      case "progress":
        bars.get(e.peer)?.update(e.bytes, e.total);
        break;
      case "sent":
        bars.get(e.peer)?.finish();
        log.success(`Receiver #${e.peer} installed ${e.installed} session${e.installed === 1 ? "" : "s"}${e.skipped ? ` (${e.skipped} already there)` : ""}.`);
        break;
      case "failed-attempt":
        log.warn(`Receiver #${e.peer} used a wrong passphrase (${e.attempts} of ${e.maxAttempts} attempts).`);
        break;
      case "peer-failed":
        bars.get(e.peer)?.finish();
        log.warn(`Receiver #${e.peer}: ${e.message}`);
        break;
      case "done":
        log.info(e.reason === "time-up" ? "Time is up; stopped sharing." : e.reason === "stopped" ? "Stopped sharing." : "Done.");
        break;
    }
  };
}
