// How sizes and times read in tables and progress lines.

/** "1 session", "2 sessions": a count and its noun, in the plural unless it is one. */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 100 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/** "just now", "5 min ago", "3 h ago", "2 d ago", then the date. */
export function formatAge(iso: string, now = Date.now()): string {
  const then = new Date(iso).getTime();
  if (Number.isNaN(then)) return "?";
  const seconds = Math.max(0, (now - then) / 1000);
  if (seconds < 60) return "just now";
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  if (seconds < 30 * 86400) return `${Math.floor(seconds / 86400)} d ago`;
  return new Date(then).toISOString().slice(0, 10);
}

/** "1,234,567 in (1,200,000 from cache) · 8,910 out": what a session's responses cost in tokens. */
export function formatTokens(u: { input: number; cacheRead: number; cacheWrite: number; output: number }): string {
  const n = (value: number) => value.toLocaleString("en-US");
  return `${n(u.input + u.cacheRead + u.cacheWrite)} in (${n(u.cacheRead)} from cache) · ${n(u.output)} out`;
}
