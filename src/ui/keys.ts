// Keys from a terminal in raw mode: the bytes of one read, split into the keys
// a picker or prompt acts on. Escape sequences arrive whole within one read in
// practice (a terminal writes each key at once); a lone ESC is the Esc key.

export type Key =
  | { name: "char"; text: string }
  | { name: "up" | "down" | "left" | "right" | "pageup" | "pagedown" | "home" | "end" | "delete" }
  | { name: "enter" | "escape" | "backspace" | "tab" | "space" | "interrupt" | "eof" | "select-all" | "clear-line" | "delete-word" }
  | { name: "other" };

const SEQUENCES: Record<string, Key["name"]> = {
  "[A": "up", "[B": "down", "[C": "right", "[D": "left", OA: "up", OB: "down", OC: "right", OD: "left",
  "[5~": "pageup", "[6~": "pagedown", "[H": "home", "[F": "end", OH: "home", OF: "end",
  "[1~": "home", "[4~": "end", "[7~": "home", "[8~": "end", "[3~": "delete",
};

const CONTROLS: Record<string, Key["name"]> = {
  "\r": "enter", "\n": "enter", "\t": "tab", " ": "space", "\x7f": "backspace", "\b": "backspace",
  "\x03": "interrupt", "\x04": "eof", "\x01": "select-all", "\x15": "clear-line", "\x17": "delete-word",
};

/** The keys in one chunk of terminal input. */
export function parseKeys(input: string): Key[] {
  const keys: Key[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i]!;
    if (ch === "\x1b") {
      // CSI (ESC [ params final) or SS3 (ESC O final); anything else after ESC is Alt+key: treated as Esc.
      const csi = /^\x1b(\[[0-9;?]*[\x20-\x2f]*[\x40-\x7e]|O[A-Za-z])/.exec(input.slice(i));
      if (csi) {
        const name = SEQUENCES[csi[1]!.replace(/^\[1;\d+([A-H])$/, "[$1")];
        keys.push(name ? ({ name } as Key) : { name: "other" });
        i += csi[0].length;
      } else {
        keys.push({ name: "escape" });
        i += input[i + 1] === "\x1b" ? 2 : 1;
      }
      continue;
    }
    const control = CONTROLS[ch];
    if (control) keys.push({ name: control } as Key);
    else if (ch >= " ") {
      // One key per code point (a pasted word arrives as one chunk of several).
      const cp = input.codePointAt(i)!;
      const text = String.fromCodePoint(cp);
      keys.push({ name: "char", text });
      i += text.length;
      continue;
    } else keys.push({ name: "other" });
    i++;
  }
  return keys;
}
