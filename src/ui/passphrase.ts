// Where a passphrase comes from, in order (DESIGN.md §1): --passphrase,
// $CCSHARE_PASSPHRASE, a hidden prompt, else a generated one. Never logged.
import { generatePassphrase, normalizePassphrase } from "../crypto/passphrase.ts";
import { UsageError } from "../errors.ts";
import { askHidden, canPrompt } from "./prompt.ts";

export interface PassphraseChoice {
  passphrase: string;
  generated: boolean;
}

/** For a sharer: a prompt is offered only when asked with `ask`; otherwise a generated one. */
export async function passphraseForSharing(o: { flag?: string; words: number; ask?: boolean }): Promise<PassphraseChoice> {
  const given = o.flag ?? process.env.CCSHARE_PASSPHRASE;
  if (given !== undefined && given !== "") return { passphrase: normalizePassphrase(given), generated: false };
  if (o.ask && canPrompt()) {
    const typed = await askHidden("Passphrase (Enter to generate one): ");
    if (typed.trim()) return { passphrase: normalizePassphrase(typed), generated: false };
  }
  return { passphrase: generatePassphrase(o.words), generated: true };
}

/** For a receiver: from the code, the flag, the environment, or a hidden prompt. */
export async function passphraseForReceiving(o: { fromCode?: string; flag?: string; yes?: boolean }): Promise<string> {
  const given = o.fromCode ?? o.flag ?? process.env.CCSHARE_PASSPHRASE;
  if (given !== undefined && given !== "") return normalizePassphrase(given);
  if (!canPrompt(o.yes)) {
    throw new UsageError("No passphrase given: pass the whole code, --passphrase, or set CCSHARE_PASSPHRASE.");
  }
  return normalizePassphrase(await askHidden("Passphrase: "));
}
