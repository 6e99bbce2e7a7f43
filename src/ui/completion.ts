// Shell completion scripts, generated from the citty command definitions
// themselves (the root's sub-commands and each one's args), so a new command
// or flag is completed the moment it exists and nothing can drift.
//
// What completes: command names; each command's flags (long, short alias,
// --no-X for booleans that default to on); values of flags and positionals
// whose valueHint is DIR (folders), FILE (files), or a|b|c (those words);
// and, asked of `ccshare __complete` on each Tab, this machine's session ids
// (with their titles) where a command takes one, and the words of a code after
// its room. Other values (passphrases, URLs) are left to the user.
import type { ArgDef, CommandDef, CommandMeta } from "citty";

export const SHELLS = ["bash", "zsh", "fish"] as const;
export type Shell = (typeof SHELLS)[number];

type Value = { kind: "dir" } | { kind: "file" } | { kind: "words"; words: string[] } | { kind: "text" } | { kind: Dynamic };

/** Values the CLI itself lists on each Tab (`ccshare __complete KIND WORD`). */
type Dynamic = "session" | "code";
/**
 * Which arguments take them: local session ids where a command reads this
 * machine's sessions (not receive's or import's --session: those are the
 * sharer's), and the receive code.
 */
const DYNAMIC: Record<string, Record<string, Dynamic>> = {
  show: { id: "session" },
  share: { session: "session" },
  export: { session: "session" },
  receive: { code: "code" },
};

export interface Flag {
  long: string;
  short?: string;
  description: string;
  /** Absent for a boolean flag. */
  value?: Value;
  /** Given more than once (its description says "repeatable"). */
  repeatable?: boolean;
}

export interface CommandShape {
  name: string;
  description: string;
  flags: Flag[];
  positional?: Value;
}

export interface CliShape {
  name: string;
  commands: CommandShape[];
  rootFlags: Flag[];
}

type AnyCommand = CommandDef<any>;
const NAME = /^[a-z][a-z0-9-]*$/;
const HELP: Flag = { long: "help", short: "h", description: "Show help" };

async function resolve<T>(value: T | Promise<T> | (() => T | Promise<T>)): Promise<T> {
  return typeof value === "function" ? await (value as () => T | Promise<T>)() : await value;
}

/** The first clause (up to ". ", "; " or ": " outside brackets), on one line, short enough for a menu. */
function brief(text = ""): string {
  const line = text.replace(/\s+/g, " ").trim();
  let depth = 0;
  let end = line.length;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (ch === "(") depth++;
    else if (ch === ")") depth = Math.max(0, depth - 1);
    else if (depth === 0 && ".;:".includes(ch) && (i + 1 === line.length || line[i + 1] === " ")) {
      end = i;
      break;
    }
  }
  const clause = line.slice(0, end);
  return clause.length > 90 ? `${clause.slice(0, 87)}...` : clause;
}

function staticValue(def: ArgDef): Value {
  const hint = def.valueHint ?? "";
  if (def.type === "enum" && def.options?.length) return { kind: "words", words: def.options };
  if (hint === "DIR") return { kind: "dir" };
  if (hint === "FILE") return { kind: "file" };
  if (/^[a-z0-9-]+(\|[a-z0-9-]+)+$/.test(hint)) return { kind: "words", words: hint.split("|") };
  return { kind: "text" };
}

function flagsOf(command: string, args: Record<string, ArgDef>): { flags: Flag[]; positional?: Value } {
  const flags: Flag[] = [];
  let positional: Value | undefined;
  const valueOf = (name: string, def: ArgDef): Value => (DYNAMIC[command]?.[name] ? { kind: DYNAMIC[command][name] } : staticValue(def));
  for (const [name, def] of Object.entries(args)) {
    if (def.type === "positional") {
      positional ??= valueOf(name, def);
      continue;
    }
    if (!NAME.test(name)) throw new Error(`cannot complete the flag name ${JSON.stringify(name)}`);
    const aliases = ["alias" in def ? (def.alias ?? []) : []].flat();
    const short = aliases.find((a) => /^[a-zA-Z]$/.test(a));
    const flag: Flag = { long: name, ...(short ? { short } : {}), description: brief(def.description), ...(/\brepeatable\b/.test(def.description ?? "") ? { repeatable: true } : {}) };
    if (def.type === "boolean") {
      flags.push(flag);
      if (def.default === true || def.negativeDescription) flags.push({ long: `no-${name}`, description: brief(def.negativeDescription ?? `Not ${name}`) });
    } else flags.push({ ...flag, value: valueOf(name, def) });
  }
  return { flags: [...flags, HELP], positional };
}

