import { defineCommand } from "citty";
import { importBundle, listBundle } from "../bundle/import.ts";
import { resolveTarget } from "../install/project_folder.ts";
import { reportInstalled } from "../ui/installed.ts";
import { printJson } from "../ui/json_lines.ts";
import { log } from "../ui/log.ts";
import { Output } from "../ui/output.ts";
import { passphraseForReceiving } from "../ui/passphrase.ts";
import { chooseFromCatalog, describeSession } from "../ui/pick_received.ts";
import { progressBar } from "../ui/progress.ts";
import { stripEscapes } from "../ui/terminal_text.ts";
import { describe, jsonArgs, passphraseArgs, repeated, yesArgs } from "./_shared.ts";
import { plural } from "../ui/format.ts";

export default defineCommand({
  meta: describe({
    name: "import",
    description: "Install the sessions of a bundle file written by `ccshare export` (or just --list them).",
    examples: [
      "ccshare import sessions.ccs                          # asks for the passphrase, then which sessions",
      "ccshare import sessions.ccs --list                   # what it holds; installs nothing",
      "CCSHARE_PASSPHRASE=... ccshare import sessions.ccs --yes --into ~/src/app",
      "ccshare import sessions.ccs --session 3f2a9c4e --json",
    ],
  }),
  args: {
    file: { type: "positional", required: true, description: "The bundle file (.ccs)", valueHint: "FILE" },
    into: { type: "string", description: "Install for this project directory (default: the current directory)", valueHint: "DIR" },
    passphrase: { ...passphraseArgs.passphrase, description: "The bundle's passphrase; else $CCSHARE_PASSPHRASE or a prompt. Other local users can see argv." },
    session: { type: "string", description: "Import this session (id or unique prefix; repeatable)", valueHint: "ID" },
    all: { type: "boolean", description: "Import every session in the bundle" },
    list: { type: "boolean", description: "Show the bundle's sessions and install nothing" },
    ...yesArgs,
    ...jsonArgs,
  },
  async run({ args, rawArgs }) {
    const json = Boolean(args.json);
    const emit = (line: object) => json && printJson(line);
    const opening = {
      path: args.file,
      passphrase: () => passphraseForReceiving({ flag: args.passphrase, yes: args.yes || json, kind: "bundle" }),
      onDeriving: () => {
        if (!json) log.info("Deriving the key...");
      },
    };

    if (args.list) {
      const { header, catalog } = await listBundle(opening);
      emit({ event: "catalog", created: header.created, count: header.count, sessions: catalog });
      if (!json) {
        log.info(`${args.file} holds ${plural(catalog.length, "session")}, exported ${header.created}:`);
        const out = new Output();
        for (const s of catalog) if (out.open) await out.write(`  ${stripEscapes(s.id)}  ${describeSession(s)}\n`);
        await out.flush();
      }
      return;
    }

    // Before the passphrase is asked or a byte is read: a folder that is not there ends the import now.
    const into = await resolveTarget(args.into ?? process.cwd());
    const stop = new AbortController();
    process.once("SIGINT", () => stop.abort());
    process.once("SIGTERM", () => stop.abort());
    const bar = json ? undefined : progressBar("Importing");
    const result = await importBundle({
      ...opening,
      signal: stop.signal,
      into,
      choose: async (catalog) => {
        emit({ event: "catalog", sessions: catalog });
        const ids = repeated(rawArgs, "session");
        // A bundle is usually imported whole: --all, or --yes without --session, takes everything quietly.
        if (args.all || (args.yes && ids.length === 0)) return catalog.map((s) => s.id);
        return chooseFromCatalog(catalog, { ids, yes: args.yes, json, from: "bundle" });
      },
      onProgress: (p) => bar?.update(p.bytes, p.total),
    });
    bar?.finish();
    reportInstalled(result.install, result.catalog, { json });
  },
});
