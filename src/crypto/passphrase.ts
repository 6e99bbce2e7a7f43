// Room codes and passphrases (PROTOCOL.md §1). The room code only locates the
// sharer and is public; the passphrase is the secret CPace runs on. The only
// importer of @scure/bip39 (STYLE.md rule 2).
import { wordlist } from "@scure/bip39/wordlists/english.js";
import { UnknownWordError, UsageError } from "../errors.ts";
import { nearest } from "../text/nearest.ts";

/** Crockford base32: digits and capitals without I, L, O, U (PROTOCOL.md §1). */
export const ROOM_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
export const ROOM_LENGTH = 6;
/** Generated passphrase lengths (PROTOCOL.md §1): 44 bits live, 88 bits for bundles. */
export const LIVE_WORDS = 4;
export const BUNDLE_WORDS = 8;
/** Each BIP-39 word carries log2(2048) = 11 bits. */
export const BITS_PER_WORD = 11;

const WORDS: readonly string[] = wordlist;
const WORD_SET: ReadonlySet<string> = new Set(wordlist);

/** A fresh room code: 6 Crockford base32 characters from the CSPRNG. */
export function generateRoom(): string {
  // 32 divides 256, so `byte & 31` is unbiased.
  const bytes = crypto.getRandomValues(new Uint8Array(ROOM_LENGTH));
  return Array.from(bytes, (b) => ROOM_ALPHABET[b & 31]).join("");
}

/** A fresh passphrase: `words` BIP-39 English words joined by "-". */
export function generatePassphrase(words: number = LIVE_WORDS): string {
  if (!Number.isInteger(words) || words < 1 || words > 64) {
    throw new RangeError(`expected a word count between 1 and 64, got ${words}`);
  }
  // 2048 divides 65536, so `u16 & 2047` is unbiased.
  const picks = crypto.getRandomValues(new Uint16Array(words));
  return Array.from(picks, (n) => WORDS[n & 2047]).join("-");
}

/** Short authentication string: `bytes` as BIP-39 words, 11 bits each (last one zero-padded). */
export function bytesToWords(bytes: Uint8Array): string[] {
  const totalBits = bytes.length * 8;
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  const count = Math.ceil(totalBits / BITS_PER_WORD);
  n <<= BigInt(count * BITS_PER_WORD - totalBits);
  const out: string[] = [];
  for (let i = count - 1; i >= 0; i--) out.push(WORDS[Number((n >> BigInt(i * BITS_PER_WORD)) & 2047n)]!);
  return out;
}

/**
 * A room code as the user typed it: upper-cased, Crockford's aliases
 * accepted (O -> 0, I and L -> 1), anything else outside the alphabet refused.
 */
export function normalizeRoom(input: string): string {
  const room = input
    .trim()
    .toUpperCase()
    .replace(/O/g, "0")
    .replace(/[IL]/g, "1");
  // The input is never echoed: a mistyped code may carry passphrase words.
  if (room.length !== ROOM_LENGTH) {
    throw new UsageError(`A room code has ${ROOM_LENGTH} characters, but the one given has ${room.length}; check the code the sharer gave you.`);
  }
  if (![...room].every((ch) => ROOM_ALPHABET.includes(ch))) {
    throw new UsageError("A room code uses only digits and the letters A-Z except U, but the one given has other characters; check the code the sharer gave you.");
  }
  return room;
}

/**
 * The passphrase CPace (and a bundle's scrypt) runs on: Unicode NFC (PROTOCOL.md
 * §1), so that the same text typed on two keyboards gives the same bytes.
 * Leading and trailing white space goes (a pasted newline is never meant). A
 * passphrase made only of list words is the words, lower-case, joined by "-",
 * however they were separated ("orbit maple", "Orbit-Maple"): generated ones
 * are printed that way and people retype them with spaces. Anything else is
 * exactly what the user chose: case and inner spaces are kept.
 */
