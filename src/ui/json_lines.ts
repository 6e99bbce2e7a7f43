// `--json` output: one JSON value per line on stdout. JSON.stringify already
// escapes C0 controls (ESC becomes \u001b); this escapes what it leaves raw
// and a terminal would still act on -- DEL, C1 controls (0x9b is CSI), line
// and paragraph separators, bidirectional overrides -- so that a peer's text
// in an event is the same data, but inert when the output is read on a screen.
const RAW = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** `value` as one line of JSON, terminal-safe, ending in "\n". `indent` for a pretty document (`list --json`). */
export function jsonLine(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(RAW, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`) + "\n";
}

/** Writes one `--json` event to stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(jsonLine(value));
}