/** The commands and flags a root command offers, read from its definitions. */
export async function cliShape(root: AnyCommand): Promise<CliShape> {
  const meta = (await resolve(root.meta)) as CommandMeta | undefined;
  const subs = (await resolve(root.subCommands)) ?? {};
  const commands: CommandShape[] = [];
  for (const [name, sub] of Object.entries(subs)) {
    const cmd = await resolve(sub);
    const cmdMeta = (await resolve(cmd.meta)) as CommandMeta | undefined;
    if (cmdMeta?.hidden) continue;
    if (!NAME.test(name)) throw new Error(`cannot complete the command name ${JSON.stringify(name)}`);
    commands.push({ name, description: brief(cmdMeta?.description), ...flagsOf(name, ((await resolve(cmd.args)) ?? {}) as Record<string, ArgDef>) });
  }
  return { name: meta?.name ?? "ccshare", commands, rootFlags: [HELP, { long: "version", short: "v", description: "Show the version" }] };
}

export function completionScript(shell: Shell, shape: CliShape): string {
  return { bash, zsh, fish }[shell](shape);
}

const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
const spellings = (f: Flag) => [`--${f.long}`, ...(f.short ? [`-${f.short}`] : [])];
const fn = (shape: CliShape) => `_${shape.name.replace(/-/g, "_")}`;

function bash(shape: CliShape): string {
  const all = (flags: Flag[]) => flags.flatMap(spellings).join(" ");
  const taking = (c: CommandShape, kind: Value["kind"]) => c.flags.filter((f) => f.value?.kind === kind).flatMap(spellings).join(" ");
  const cases = shape.commands.map((c) => {
    const words = c.flags.flatMap((f) => (f.value?.kind === "words" ? [`${spellings(f).join("|")}) COMPREPLY=($(compgen -W ${quote(f.value.words.join(" "))} -- "$cur")); return 0 ;;`] : []));
    const positional = c.positional?.kind === "words" ? `words:${c.positional.words.join(" ")}` : (c.positional?.kind ?? "");
    return [
      `    ${c.name})`,
      `      flags=${quote(all(c.flags))}; dirs=${quote(taking(c, "dir"))}; files=${quote(taking(c, "file"))}; values=${quote(taking(c, "text"))}; sessions=${quote(taking(c, "session"))}; positional=${quote(positional)}`,
      ...(words.length ? [`      case "$prev" in`, ...words.map((w) => `        ${w}`), `      esac`] : []),
      `      ;;`,
    ].join("\n");
  });
  return `# bash completion for ${shape.name}, generated by \`${shape.name} completion bash\`.
# Load it with:  source <(${shape.name} completion bash)   (or save it in ~/.local/share/bash-completion/completions/${shape.name})
# Session ids and code words are asked of the binary as typed: ${shape.name} __complete session|code WORD.
${fn(shape)}_dynamic() {
  local value
  COMPREPLY=()
  while IFS=$'\t' read -r value _; do [ -n "$value" ] && COMPREPLY+=("$value"); done < <("\${COMP_WORDS[0]}" __complete "$1" "$cur" 2>/dev/null)
}
${fn(shape)}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="" cmd="" i
  [ "$COMP_CWORD" -gt 0 ] && prev="\${COMP_WORDS[COMP_CWORD-1]}"
  # --flag=value: bash splits it at "=" (COMP_WORDBREAKS).
  if [ "$cur" = "=" ]; then cur=""; elif [ "$prev" = "=" ] && [ "$COMP_CWORD" -gt 1 ]; then prev="\${COMP_WORDS[COMP_CWORD-2]}"; fi
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in
      -*) ;;
      *) cmd="\${COMP_WORDS[i]}"; break ;;
    esac
  done
  local flags="" dirs="" files="" values="" sessions="" positional=""
  case "$cmd" in
    "")
      COMPREPLY=($(compgen -W ${quote([...shape.commands.map((c) => c.name), ...all(shape.rootFlags).split(" ")].join(" "))} -- "$cur"))
      return 0
      ;;
${cases.join("\n")}
    *) return 0 ;;
  esac
  case " $dirs " in *" $prev "*) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- "$cur")); return 0 ;; esac
  case " $files " in *" $prev "*) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")); return 0 ;; esac
  case " $sessions " in *" $prev "*) ${fn(shape)}_dynamic session; return 0 ;; esac
  case " $values " in *" $prev "*) return 0 ;; esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$flags" -- "$cur"))
  elif [ "$positional" = file ]; then
    compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur"))
  elif [ "$positional" = session ] || [ "$positional" = code ]; then
    ${fn(shape)}_dynamic "$positional"
  elif [[ "$positional" == words:* ]]; then
    COMPREPLY=($(compgen -W "\${positional#words:}" -- "$cur"))
  fi
  return 0
}
complete -F ${fn(shape)} ${shape.name}
`;
}

/** zsh _arguments wants [, ], : and \\ escaped inside descriptions. */
const zshText = (text: string) => text.replace(/[\\[\]:]/g, (c) => `\\${c}`);

function zshAction(value: Value): string {
  if (value.kind === "dir") return "_files -/";
  if (value.kind === "file") return "_files";
  if (value.kind === "words") return `(${value.words.join(" ")})`;
  if (value.kind === "session" || value.kind === "code") return `_ccshare_dynamic ${value.kind}`;
  return " ";
}

