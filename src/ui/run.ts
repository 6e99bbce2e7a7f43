// Runs the CLI: --help with examples, --version, then the command. Maps every
// error to one sentence and an exit code (DESIGN.md §1: 0 ok, 1 failure, 2 usage).
import { renderUsage, runCommand, type CommandDef } from "citty";
import { CcshareError } from "../errors.ts";
import { VERSION, COMMIT } from "../version.ts";

type AnyCommand = CommandDef<any>;

async function resolve<T>(value: T | Promise<T> | (() => T | Promise<T>)): Promise<T> {
  return typeof value === "function" ? await (value as () => T | Promise<T>)() : await value;
}

/** The sub-command named by the first positional argument, if any. */
async function pickCommand(root: AnyCommand, rawArgs: string[]): Promise<{ cmd: AnyCommand; parent?: AnyCommand }> {
  const subs = (await resolve(root.subCommands)) ?? {};
  const name = rawArgs.find((a) => !a.startsWith("-"));
  const sub = name ? subs[name] : undefined;
  return sub ? { cmd: await resolve(sub), parent: root } : { cmd: root };
}

/** The root help from one-line summaries, without loading any command module. */
async function rootUsage(root: AnyCommand, summaries: Record<string, string>): Promise<string> {
  const meta = (await resolve(root.meta)) as { name?: string; description?: string };
  const width = Math.max(...Object.keys(summaries).map((n) => n.length));
  return [
    `${meta.description} (${meta.name} v${VERSION})`,
    "",
    `USAGE ${meta.name} ${Object.keys(summaries).join("|")}`,
    "",
    "COMMANDS",
    "",
    ...Object.entries(summaries).map(([name, about]) => `  ${name.padEnd(width)}  ${about}`),
    "",
    `Use ${meta.name} <command> --help for more information about a command.`,
  ].join("\n");
}

async function usage(root: AnyCommand, rawArgs: string[], summaries?: Record<string, string>): Promise<string> {
  const { cmd, parent } = await pickCommand(root, rawArgs);
  const meta = (await resolve(cmd.meta)) as { examples?: string[] } | undefined;
  let text = cmd === root && summaries ? await rootUsage(root, summaries) : await renderUsage(cmd, parent);
  if (meta?.examples?.length) text += `\n\nEXAMPLES\n\n${meta.examples.map((e) => `  ${e}`).join("\n")}`;
  // Plain text always: a colour check would load node:tty, ~12 ms of start-up.
  return text.replace(/\x1b\[[0-9;]*m/g, "") + "\n";
}

/**
 * Short answers (--help, --version) go through console.log: in Bun the first
 * touch of process.stdout builds a Node stream and costs ~20 ms of start-up.
 */
function printText(text: string): void {
  console.log(text.endsWith("\n") ? text.slice(0, -1) : text);
}

export async function runCli(root: AnyCommand, rawArgs: string[], summaries?: Record<string, string>): Promise<void> {
  const verbose = rawArgs.includes("--verbose");
  const json = rawArgs.includes("--json");
  try {
    if (rawArgs.includes("--help") || rawArgs.includes("-h")) {
      printText(await usage(root, rawArgs, summaries));
      return;
    }
    if (rawArgs.length === 1 && (rawArgs[0] === "--version" || rawArgs[0] === "-v")) {
      printText(`${VERSION}${verbose ? ` (${COMMIT})` : ""}\n`);
      return;
    }
    if (rawArgs.length === 0) {
      printText(await usage(root, rawArgs, summaries));
      return;
    }
    await runCommand(root, { rawArgs: normalizeOptionalValues(rawArgs) });
  } catch (error) {
    process.exitCode = report(error, { verbose, json, usageText: isCliUsageError(error) ? await usage(root, rawArgs) : undefined });
  }
}

/** Flags whose value is optional (`--relay` alone means "the default relay"). */
const OPTIONAL_VALUE_FLAGS = ["--relay"];

function looksLikeUrl(text: string): boolean {
  return text.includes("://") || /^[\w.-]+\.[\w.-]+(:\d+)?$/.test(text) || /^[\w.-]+:\d+$/.test(text);
}

/**
 * Rewrites `--relay` without a URL to `--relay=` so that citty does not take
 * the next word (a code, another flag) as its value.
 */
function normalizeOptionalValues(rawArgs: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < rawArgs.length; i++) {
    const arg = rawArgs[i]!;
    const next = rawArgs[i + 1];
    if (OPTIONAL_VALUE_FLAGS.includes(arg) && (next === undefined || !looksLikeUrl(next))) out.push(`${arg}=`);
    else out.push(arg);
  }
  return out;
}

function isCliUsageError(error: unknown): boolean {
  return (error as Error | null)?.name === "CLIError";
}

function report(error: unknown, o: { verbose: boolean; json: boolean; usageText?: string }): number {
  const plain = (error as Error)?.message?.replace(/\x1b\[[0-9;]*m/g, "") ?? String(error);
  let code = 1;
  let message = plain;
  if (o.usageText !== undefined) {
    code = 2;
    process.stderr.write(o.usageText);
    message = `${plain} (see --help)`;
  } else if (error instanceof CcshareError) {
    code = error.exitCode;
  } else {
    message = `Unexpected error: ${plain}. Run again with --verbose and report it.`;
  }
  if (o.json) process.stdout.write(JSON.stringify({ event: "error", error: (error as Error)?.name ?? "Error", message }) + "\n");
  process.stderr.write(`ccshare: ${message}\n`);
  if (o.verbose && error instanceof Error && error.stack) process.stderr.write(error.stack + "\n");
  return code;
}
