// Runs the CLI: --help with examples, --version, then the command. Maps every
// error to one sentence and an exit code (DESIGN.md §1: 0 ok, 1 failure, 2 usage).
import { renderUsage, runCommand, type ArgDef, type CommandDef } from "citty";
import { CcshareError, UsageError } from "../errors.ts";
import { printJson } from "./json_lines.ts";
import { checkCommandLine, unknownCommand } from "./strict_args.ts";
import { oneLine } from "./terminal_text.ts";
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
    if ((rawArgs.includes("--version") || rawArgs.includes("-v")) && rawArgs.every((a) => ["--version", "-v", "--verbose"].includes(a))) {
      printText(`${VERSION}${verbose ? ` (${COMMIT})` : ""}\n`);
      return;
    }
    if (rawArgs.every((a) => a === "--verbose")) {
      printText(await usage(root, rawArgs, summaries));
      return;
    }
    const argv = normalizeOptionalValues(rawArgs);
    await checkStrictly(root, argv, summaries);
    await runCommand(root, { rawArgs: argv });
  } catch (error) {
    process.exitCode = report(error, { verbose, json, command: commandName(rawArgs) });
  }
}

/** Nothing runs on a command line that names an option, an argument or a command the CLI does not have (issue 12). */
async function checkStrictly(root: AnyCommand, argv: string[], summaries?: Record<string, string>): Promise<void> {
  const meta = (await resolve(root.meta)) as { name?: string } | undefined;
  const name = meta?.name ?? "ccshare";
  const at = argv.findIndex((a) => !a.startsWith("-"));
  const before = at < 0 ? argv : argv.slice(0, at);
  const misplaced = before.find((a) => a !== "--verbose");
  const subs = ((await resolve(root.subCommands)) ?? {}) as Record<string, unknown>;
  const visible = Object.keys(summaries ?? subs);
  if (misplaced !== undefined) {
    throw new UsageError(at < 0 ? `${name} has no option ${misplaced}; see ${name} --help.` : `Options go after the command: ${name} ${argv[at]} ${misplaced}.`);
  }
  const sub = subs[argv[at]!];
  if (!sub) throw unknownCommand(name, argv[at]!, visible);
  const cmd = (await resolve(sub as AnyCommand | (() => Promise<AnyCommand>))) as AnyCommand;
  const args = ((await resolve(cmd.args)) ?? {}) as Record<string, ArgDef>;
  checkCommandLine({ command: `${name} ${argv[at]}`, args }, argv.slice(at + 1).filter((a) => a !== "--verbose" || "verbose" in args));
}

function commandName(rawArgs: string[]): string | undefined {
  return rawArgs.find((a) => !a.startsWith("-"));
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

/** What the user reads and scripts match: the exit code, the stable `code` and one sanitised sentence. */
export function describeError(error: unknown, command?: string): { exitCode: number; code: string; message: string } {
  // The sanitiser is applied here, to every message: peer text (a close reason, a hello field) can be in any of them.
  const text = oneLine((error as Error | null)?.message ?? String(error));
  if (error instanceof CcshareError) return { exitCode: error.exitCode, code: error.code, message: text };
  if (isCliUsageError(error)) return { exitCode: 2, code: "usage", message: `${text} (see ccshare${command ? ` ${command}` : ""} --help)` };
  return { exitCode: 1, code: "unexpected", message: `Unexpected error: ${text}. Run again with --verbose and report it.` };
}

function report(error: unknown, o: { verbose: boolean; json: boolean; command?: string }): number {
  const { exitCode, code, message } = describeError(error, o.command);
  if (o.json) printJson({ event: "error", code, message });
  process.stderr.write(`ccshare: ${message}\n`);
  if (o.verbose && error instanceof Error && error.stack) process.stderr.write(oneLineStack(error.stack) + "\n");
  return exitCode;
}

/** A stack for --verbose, escape-free (its first line is the message). */
function oneLineStack(stack: string): string {
  return stack.split("\n").map(oneLine).join("\n");
}
