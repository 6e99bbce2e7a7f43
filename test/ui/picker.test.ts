// The picker's parts without a terminal: what a key does, what matches, what
// is drawn (every line within the width, at any width, whatever the titles hold).
import { describe, expect, test } from "bun:test";
import { parseKeys } from "../../src/ui/keys.ts";
import { PickList, type PickItem } from "../../src/ui/pick_list.ts";
import { applyKey, listHeight, renderFrame } from "../../src/ui/picker.ts";
import { displayWidth } from "../../src/ui/table.ts";

const items = (n: number): PickItem[] =>
  Array.from({ length: n }, (_, i) => ({ value: `id-${i}`, label: `Session ${i} title`, hint: `/src/proj-${i % 3} · branch-${i % 2 ? "main" : "feature"}`, search: `first prompt ${i} zebra${i}` }));

describe("keys from a terminal", () => {
  test("arrows, paging, Home/End in their common spellings, Enter, Esc, Ctrl keys and text", () => {
    const names = (s: string) => parseKeys(s).map((k) => (k.name === "char" ? k.text : k.name));
    expect(names("\x1b[A\x1bOB\x1b[5~\x1b[6~\x1b[H\x1b[F\x1b[1~\x1b[4~\x1bOH\x1bOF")).toEqual(["up", "down", "pageup", "pagedown", "home", "end", "home", "end", "home", "end"]);
    expect(names("\r \x7f\x03\x01\x1b")).toEqual(["enter", "space", "backspace", "interrupt", "select-all", "escape"]);
    expect(names("ab😀")).toEqual(["a", "b", "😀"]);
    expect(names("\x1b[1;5A")).toEqual(["up"]);
  });
});

describe("the list", () => {
  test("filters on label, hint and search text, any case; typing on narrows what matched", () => {
    const list = new PickList(items(30));
    list.setFilter("ZEBRA2");
    expect(list.matches.map((i) => list.items[i]!.value)).toEqual(["id-2", ...Array.from({ length: 10 }, (_, k) => `id-${20 + k}`)]);
    list.type("1");
    expect(list.matches.map((i) => list.items[i]!.value)).toEqual(["id-21"]);
    list.erase();
    list.erase({ all: true });
    list.type("proj-2");
    expect(list.matches.length).toBe(10);
  });

  test("Space toggles the highlighted row, Ctrl-A all that match (twice: none), Enter with none takes the highlighted", () => {
    const list = new PickList(items(10));
    const key = (k: string) => applyKey(list, parseKeys(k)[0]!, { multiple: true, height: 4 });
    key("\x1b[B");
    key(" ");
    expect(list.result()).toEqual(["id-1"]);
    key(" ");
    expect(list.result()).toEqual(["id-1"]); // none selected: the highlighted one
    list.setFilter("proj-0");
    key("\x01");
    expect(list.result()).toEqual(["id-0", "id-3", "id-6", "id-9"]);
    key("\x01");
    expect(list.selected.size).toBe(0);
    expect(key("\r")).toBe("done");
    expect(key("\x1b")).toBe("cancel");
    expect(key("\x03")).toBe("cancel");
  });

  test("preselected values start selected", () => {
    expect(new PickList(items(3), { selected: ["id-2"] }).result()).toEqual(["id-2"]);
  });

  test("the window follows the highlight: PgDn, End, PgUp, Home", () => {
    const list = new PickList(items(100));
    const key = (k: string) => applyKey(list, parseKeys(k)[0]!, { multiple: true, height: 10 });
    key("\x1b[6~");
    expect([list.cursor, list.window(10).above]).toEqual([10, 1]);
    key("\x1b[F");
    expect([list.cursor, list.window(10).below]).toEqual([99, 0]);
    key("\x1b[5~");
    expect(list.cursor).toBe(89);
    key("\x1b[H");
    expect([list.cursor, list.window(10).above]).toEqual([0, 0]);
  });

  test("Enter does nothing when nothing matches", () => {
    const list = new PickList(items(3));
    list.setFilter("nothing like it");
    expect(applyKey(list, { name: "enter" }, { multiple: true, height: 3 })).toBe("more");
  });
});

describe("the frame", () => {
  const hostile: PickItem[] = [
    { value: "a", label: `Wide 日本語のタイトル ✨😀 ${"x".repeat(300)}`, hint: "/home/alice/" + "deep/".repeat(50) },
    { value: "b", label: "\x1b]52;c;Y3VybCBldmlsfHNo\x07clip \x1b[2J\u202Eevil\u202C \x9b31m", hint: "\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\" },
  ];

  for (const width of [60, 80, 120, 200]) {
    test(`at ${width} columns no line is wider than ${width - 1} cells, and no escape from an item is drawn`, () => {
      const list = new PickList([...hostile, ...items(40)]);
      const frame = renderFrame(list, { title: "Sessions to share", multiple: true, noun: "session" }, { width, height: listHeight(42, 30) });
      expect(frame.length).toBe(listHeight(42, 30) + 4);
      for (const line of frame) {
        expect(displayWidth(line)).toBeLessThanOrEqual(width - 1);
        expect(line).not.toMatch(/[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/);
      }
      expect(frame.at(-1)).toContain("esc cancel");
    });
  }

  test("the frame keeps its height when fewer items match, and says when none does", () => {
    const list = new PickList(items(40));
    const height = listHeight(40, 30);
    list.setFilter("zzz");
    const frame = renderFrame(list, { title: "Sessions to export", multiple: true, noun: "session" }, { width: 80, height });
    expect(frame.length).toBe(height + 4);
    expect(frame.join("\n")).toContain('nothing matches "zzz"');
    expect(frame[0]).toBe("? Sessions to export  0 of 40 sessions, 0 selected");
  });
});
