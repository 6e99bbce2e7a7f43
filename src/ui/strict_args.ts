// Strict command lines (issue 12): an option or argument a command does not
// define is a usage error before anything runs -- `export --projct X --all`
// must not export everything. What is accepted is read from the command's own
// citty definitions, the same ones --help and the completion scripts show.
import type { ArgDef } from "citty";
import { UsageError } from "../errors.ts";
import { nearest } from "../text/nearest.ts";

interface Known {
  name: string;
  def: ArgDef;
  /** `--no-<name>`: a boolean switched off. */
  negated?: boolean;
}

export interface CommandLine {
  /** "ccshare export", for messages. */
  command: string;
  args: Record<string, ArgDef>;
}

const isOption = (token: string) => token.length > 1 && token.startsWith("-") && !/^-\d/.test(token);
/** " (the bundle file to write)": what a missing argument is, from its description. */
const about = (def: ArgDef) => (def.description ? ` (${def.description[0]!.toLowerCase()}${def.description.slice(1).replace(/\.$/, "")})` : "");
const quoted = (token: string) => JSON.stringify(token.length > 40 ? `${token.slice(0, 37)}...` : token);

function spellings(args: Record<string, ArgDef>): { long: Map<string, Known>; short: Map<string, Known> } {
  const long = new Map<string, Known>([["help", { name: "help", def: { type: "boolean" } }]]);
  const short = new Map<string, Known>([["h", { name: "help", def: { type: "boolean" } }]]);
  for (const [name, def] of Object.entries(args)) {
    if (def.type === "positional") continue;
    long.set(name, { name, def });
    if (def.type === "boolean" && (def.default === true || def.negativeDescription)) long.set(`no-${name}`, { name, def, negated: true });
    for (const alias of ["alias" in def ? (def.alias ?? []) : []].flat()) (alias.length === 1 ? short : long).set(alias, { name, def });
  }
  return { long, short };
}

function unknownOption(line: CommandLine, typed: string, long: Map<string, Known>): UsageError {
  const guess = typed.startsWith("--") ? nearest(typed.slice(2), long.keys()) : undefined;
  const hint = guess ? `; did you mean --${guess}?` : `; see ${line.command} --help for its options.`;
  return new UsageError(`${line.command} has no option ${typed}${hint}`);
}

/** Throws a UsageError for the first thing in `argv` (what follows the command name) that the command does not define. */
export function checkCommandLine(line: CommandLine, argv: readonly string[]): void {
  const { long, short } = spellings(line.args);
  const positionals = Object.entries(line.args).filter(([, def]) => def.type === "positional");
  const given: string[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === "--") {
      given.push(...argv.slice(i + 1));
      break;
    }
    if (!isOption(token)) {
      given.push(token);
      continue;
    }
    if (!token.startsWith("--")) {
      // -y, or several one-letter switches together (-yh); none of them takes a value.
      for (const letter of token.slice(1)) {
        const known = short.get(letter);
        if (!known) throw unknownOption(line, `-${letter}`, long);
        if (known.def.type !== "boolean") throw new UsageError(`-${letter} needs a value: write it as --${known.name} VALUE.`);
        seen.add(known.name);
      }
      continue;
    }
    const eq = token.indexOf("=");
    const name = token.slice(2, eq < 0 ? undefined : eq);
    const known = long.get(name);
    if (!known) throw unknownOption(line, `--${name}`, long);
    seen.add(known.name);
    if (known.def.type === "boolean") {
      if (eq >= 0) throw new UsageError(`--${name} is a switch and takes no value, but got ${quoted(token.slice(eq + 1))}.`);
      continue;
    }
    let value = eq < 0 ? undefined : token.slice(eq + 1);
    if (value === undefined) {
      const next = argv[i + 1];
      const hint = known.def.valueHint ? ` ${known.def.valueHint}` : " VALUE";
      if (next === undefined || (isOption(next) && long.has(next.slice(2).split("=")[0]!))) throw new UsageError(`--${name} needs a value: --${name}${hint}.`);
      value = next;
      i++;
    }
    if (known.def.type === "enum" && known.def.options?.length && !known.def.options.includes(value)) {
      throw new UsageError(`--${name} is one of ${known.def.options.join(", ")}, not ${quoted(value)}.`);
    }
  }
  if (given.length > positionals.length) {
    const extra = given[positionals.length]!;
    const takes = positionals.length === 0 ? "takes no arguments" : `takes ${positionals.map(([name, def]) => def.valueHint ?? name.toUpperCase()).join(" ")} only`;
    throw new UsageError(`${line.command} ${takes}, but was also given ${quoted(extra)}.`);
  }
  positionals.forEach(([name, def], at) => {
    if (def.required !== false && def.default === undefined && given[at] === undefined) {
      throw new UsageError(`${line.command} needs ${def.valueHint ?? name.toUpperCase()}${about(def)}.`);
    }
  });
  for (const [name, def] of Object.entries(line.args)) {
    if (def.type !== "positional" && "required" in def && def.required && !seen.has(name)) {
      throw new UsageError(`${line.command} needs --${name}${def.valueHint ? ` ${def.valueHint}` : ""}${about(def)}.`);
    }
  }
}

/** The sub-command `typed` is not: "did you mean" the nearest, else the list. */
export function unknownCommand(root: string, typed: string, commands: string[]): UsageError {
  const guess = nearest(typed, commands);
  const hint = guess ? `did you mean ${guess}?` : `the commands are ${commands.join(", ")}.`;
  return new UsageError(`${root} has no command ${quoted(typed)}; ${hint}`);
}
