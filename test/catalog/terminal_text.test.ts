// stripEscapes (src/ui/terminal_text.ts): session text from a peer must not drive the terminal.
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { stripEscapes } from "../../src/ui/terminal_text.ts";

describe("stripping escape sequences", () => {
  const cases: [string, string, string][] = [
    ["a CSI colour", "a\x1b[1;31mred\x1b[0mb", "aredb"],
    ["a CSI cursor move and screen clear", "x\x1b[10;20Hy\x1b[2Jz", "xyz"],
    ["an 8-bit CSI", "a\x9b2Jb", "ab"],
    ["an OSC window title ended by BEL", "a\x1b]0;pwned\x07b", "ab"],
    ["an OSC 52 clipboard write ended by ST", "a\x1b]52;c;ZXZpbA==\x1b\\b", "ab"],
    ["an OSC 8 hyperlink", "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\", "click"],
    ["an unterminated OSC", "safe\x1b]0;rest of the text", "safe"],
    ["a DCS string", "a\x1bPq#0;2;0;0;0\x1b\\b", "ab"],
    ["a two-byte escape", "a\x1bcb\x1b7c", "abc"],
    ["C0 controls but tab and newline", "a\x00b\x07c\rd\x08e\tf\ng\x7f", "abcde\tf\ng"],
    ["C1 controls", "a\x85b\x9dc", "ab"],
  ];
  for (const [what, input, output] of cases) test(`removes ${what}`, () => expect(stripEscapes(input)).toBe(output));

  test("keeps ordinary text, unicode and emoji", () => {
    expect(stripEscapes("Café 😀 — 日本語 [1;31m")).toBe("Café 😀 — 日本語 [1;31m");
  });

  test("never leaves an ESC or a control character behind, for any input", () => {
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom("\x1b", "[", "]", "\\", "\x07", "\x9b", "\x9c", "a", "1", ";", "\n", "\r", "P", "\x00", "é") }), (text) => {
      expect(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/.test(stripEscapes(text))).toBe(false);
    }));
  });
});
