// The relay command alone, for Node: Node 20 cannot run .ts, and bundling the
// whole CLI pulls in modules Node 20 lacks (node:zlib zstd), so the runtime
// test bundles this entry with `bun build --target=node`.
import { defineCommand } from "citty";
import relay from "../../src/commands/relay.ts";
import { runCli } from "../../src/ui/run.ts";

await runCli(defineCommand({ meta: { name: "ccshare" }, subCommands: { relay } }), process.argv.slice(2));