/** One _arguments spec per spelling: `--into=[...]:into:_files -/` (value in the same word or the next). */
function zshFlag(f: Flag): string[] {
  const repeat = f.repeatable ? "*" : "";
  const tail = `[${zshText(f.description)}]${f.value ? `:${f.long}:${zshAction(f.value)}` : ""}`;
  const specs = [quote(`${repeat}--${f.long}${f.value ? "=" : ""}${tail}`)];
  if (f.short) specs.push(quote(`${repeat}-${f.short}${f.value ? "+" : ""}${tail}`));
  return specs;
}

function zsh(shape: CliShape): string {
  const describe = shape.commands.map((c) => `    ${quote(`${c.name}:${zshText(c.description)}`)}`).join("\n");
  const cases = shape.commands.map((c) => {
    const specs = c.flags.flatMap(zshFlag);
    if (c.positional) specs.push(quote(`1:${c.positional.kind === "text" ? "argument" : c.positional.kind}:${zshAction(c.positional)}`));
    return `        ${c.name})\n          _arguments -s \\\n            ${specs.join(" \\\n            ")}\n          ;;`;
  });
  return `#compdef ${shape.name}
# zsh completion for ${shape.name}, generated by \`${shape.name} completion zsh\`.
# Load it with:  source <(${shape.name} completion zsh)   (or save it as _${shape.name} in a folder on $fpath)
# Session ids (with titles) and code words, asked of the binary as typed.
_ccshare_dynamic() {
  local -a items
  local line
  for line in \${(f)"$("$_ccshare_bin" __complete $1 "$PREFIX" 2>/dev/null)"}; do
    if [[ $line == *$'\t'* ]]; then items+=("\${\${line%%$'\t'*}//:/\\:}:\${line#*$'\t'}"); else items+=("\${line//:/\\:}"); fi
  done
  _describe -t $1 $1 items
}
${fn(shape)}() {
  local curcontext="$curcontext" state line _ccshare_bin="$words[1]"
  local -a commands
  commands=(
${describe}
  )
  _arguments -C \\
    ${shape.rootFlags.flatMap(zshFlag).join(" \\\n    ")} \\
    '1: :->command' \\
    '*:: :->args'
  case $state in
    command) _describe -t commands ${quote(`${shape.name} command`)} commands ;;
    args)
      case $line[1] in
${cases.join("\n")}
      esac
      ;;
  esac
}
if [ "$funcstack[1]" = "${fn(shape)}" ]; then ${fn(shape)} "$@"; else compdef ${fn(shape)} ${shape.name}; fi
`;
}

const fishText = (text: string) => `'${text.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

function fishFlag(shape: CliShape, condition: string, f: Flag): string {
  const parts = [`complete -c ${shape.name} -n ${fishText(condition)} -l ${f.long}`];
  if (f.short) parts.push(`-s ${f.short}`);
  if (f.value?.kind === "file") parts.push("-r -F");
  else if (f.value?.kind === "dir") parts.push(`-x -a '(__fish_complete_directories (commandline -ct))'`);
  else if (f.value?.kind === "words") parts.push(`-x -a ${fishText(f.value.words.join(" "))}`);
  else if (f.value?.kind === "session" || f.value?.kind === "code") parts.push(`-x -a ${fishText(`(__${shape.name}_dynamic ${f.value.kind})`)}`);
  else if (f.value) parts.push("-x");
  parts.push(`-d ${fishText(f.description)}`);
  return parts.join(" ");
}

function fish(shape: CliShape): string {
  const lines = [
    `# fish completion for ${shape.name}, generated by \`${shape.name} completion fish\`.`,
    `# Load it with:  ${shape.name} completion fish | source   (or save it in ~/.config/fish/completions/${shape.name}.fish)`,
    `complete -c ${shape.name} -f`,
    // Session ids (with titles) and code words, asked of the binary as typed.
    `function __${shape.name}_dynamic`,
    `    set -l bin (commandline -opc)[1]`,
    `    $bin __complete $argv[1] (commandline -ct) 2>/dev/null`,
    `end`,
    ...shape.commands.map((c) => `complete -c ${shape.name} -n __fish_use_subcommand -a ${c.name} -d ${fishText(c.description)}`),
    ...shape.rootFlags.map((f) => fishFlag(shape, "__fish_use_subcommand", f)),
  ];
  for (const c of shape.commands) {
    const condition = `__fish_seen_subcommand_from ${c.name}`;
    lines.push(...c.flags.map((f) => fishFlag(shape, condition, f)));
    if (c.positional?.kind === "file") lines.push(`complete -c ${shape.name} -n ${fishText(condition)} -F`);
    if (c.positional?.kind === "words") lines.push(`complete -c ${shape.name} -n ${fishText(condition)} -a ${fishText(c.positional.words.join(" "))}`);
    if (c.positional?.kind === "session" || c.positional?.kind === "code") lines.push(`complete -c ${shape.name} -n ${fishText(condition)} -a ${fishText(`(__${shape.name}_dynamic ${c.positional.kind})`)}`);
  }
  return `${lines.join("\n")}\n`;
}