export function normalizePassphrase(input: string): string {
  const passphrase = input.normalize("NFC").trim();
  if (passphrase === "") throw new UsageError("The passphrase is empty; type the words the sharer gave you.");
  // A separator left at either end (Tab completion adds one) is not part of the words.
  const words = passphrase.split(/[\s-]+/).filter(Boolean);
  if (words.length > 0 && words.every((w) => WORD_SET.has(w.toLowerCase()))) return words.map((w) => w.toLowerCase()).join("-");
  return passphrase;
}

/**
 * Before any attempt is spent: a passphrase shaped like a generated one (as
 * many words as ccshare generates, all from the list but one) whose odd word
 * is a near miss of a list word was almost surely mistyped. Chosen passphrases
 * pass: "keep open words" is not shaped like a generated one.
 */
export function checkWords(passphrase: string, generatedWords: number): void {
  const words = passphrase.normalize("NFC").trim().toLowerCase().split(/[\s-]+/).filter(Boolean);
  if (words.length !== generatedWords) return;
  const odd = words.filter((w) => !WORD_SET.has(w));
  if (odd.length !== 1 || !/^[a-z]+$/.test(odd[0]!)) return;
  const guess = nearest(odd[0]!, WORDS);
  if (guess) throw new UnknownWordError(`'${odd[0]}' is not in ccshare's word list; did you mean '${guess}'?`);
}

/** The code `share` prints: `<ROOM>-<passphrase>` (PROTOCOL.md §1). */
export function combineCode(room: string, passphrase: string): string {
  return `${normalizeRoom(room)}-${normalizePassphrase(passphrase)}`;
}

export interface ParsedCode {
  room: string;
  /** Absent when only the room was given (`receive K7P2QX`): the passphrase then comes from elsewhere. */
  passphrase?: string;
}

/**
 * Split a combined code at its first "-" (PROTOCOL.md §1): room, then
 * passphrase. A room alone (six characters, no "-") is accepted too.
 */
export function parseCode(code: string): ParsedCode {
  const trimmed = code.trim();
  const dash = trimmed.indexOf("-");
  if (dash < 0) {
    if (trimmed.length === ROOM_LENGTH) return { room: normalizeRoom(trimmed) };
    throw new UsageError('A code looks like K7P2QX-orbit-maple-tiger-flute (the room, "-", then the passphrase), but the one given has no "-"; check the code the sharer gave you.');
  }
  const rest = trimmed.slice(dash + 1);
  if (rest.trim() === "") {
    throw new UsageError('The code given has a room but no passphrase after the "-"; check the code the sharer gave you.');
  }
  return { room: normalizeRoom(trimmed.slice(0, dash)), passphrase: normalizePassphrase(rest) };
}

/** The list words that begin with `prefix` (for completing a code as it is typed). */
export function wordsStartingWith(prefix: string): string[] {
  const p = prefix.toLowerCase();
  return WORDS.filter((w) => w.startsWith(p));
}

/** Whether `word` is one of the list's words. */
export function isListWord(word: string): boolean {
  return WORD_SET.has(word.toLowerCase());
}

/**
 * A rough guess at a passphrase's entropy, to warn about weak ones. Words
 * all from the BIP-39 list count 11 bits each (the generator's real
 * strength); anything else counts log2(alphabet) per character, an upper
 * bound for human-chosen text.
 */
export function passphraseBits(passphrase: string | readonly string[]): number {
  const words = typeof passphrase === "string" ? passphrase.normalize("NFC").split(/[-\s]+/).filter(Boolean) : passphrase;
  if (words.length > 0 && words.every((w) => WORD_SET.has(w.toLowerCase()))) return words.length * BITS_PER_WORD;
  const text = typeof passphrase === "string" ? passphrase.normalize("NFC") : passphrase.join(" ");
  let alphabet = 0;
  if (/[a-z]/.test(text)) alphabet += 26;
  if (/[A-Z]/.test(text)) alphabet += 26;
  if (/[0-9]/.test(text)) alphabet += 10;
  if (/[^a-zA-Z0-9]/.test(text)) alphabet += 33;
  return alphabet === 0 ? 0 : Math.floor([...text].length * Math.log2(alphabet));
}
