// Argument fragments shared by commands (after nuxt/cli commands/_shared.ts),
// and the few helpers every command needs to read them.
import type { ArgDef, CommandMeta } from "citty";
import { UsageError } from "../errors.ts";

/** Command metadata plus the examples `--help` prints after the options. */
export function describe(meta: CommandMeta & { examples?: string[] }): CommandMeta {
  return meta;
}

export const jsonArgs = {
  json: { type: "boolean", description: "Machine-readable output on stdout (JSON)" },
  verbose: { type: "boolean", description: "Show stack traces on errors" },
} as const satisfies Record<string, ArgDef>;

export const selectionArgs = {
  session: { type: "string", description: "A session id or unique prefix (repeatable)", valueHint: "ID" },
  all: { type: "boolean", description: "Every session (of --project, if given)" },
  project: { type: "string", description: "Only sessions recorded in this project directory", valueHint: "DIR" },
} as const satisfies Record<string, ArgDef>;

export const passphraseArgs = {
  passphrase: {
    type: "string",
    description: "The secret; else $CCSHARE_PASSPHRASE, a prompt, or a generated one. Other local users can see argv.",
    valueHint: "WORDS",
  },
} as const satisfies Record<string, ArgDef>;

export const relayArgs = {
  relay: { type: "string", description: "Go through a WebSocket relay (default $CCSHARE_RELAY)", valueHint: "URL" },
} as const satisfies Record<string, ArgDef>;

/** Issue 17: what to do with secrets the scan finds before sharing. Neither flag: ask, or redact with --yes. */
export const redactArgs = {
  redact: {
    type: "boolean",
    description: "Redact secrets the scan finds without asking (the default with --yes)",
    negativeDescription: "Share secrets the scan finds as they are",
  },
} as const satisfies Record<string, ArgDef>;

export const yesArgs = {
  yes: { type: "boolean", alias: "y", description: "Never prompt; take the defaults" },
} as const satisfies Record<string, ArgDef>;

/** Every value of a repeatable `--name VALUE` / `--name=VALUE` flag (citty keeps only the last). */
export function repeated(rawArgs: string[], name: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < rawArgs.length; i++) {
    const arg = rawArgs[i]!;
    if (arg === `--${name}`) {
      const next = rawArgs[i + 1];
      if (next === undefined || next.startsWith("--")) throw new UsageError(`--${name} needs a value.`);
      values.push(next);
      i++;
    } else if (arg.startsWith(`--${name}=`)) {
      values.push(arg.slice(name.length + 3));
    }
  }
  return values;
}

/** Parse a date for --since: ISO-8601, or a relative "3d", "12h", "2w". */
export function parseSince(text: string, now = Date.now()): Date {
  const rel = /^(\d+)\s*([mhdw])$/.exec(text.trim());
  if (rel) {
    const unit = { m: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3 }[rel[2] as "m" | "h" | "d" | "w"];
    return new Date(now - Number(rel[1]) * unit);
  }
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw new UsageError(`--since expects a date like 2026-07-19 or 3d, got "${text}".`);
  return date;
}
