// install/times.ts: installed files keep the sharer's order, and never an
// mtime that Claude Code's retention sweep would take before a session the
// receiver makes on the day it receives one.
import { describe, expect, test } from "bun:test";
import { installedTime } from "../../src/install/times.ts";

const now = new Date(2026, 11, 7, 17, 30, 0);
const startOfToday = new Date(2026, 11, 7, 0, 0, 0).getTime();
const day = 86_400_000;

describe("the mtime an installed file gets", () => {
  test("is the sharer's own when it is from today", () => {
    const earlier = now.getTime() - 3_600_000;
    expect(installedTime(earlier, now).getTime()).toBe(earlier);
  });

  test("is within the first second of today when the sharer's is older, oldest first", () => {
    const times = [40 * day, 3 * day, day + 1].map((ago) => installedTime(startOfToday - ago, now).getTime());
    for (const t of times) expect(t >= startOfToday && t < startOfToday + 1000).toBe(true);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(new Set(times).size).toBe(3);
  });

  test("keeps an old file older than any file from today", () => {
    expect(installedTime(startOfToday - 10 * day, now).getTime()).toBeLessThan(installedTime(startOfToday + 60_000, now).getTime());
  });

  test("is never in our future, whatever the sharer's clock says", () => {
    expect(installedTime(now.getTime() + day, now).getTime()).toBe(now.getTime());
  });

  test("is now when the sharer did not say", () => {
    expect(installedTime(undefined, now).getTime()).toBe(now.getTime());
  });
});
