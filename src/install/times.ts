// The modification time an installed file gets (issue 12 §4). Claude Code's
// `--continue` resumes the newest session of a folder and `list` orders by
// mtime, so received files keep the order the sharer's had; but Claude Code
// also deletes a transcript whose mtime is older than `cleanupPeriodDays`
// (default 30): measured in 2.1.330, its retention sweep runs ten minutes into
// a session, at most once a day (a `.last-cleanup` marker), and unlinks each
// `projects/*/*.jsonl` whose `stat.mtime` is before now minus the period; the
// timestamps inside the file do not count. A session received with its
// sharer's mtime of last month would go at the receiver's next sweep.
//
// So: a time from today (the receiver's day) is kept as it is; an older one is
// moved to the first second of today, keeping its order among the others.
// Deleted, then, no sooner than a session the receiver makes on the day it
// receives one.

const SPAN_MS = 1000;
const DAY_MS = 86_400_000;

export function installedTime(sharerMs: number | undefined, now: Date): Date {
  const startOfToday = new Date(now);
  startOfToday.setHours(0, 0, 0, 0);
  const floor = startOfToday.getTime();
  if (sharerMs === undefined || !Number.isFinite(sharerMs)) return now;
  // A clock ahead of ours is not allowed to put a session in our future.
  if (sharerMs >= floor) return new Date(Math.min(sharerMs, now.getTime()));
  // Monotone in age, within the first second of today: yesterday at ~500 ms,
  // last week at ~125, last year at ~3, so files days apart stay apart.
  const age = floor - sharerMs;
  return new Date(floor + Math.floor((SPAN_MS * DAY_MS) / (age + DAY_MS)));
}
