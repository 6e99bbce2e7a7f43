// Where a passphrase comes from, in order (DESIGN.md §1): --passphrase,
// $CCSHARE_PASSPHRASE, a hidden prompt, else a generated one. Never logged.
import { BUNDLE_WORDS, checkWords, generatePassphrase, LIVE_WORDS, normalizePassphrase } from "../crypto/passphrase.ts";
import { UsageError } from "../errors.ts";
import { askHidden, canPrompt, type Undone } from "./prompt.ts";

export interface PassphraseChoice {
  passphrase: string;
  generated: boolean;
}

/** For a sharer: a prompt is offered only when asked with `ask`; otherwise a generated one. */
export async function passphraseForSharing(o: { flag?: string; words: number; ask?: boolean; undone: Undone }): Promise<PassphraseChoice> {
  const given = o.flag ?? process.env.CCSHARE_PASSPHRASE;
  if (given !== undefined && given !== "") return { passphrase: normalizePassphrase(given), generated: false };
  if (o.ask && canPrompt()) {
    const typed = await askHidden("Passphrase (Enter to generate one): ", { undone: o.undone });
    if (typed.trim()) return { passphrase: normalizePassphrase(typed), generated: false };
  }
  return { passphrase: generatePassphrase(o.words), generated: true };
}

const MISSING = {
  code: "No passphrase given: pass the whole code (ROOM-words), --passphrase, or set CCSHARE_PASSPHRASE.",
  bundle: "No passphrase given for the bundle: pass --passphrase or set CCSHARE_PASSPHRASE (or run in a terminal to be asked).",
};

/**
 * For a receiver (`code`) or an importer (`bundle`): from the code, the flag,
 * the environment, or a hidden prompt. A mistyped list word is caught here,
 * before any attempt is spent on it.
 */
export async function passphraseForReceiving(o: { fromCode?: string; flag?: string; yes?: boolean; kind: "code" | "bundle" }): Promise<string> {
  const given = o.fromCode ?? o.flag ?? process.env.CCSHARE_PASSPHRASE;
  let passphrase: string;
  if (given !== undefined && given !== "") passphrase = normalizePassphrase(given);
  else if (!canPrompt(o.yes)) throw new UsageError(MISSING[o.kind]);
  else passphrase = normalizePassphrase(await askHidden(o.kind === "bundle" ? "The bundle's passphrase: " : "Passphrase: ", { undone: "installed" }));
  checkWords(passphrase, o.kind === "bundle" ? BUNDLE_WORDS : LIVE_WORDS);
  return passphrase;
}
