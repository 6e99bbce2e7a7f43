// Commands we print for the user to paste into a POSIX shell: each argument
// must come back as one word, whatever it holds (a passphrase with spaces, a
// path with a quote).

/** `text` as one shell word: as is when it is plain, else single-quoted. */
export function shellWord(text: string): string {
  if (/^[A-Za-z0-9_\/.,:@%+=-]+$/.test(text)) return text;
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Words joined into one command line, each quoted as needed. */
export function shellCommand(words: readonly string[]): string {
  return words.map(shellWord).join(" ");
}
