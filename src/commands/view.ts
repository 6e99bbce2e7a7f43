import { defineCommand } from "citty";
import { findSession } from "../catalog/catalog.ts";
import { UsageError } from "../errors.ts";
import { log } from "../ui/log.ts";
import { openBrowser } from "../view/open_browser.ts";
import { startViewer } from "../view/server.ts";
import { describe, jsonArgs } from "./_shared.ts";

export default defineCommand({
  meta: describe({
    name: "view",
    description: "Browse sessions in your web browser: a read-only viewer on 127.0.0.1 until Ctrl-C.",
    examples: [
      "ccshare view                      # the catalog of every session, in the default browser",
      "ccshare view 3f2a9c4e             # straight to one transcript",
      "ccshare view --port 8765 --no-open  # a fixed port; open the printed address yourself",
      "ccshare view --json               # {\"event\":\"ready\",\"url\":...} on stdout, for scripts",
    ],
  }),
  args: {
    id: { type: "positional", description: "Open this session's transcript (an id or its first characters)", required: false, valueHint: "ID" },
    port: { type: "string", description: "TCP port on 127.0.0.1 (default: a free one)", valueHint: "PORT" },
    open: { type: "boolean", default: true, description: "Open the default browser", negativeDescription: "Only print the address" },
    ...jsonArgs,
  },
  async run({ args }) {
    const port = args.port === undefined ? 0 : Number(args.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535 || args.port?.trim() === "") throw new UsageError(`--port expects a whole number 0-65535, got "${args.port}".`);
    const session = args.id ? (await findSession(args.id)).id : undefined;
    const viewer = await startViewer({ port, session });
    // Listening for Ctrl-C before saying we are ready: a script may stop us right after.
    const signal = new Promise<string>((resolve) => {
      process.once("SIGINT", () => resolve("SIGINT"));
      process.once("SIGTERM", () => resolve("SIGTERM"));
    });
    const print = (event: object) => process.stdout.write(`${JSON.stringify(event)}\n`);
    if (args.json) print({ event: "ready", url: viewer.url, port: viewer.port });
    else {
      process.stdout.write(`${viewer.url}\n`);
      log.info("Serving your sessions on this machine only (the address holds a key); stop with Ctrl-C.");
    }
    if (args.open !== false && !(await openBrowser(viewer.url)) && !args.json) log.info("No browser could be opened here: open the address above in one.");
    const stopped = await signal;
    await viewer.close();
    if (args.json) print({ event: "stopped", signal: stopped });
  },
});
