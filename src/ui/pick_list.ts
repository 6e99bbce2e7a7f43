// What a picker shows and holds, apart from any terminal: the items that match
// the filter typed so far, the highlighted one, the window of rows on screen,
// and what is selected. The picker (picker.ts) feeds it keys and draws it.

export interface PickItem {
  value: string;
  label: string;
  hint?: string;
  /** What the filter is matched against, beyond label and hint (a first prompt, a branch). */
  search?: string;
}

export class PickList {
  filter = "";
  /** Indices into `items` of those that match the filter, in order. */
  matches: number[];
  /** Position in `matches` of the highlighted item. */
  cursor = 0;
  /** Position in `matches` of the first row on screen. */
  top = 0;
  readonly selected = new Set<number>();
  private readonly haystacks: string[];

  constructor(readonly items: readonly PickItem[], o: { selected?: readonly string[] } = {}) {
    this.haystacks = items.map((item) => `${item.label}\n${item.hint ?? ""}\n${item.search ?? ""}`.toLowerCase());
    this.matches = items.map((_, i) => i);
    const preselected = new Set(o.selected ?? []);
    items.forEach((item, i) => preselected.has(item.value) && this.selected.add(i));
  }

  /** The highlighted item, if any matches. */
  get current(): number | undefined {
    return this.matches[this.cursor];
  }

  setFilter(filter: string): void {
    const narrower = filter.startsWith(this.filter);
    this.filter = filter;
    const needle = filter.toLowerCase();
    // Typing on narrows what already matched: 5,000 sessions stay instant.
    const pool = narrower ? this.matches : this.items.map((_, i) => i);
    this.matches = needle ? pool.filter((i) => this.haystacks[i]!.includes(needle)) : pool;
    this.cursor = 0;
    this.top = 0;
  }

  type(text: string): void {
    this.setFilter(this.filter + text);
  }

  erase(o: { word?: boolean; all?: boolean } = {}): void {
    if (o.all) return this.setFilter("");
    const chars = [...this.filter];
    if (o.word) {
      while (chars.length && /[\s\-_/.]/.test(chars.at(-1)!)) chars.pop();
      while (chars.length && !/[\s\-_/.]/.test(chars.at(-1)!)) chars.pop();
    } else chars.pop();
    this.setFilter(chars.join(""));
  }

  /** Moves the highlight by `delta` rows, stopping at either end. */
  move(delta: number): void {
    if (this.matches.length === 0) return;
    this.cursor = Math.max(0, Math.min(this.matches.length - 1, this.cursor + delta));
  }

  toggle(): void {
    const at = this.current;
    if (at === undefined) return;
    if (this.selected.has(at)) this.selected.delete(at);
    else this.selected.add(at);
  }

  /** Selects every matching item, or, when all of them already are, clears them. */
  toggleAll(): void {
    const all = this.matches.length > 0 && this.matches.every((i) => this.selected.has(i));
    for (const i of this.matches) {
      if (all) this.selected.delete(i);
      else this.selected.add(i);
    }
  }

  /** The rows to draw in a window of `height`, scrolled so the highlight is on screen. */
  window(height: number): { rows: number[]; above: number; below: number } {
    if (this.cursor < this.top) this.top = this.cursor;
    if (this.cursor >= this.top + height) this.top = this.cursor - height + 1;
    this.top = Math.max(0, Math.min(this.top, Math.max(0, this.matches.length - height)));
    const rows = this.matches.slice(this.top, this.top + height);
    return { rows, above: this.top, below: Math.max(0, this.matches.length - this.top - rows.length) };
  }

  /** The selected values in list order; with none selected, the highlighted one (Enter takes what you see). */
  result(): string[] {
    if (this.selected.size > 0) return this.items.filter((_, i) => this.selected.has(i)).map((item) => item.value);
    const at = this.current;
    return at === undefined ? [] : [this.items[at]!.value];
  }
}
