import { defineCommand } from "citty";
import { normalizeRoom, parseCode } from "../crypto/passphrase.ts";
import { UsageError } from "../errors.ts";
import { resumeCommand } from "../install/resume_command.ts";
import { cleartextRelayWarning, relayUrl } from "../net/relay_url.ts";
import { connect } from "../net/connect.ts";
import { reachSharer } from "../transfer/handshake.ts";
import { receiveSessions } from "../transfer/receive.ts";
import { log } from "../ui/log.ts";
import { passphraseForReceiving } from "../ui/passphrase.ts";
import { chooseFromCatalog } from "../ui/pick_received.ts";
import { verifier } from "../ui/verify.ts";
import { pickSharer } from "../ui/pick_sharer.ts";
import { progressBar, throttled } from "../ui/progress.ts";
import { describe, jsonArgs, passphraseArgs, relayArgs, repeated, yesArgs } from "./_shared.ts";

export default defineCommand({
  meta: describe({
    name: "receive",
    description: "Receive shared sessions and install them so `claude --resume` finds them.",
    examples: [
      "ccshare receive K7P2QX-orbit-maple-tiger-flute       # the code the sharer printed",
      "ccshare receive                                      # find sharers on the LAN and ask",
      "ccshare receive --relay K7P2QX-orbit-maple-tiger-flute",
      "ccshare receive CODE --all --into ~/src/app --yes --json",
    ],
  }),
  args: {
    code: { type: "positional", required: false, description: "The code the sharer printed (ROOM-words...)" },
    room: { type: "string", description: "The room code alone (then the passphrase comes from --passphrase, env or a prompt)", valueHint: "ROOM" },
    ...passphraseArgs,
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
    const relay = relayUrl(args.relay);
    const cleartext = relay && cleartextRelayWarning(relay);
    if (cleartext) log.warn(cleartext);
    const timeoutMs = Number(args.timeout) * 1000;
    if (!(timeoutMs > 0)) throw new UsageError(`--timeout expects seconds, got "${args.timeout}".`);
    const parsed = args.code ? parseCode(args.code) : undefined;
    const room = parsed?.room ?? (args.room ? normalizeRoom(args.room) : relay ? undefined : await pickSharer({ timeoutMs, yes: args.yes }));
    if (!room) throw new UsageError("Through a relay, give the code (or --room): the relay cannot list rooms.");
    const passphrase = await passphraseForReceiving({ fromCode: parsed?.passphrase, flag: args.passphrase, yes: args.yes || args.json });
    const json = Boolean(args.json);
    const emit = (line: object) => json && process.stdout.write(JSON.stringify(line) + "\n");

    const lan = args.lan !== false;
    if (!lan && !relay) throw new UsageError("--no-lan needs --relay: otherwise there is nowhere to look for the sharer.");
    const { channel, via, session, refused } = await connect(
      {
        room,
        lan,
        relayUrl: relay,
        timeoutMs,
        onRefused: (answer) => {
          emit({ event: "refused", ...answer });
          if (!json) log.warn(`${answer.where} (${answer.via}) refused the passphrase; trying any other answer for room ${room}. (An impostor answering for your room gets one guess at the passphrase this way, no more.)`);
        },
      },
      (channel) => reachSharer(channel, { room, passphrase }),
    );
    emit({ event: "connected", via, refused: refused.length });
    if (!json) log.info(`Connected to the sharer (${via}).`);
    if (!json && refused.length) log.warn(`${refused.length} other answer${refused.length === 1 ? "" : "s"} for room ${room} refused the passphrase first: something on this network may be impersonating sharers.`);
    if (args.verify) await verifier({ json, yes: args.yes })(session.sas).catch((error: unknown) => (channel.close(1000, ""), Promise.reject(error)));
    const bar = json ? undefined : progressBar("Receiving");
    try {
      const result = await receiveSessions(channel, {
        room,
        passphrase,
        session,
        into: args.into ?? process.cwd(),
        choose: async (catalog) => {
          emit({ event: "catalog", sessions: catalog });
          return chooseFromCatalog(catalog, { all: args.all, ids: repeated(rawArgs, "session"), yes: args.yes, json });
        },
        onProgress: json ? throttled((p) => emit({ event: "progress", ...p })) : (p) => bar?.update(p.bytes, p.total),
      });
      bar?.finish();
      const install = result.install;
      const installed = (install?.installed ?? []).map((i) => ({ ...i, resume: resumeCommand(install!.target, i.newId ?? i.id) }));
      emit({ event: "installed", target: install?.target, folder: install?.folder, sessions: installed, skipped: install?.skipped ?? [] });
      if (!json) {
        for (const s of install?.skipped ?? []) log.info(`Skipped ${s.id}: ${s.reason}`);
        if (installed.length) log.success(`Installed ${installed.length} session${installed.length === 1 ? "" : "s"}. To continue:`);
        for (const i of installed) process.stdout.write(`  ${i.resume}\n`);
      }
    } finally {
      channel.close(1000, "");
    }
  },
});
