// stripEscapes (src/ui/terminal_text.ts): session text from a peer must not drive the terminal.
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { jsonLine } from "../../src/ui/json_lines.ts";
import { oneLine, stripEscapes } from "../../src/ui/terminal_text.ts";

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

describe("bidirectional overrides (Trojan Source) and one-line messages", () => {
  test("embeddings, overrides and isolates go; other marks and the text stay", () => {
    const overrides = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069";
    expect(stripEscapes(`a${overrides}b \u200e\u05d0`)).toBe("ab \u200e\u05d0");
    expect(stripEscapes("invoice\u202Egpj.exe")).toBe("invoicegpj.exe");
  });

  test("oneLine also folds newlines and tabs, so a peer cannot start a line of its own", () => {
    expect(oneLine("closed\nccshare: Installed 9 sessions\t\x1b[2J")).toBe("closed ccshare: Installed 9 sessions ");
  });

  test("--json lines keep a peer's text exactly but escape what a terminal would act on", () => {
    const hostile = "\x1b]52;c;e\x07\x9b31m\u202Ex\u2028y\x7f";
    const line = jsonLine({ message: hostile });
    expect(line).toBe('{"message":"\\u001b]52;c;e\\u0007\\u009b31m\\u202ex\\u2028y\\u007f"}\n');
    expect(JSON.parse(line).message).toBe(hostile);
    expect(jsonLine({ a: [1, "é"] }, 2)).toBe('{\n  "a": [\n    1,\n    "é"\n  ]\n}\n');
  });
});
