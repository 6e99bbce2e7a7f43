// PROTOCOL.md §6: logs carry no IP address in clear. An address is logged as
// a keyed hash; the key is random and replaced every UTC day, so a log line
// can be linked to others of the same day and to nothing else.
import { createHmac, randomBytes } from "node:crypto";

export class AddressHasher {
  private day = "";
  private key: Uint8Array = new Uint8Array();

  constructor(private readonly now: () => number = Date.now) {}

  /** 12 hex digits that stand for `address` in today's log lines. */
  hash(address: string): string {
    const today = new Date(this.now()).toISOString().slice(0, 10);
    if (today !== this.day) {
      this.day = today;
      this.key = randomBytes(32);
    }
    return createHmac("sha256", this.key).update(address).digest("hex").slice(0, 12);
  }
}
