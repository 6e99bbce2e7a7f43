import { defineCommand } from "citty";
import { exportBundle } from "../bundle/export.ts";
import { checkOutPath } from "../bundle/write.ts";
import { BITS_PER_WORD, BUNDLE_WORDS, passphraseBits } from "../crypto/passphrase.ts";
import { offerSessions } from "../catalog/catalog.ts";
import { shellCommand } from "../text/shell_word.ts";
import { formatBytes, plural } from "../ui/format.ts";
import { printJson } from "../ui/json_lines.ts";
import { log, warnUnreadable } from "../ui/log.ts";
import { passphraseForSharing } from "../ui/passphrase.ts";
import { pickSessionsToShare } from "../ui/pick_sessions.ts";
import { progressBar } from "../ui/progress.ts";
import { sessionsToSend } from "../ui/secrets.ts";
import { describe, jsonArgs, passphraseArgs, redactArgs, repeated, selectionArgs, yesArgs } from "./_shared.ts";

export default defineCommand({
  meta: describe({
    name: "export",
    description: "Write sessions to a sealed bundle file (for CI artifacts, attachments, offline copies).",
    examples: [
      "ccshare export --all --out sessions.ccs               # prints a generated passphrase once",
      "CCSHARE_PASSPHRASE=... ccshare export --all --out sessions.ccs --yes",
      "ccshare export --session 3f2a9c4e --out fix.ccs",
      "ccshare export --project . --out app.ccs --json",
      "ccshare export --all --out raw.ccs --yes --no-redact   # keep secrets the scan finds",
    ],
  }),
  args: {
    ...selectionArgs,
    out: { type: "string", required: true, description: "The bundle file to write", valueHint: "FILE" },
    force: { type: "boolean", description: "Replace FILE if it exists" },
    ...passphraseArgs,
    ...redactArgs,
    ...yesArgs,
    ...jsonArgs,
  },
  async run({ args, rawArgs }) {
    const json = Boolean(args.json);
    await checkOutPath(args.out, args.force); // before anyone picks sessions or types a passphrase
    const entries = await pickSessionsToShare({ ids: repeated(rawArgs, "session"), all: args.all, project: args.project, yes: args.yes || json, verb: "export" });
    const offered = await offerSessions(entries);
    warnUnreadable(offered.unreadable);
    const stop = new AbortController();
    process.once("SIGINT", () => stop.abort());
    process.once("SIGTERM", () => stop.abort());
    // Before a byte is written (issue 17); the redacted copies are removed when the export ends.
    const outgoing = await sessionsToSend(offered.sessions, { redact: args.redact, yes: args.yes, json, signal: stop.signal });
    const { passphrase, generated } = await passphraseForSharing({ flag: args.passphrase, words: BUNDLE_WORDS, ask: !args.yes && !json, undone: "exported" });
    // No PAKE protects a file: whoever has it can guess offline (DESIGN.md §5 wants >= 80 bits).
    const bits = passphraseBits(passphrase);
    if (!generated && bits < 80) log.warn(`This passphrase has about ${bits} bits; anyone with the file can guess offline, so prefer the generated one (${BUNDLE_WORDS * BITS_PER_WORD} bits).`);

    const bar = json ? undefined : progressBar("Exporting");
    const result = await exportBundle({
      sessions: outgoing.sessions,
      passphrase,
      out: args.out,
      force: args.force,
      signal: stop.signal,
      onDeriving: () => {
        if (!json) log.info("Deriving the key...");
      },
      onProgress: (p) => bar?.update(p.bytes, p.total),
    }).finally(outgoing.dispose);
    bar?.finish();

    const summary = `${plural(result.sessions, "session")} (${formatBytes(result.sessionBytes)}) into ${args.out} (${formatBytes(result.bytes)})`;
    if (generated) {
      // Shown once, on stderr (stdout may be a log): it is the only key to the file.
      process.stderr.write(`Passphrase (${BUNDLE_WORDS * BITS_PER_WORD} bits; shown once, keep it to import the file):\n  ${passphrase}\n`);
    }
    if (json) {
      printJson({ event: "exported", path: result.path, bytes: result.bytes, sessions: result.sessions, files: result.files, ...(generated ? { passphrase } : {}) });
    } else {
      log.success(`Exported ${summary}.`);
      log.info(`To import it: ${shellCommand(["ccshare", "import", args.out])}`);
    }
  },
});
