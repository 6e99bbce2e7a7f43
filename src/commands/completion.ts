import { defineCommand, type CommandDef } from "citty";
import { UsageError } from "../errors.ts";
import { cliShape, completionScript, SHELLS, type Shell } from "../ui/completion.ts";
import { describe } from "./_shared.ts";

/**
 * The command is made for a root (cli.ts passes its own, lazily), because the
 * script is generated from the root's command definitions: it cannot drift.
 */
export function completionCommand(root: () => unknown): CommandDef<any> {
  return defineCommand({
    meta: describe({
      name: "completion",
      description: "Print a shell completion script for bash, zsh or fish.",
      examples: [
        "source <(ccshare completion bash)                                    # this bash session",
        "ccshare completion bash > ~/.local/share/bash-completion/completions/ccshare",
        "ccshare completion zsh > \"${fpath[1]}/_ccshare\"                        # zsh, then restart it",
        "ccshare completion fish > ~/.config/fish/completions/ccshare.fish",
      ],
    }),
    args: {
      shell: { type: "positional", required: true, description: "The shell: bash, zsh or fish", valueHint: SHELLS.join("|") },
    },
    async run({ args }) {
      const shell = args.shell as Shell;
      if (!SHELLS.includes(shell)) throw new UsageError(`ccshare completes ${SHELLS.join(", ")}; "${args.shell}" is not one of them.`);
      process.stdout.write(completionScript(shell, await cliShape(root() as CommandDef<any>)));
    },
  });
}
