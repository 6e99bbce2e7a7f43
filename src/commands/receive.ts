import { defineCommand } from "citty";
import { normalizeRoom, parseCode } from "../crypto/passphrase.ts";
import { UsageError } from "../errors.ts";
import { resolveTarget } from "../install/project_folder.ts";
import { cleartextRelayWarning, relayUrl } from "../net/relay_url.ts";
import { connect } from "../net/connect.ts";
import { reachSharer } from "../transfer/handshake.ts";
import { receiveSessions } from "../transfer/receive.ts";
import { askCode } from "../ui/code_prompt.ts";
import { reportInstalled } from "../ui/installed.ts";
import { printJson } from "../ui/json_lines.ts";
import { log } from "../ui/log.ts";
import { passphraseForReceiving } from "../ui/passphrase.ts";
import { chooseFromCatalog } from "../ui/pick_received.ts";
import { verifier } from "../ui/verify.ts";
import { pickSharer } from "../ui/pick_sharer.ts";
import { progressBar, throttled } from "../ui/progress.ts";
import { canPrompt } from "../ui/prompt.ts";
import { spinner } from "../ui/spinner.ts";
import { describe, jsonArgs, relayArgs, repeated, yesArgs } from "./_shared.ts";
import { plural } from "../ui/format.ts";

export default defineCommand({
  meta: describe({
    name: "receive",
    description: "Receive shared sessions and install them so `claude --resume` finds them.",
    examples: [
      "ccshare receive                                      # asks for the code (hidden; Tab completes words)",
      "ccshare receive K7P2QX-orbit-maple-tiger-flute       # the code the sharer printed (visible in ps)",
      "CCSHARE_PASSPHRASE=... ccshare receive K7P2QX        # the room alone, the passphrase from the environment",
      "ccshare receive --relay wss://relay.example.com K7P2QX-orbit-maple-tiger-flute",
      "ccshare receive CODE --all --into ~/src/app --yes --json",
    ],
  }),
  args: {
    code: {
      type: "positional",
      required: false,
      description: "The code the sharer printed (ROOM-words), or the room alone. Omitted on a terminal: asked for, hidden, since other local users can see argv",
      valueHint: "CODE",
    },
    room: { type: "string", description: "The room code alone (then the passphrase comes from --passphrase, env or a prompt)", valueHint: "ROOM" },
    passphrase: {
      type: "string",
      description: "The passphrase, when the code has none; else $CCSHARE_PASSPHRASE or a prompt (hidden). Other local users can see argv.",
      valueHint: "WORDS",
    },
    ...relayArgs,
    lan: { type: "boolean", default: true, description: "Look for the sharer on the LAN (mDNS)", negativeDescription: "Do not use the LAN (relay only)" },
    session: { type: "string", description: "Receive this session (id or unique prefix; repeatable)", valueHint: "ID" },
    all: { type: "boolean", description: "Receive every offered session" },
    into: { type: "string", description: "Install for this project directory (default: the current directory)", valueHint: "DIR" },
    verify: { type: "boolean", description: "Show the verification words (compare them with the sharer's screen) and ask before receiving" },
    timeout: { type: "string", description: "Seconds to look for the sharer", default: "10", valueHint: "S" },
    ...yesArgs,
    ...jsonArgs,
  },
  async run({ args, rawArgs }) {
    const json = Boolean(args.json);
    const relay = relayUrl(args.relay);
    const lan = args.lan !== false;
    if (!lan && !relay) throw new UsageError("--no-lan needs --relay: otherwise there is nowhere to look for the sharer.");
    const timeoutMs = Number(args.timeout) * 1000;
    if (!(timeoutMs > 0)) throw new UsageError(`--timeout expects seconds, got "${args.timeout}".`);
    // Before anything crosses the wire: a folder that is not there ends the receive now.
    const into = await resolveTarget(args.into ?? process.cwd());

    const code = args.code ?? (args.room === undefined && canPrompt(args.yes || json) ? await askCode() : undefined);
    const parsed = code ? parseCode(code) : undefined;
    const room = parsed?.room ?? (args.room ? normalizeRoom(args.room) : relay ? undefined : await pickSharer({ timeoutMs, yes: args.yes }));
    if (!room) throw new UsageError("Through a relay, give the code (or --room): the relay cannot list rooms.");
    const passphrase = await passphraseForReceiving({ fromCode: parsed?.passphrase, flag: args.passphrase, yes: args.yes || json, kind: "code" });

    const cleartext = relay && cleartextRelayWarning(relay);
    if (cleartext) log.warn(cleartext);
    const where = relay ? (lan ? "on this network and through the relay" : "through the relay") : "on this network";
    const looking = json ? undefined : spinner(`Looking for the sharer ${where}…`);
    const { channel, via, session, refused } = await connect(
      {
        room,
        lan,
        relayUrl: relay,
        timeoutMs,
        onRefused: (answer) => {
          if (json) printJson({ event: "refused", ...answer });
          if (!json) log.warn(`${answer.where} (${answer.via}) refused the passphrase; trying any other answer for room ${room}. (An impostor answering for your room gets one guess at the passphrase this way, no more.)`);
        },
      },
      (channel) => reachSharer(channel, { room, passphrase }),
    ).finally(() => looking?.stop());
    // Only once the sharer has answered with its CPace point: a relay accepts a join even for a room nobody holds.
    if (json) printJson({ event: "connected", via, refused: refused.length });
    if (!json) log.info(`Connected to the sharer (${via === "lan" ? "on this network" : "through the relay"}).`);
    if (!json && refused.length) log.warn(`${plural(refused.length, "other answer")} for room ${room} refused the passphrase first: something on this network may be impersonating sharers.`);
    if (args.verify) await verifier({ json, yes: args.yes })(session.sas).catch((error: unknown) => (channel.close(1000, ""), Promise.reject(error)));
    const bar = json ? undefined : progressBar("Receiving");
    // Ctrl-C or SIGTERM while sessions arrive: stop, and leave nothing behind (the staging goes).
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    try {
      const result = await receiveSessions(channel, {
        signal: stop.signal,
        room,
        passphrase,
        session,
        into,
        choose: async (catalog) => {
          if (json) printJson({ event: "catalog", sessions: catalog });
          return chooseFromCatalog(catalog, { all: args.all, ids: repeated(rawArgs, "session"), yes: args.yes, json, from: "sharer" });
        },
        onProgress: json ? throttled((p) => printJson({ event: "progress", ...p })) : (p) => bar?.update(p.bytes, p.total),
      });
      bar?.finish();
      reportInstalled(result.install, result.catalog, { json });
    } finally {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      channel.close(1000, "");
    }
  },
});
