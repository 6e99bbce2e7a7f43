// Joins per source address per minute (PROTOCOL.md §6): a token bucket per
// address, refilled continuously, so a flood from one address is refused
// while everyone else is served. Addresses are held only in memory, only
// while their bucket is not full, and never logged.

export class JoinLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly perMs: number;

  constructor(private readonly perMinute: number, private readonly now: () => number = Date.now) {
    this.perMs = perMinute / 60_000;
  }

  /** Spend one join for `address`; false when its budget for the minute is gone. */
  allow(address: string): boolean {
    const now = this.now();
    const bucket = this.buckets.get(address) ?? { tokens: this.perMinute, at: now };
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + (now - bucket.at) * this.perMs);
    bucket.at = now;
    if (bucket.tokens < 1) {
      this.buckets.set(address, bucket);
      return false;
    }
    bucket.tokens -= 1;
    this.buckets.set(address, bucket);
    return true;
  }

  /** Forget addresses whose bucket has refilled: they hold nothing worth keeping. */
  prune(): void {
    const now = this.now();
    for (const [address, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.at) * this.perMs >= this.perMinute) this.buckets.delete(address);
    }
  }

  get size(): number {
    return this.buckets.size;
  }
}
