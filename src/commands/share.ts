import { defineCommand } from "citty";
import { combineCode, generateRoom, LIVE_WORDS } from "../crypto/passphrase.ts";
import { UsageError } from "../errors.ts";
import { cleartextRelayWarning, relayUrl } from "../net/relay_url.ts";
import { offerSessions } from "../catalog/catalog.ts";
import { share } from "../transfer/share.ts";
import { shellCommand } from "../text/shell_word.ts";
import { formatBytes, plural } from "../ui/format.ts";
import { log, warnUnreadable } from "../ui/log.ts";
import { passphraseForSharing } from "../ui/passphrase.ts";
import { pickSessionsToShare } from "../ui/pick_sessions.ts";
import { sessionsToSend } from "../ui/secrets.ts";
import { shareReporter } from "../ui/share_events.ts";
import { verifier } from "../ui/verify.ts";
import { describe, jsonArgs, passphraseArgs, redactArgs, relayArgs, repeated, selectionArgs, yesArgs } from "./_shared.ts";

export default defineCommand({
  meta: describe({
    name: "share",
    description: "Share sessions: print a code and serve them on the LAN (and through a relay with --relay).",
    examples: [
      "ccshare share                          # pick sessions, print a code",
      "ccshare share --session 3f2a9c4e --yes # one session, no questions",
      "ccshare share --all --relay            # everything, also through the relay",
      "ccshare share --keep-open 10           # serve several receivers for 10 minutes",
      "ccshare share --all --yes --no-redact  # send secrets the scan finds as they are",
      "ccshare share --qr                     # the receive command as a QR code, for a phone's camera",
    ],
  }),
  args: {
    ...selectionArgs,
    ...passphraseArgs,
    ...relayArgs,
    lan: { type: "boolean", default: true, description: "Serve on the LAN with mDNS", negativeDescription: "Do not serve on the LAN (relay only)" },
    "keep-open": { type: "string", description: "Serve receivers for this many minutes instead of stopping after the first", valueHint: "MIN" },
    verify: { type: "boolean", description: "Show each receiver's verification words (compare them with its screen) and ask before sending" },
    "max-attempts": { type: "string", description: "Stop after this many wrong passphrases", default: "3", valueHint: "N" },
    ...redactArgs,
    qr: { type: "boolean", description: "Also show the receive command as a QR code (for a phone or another laptop's camera)" },
    ...yesArgs,
    ...jsonArgs,
  },
  async run({ args, rawArgs }) {
    const relay = relayUrl(args.relay);
    const cleartext = relay && cleartextRelayWarning(relay);
    if (cleartext) log.warn(cleartext);
    const lan = args.lan !== false;
    if (!lan && !relay) throw new UsageError("--no-lan needs --relay: otherwise nobody can reach you.");
    const keepOpen = args["keep-open"] === undefined ? undefined : positive(args["keep-open"], "--keep-open");
    const maxAttempts = positive(args["max-attempts"], "--max-attempts");

    const entries = await pickSessionsToShare({ ids: repeated(rawArgs, "session"), all: args.all, project: args.project, yes: args.yes || args.json, verb: "share" });
    const offered = await offerSessions(entries);
    warnUnreadable(offered.unreadable);
    const stop = new AbortController();
    process.once("SIGINT", () => stop.abort());
    process.once("SIGTERM", () => stop.abort());
    // Before a byte is sent (issue 17); the redacted copies are removed when the share ends.
    const outgoing = await sessionsToSend(offered.sessions, { redact: args.redact, yes: args.yes, json: args.json, signal: stop.signal });
    const sessions = outgoing.sessions;
    const bytes = sessions.reduce((n, s) => n + s.entry.bytes, 0);
    log.info(`Sharing ${plural(sessions.length, "session")} (${formatBytes(bytes)}).`);

    const { passphrase } = await passphraseForSharing({ flag: args.passphrase, words: LIVE_WORDS, ask: !args.yes && !args.json, undone: "shared" });
    const room = generateRoom();
    const code = combineCode(room, passphrase);
    // Pasted into a shell as it is: a chosen passphrase with spaces stays one argument.
    const receiveCommand = shellCommand(["ccshare", "receive", ...(relay ? ["--relay", relay] : []), code]);
    await share({
      sessions,
      room,
      passphrase,
      lan,
      relayUrl: relay,
      keepOpenMs: keepOpen === undefined ? undefined : keepOpen * 60_000,
      maxAttempts,
      verify: args.verify ? verifier({ json: Boolean(args.json), yes: args.yes }) : undefined,
      signal: stop.signal,
      onEvent: shareReporter({ json: Boolean(args.json), code, receiveCommand, qr: args.qr, keepOpenMs: keepOpen === undefined ? undefined : keepOpen * 60_000 }),
    }).finally(outgoing.dispose);
  },
});

function positive(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} expects a positive number, got "${text}".`);
  return n;
}
