// The receiver-to-sharer direction, read in the background while the sharer
// streams: `credit` records feed the CreditWindow at once; `want` and `result`
// wait in a queue for the pipeline to take (PROTOCOL.md §4, §5).
import { PeerGoneError, ProtocolError, TimeoutError } from "../errors.ts";
import type { Channel, CreditWindow } from "../net/channel.ts";
import { decodeRecord, type Record } from "../pack/records.ts";

interface ReverseOpener {
  openReverse(message: Uint8Array): Promise<Uint8Array>;
}

type Kind = "want" | "result";
type Of<K extends Kind> = Extract<Record, { k: K }>;

export class ReverseStream {
  private queue: Record[] = [];
  private failure: Error | undefined;
  private wake: (() => void) | undefined;
  private stopped = false;

  constructor(
    private readonly channel: Channel,
    private readonly session: ReverseOpener,
    private readonly credit: CreditWindow,
  ) {
    void this.pump();
  }

  private async pump(): Promise<void> {
    try {
      while (!this.stopped) {
        const message = await this.channel.receive();
        const record = decodeRecord(await this.session.openReverse(message));
        if (record.k === "credit") {
          // A peer granting absurd credit could make us buffer without bound. n = 0
          // is a keep-alive while a person picks sessions (a relay closes idle pipes).
          if (record.n > 1024) throw new ProtocolError(`The receiver granted ${record.n} credits; expected at most 1024.`);
          this.credit.grant(record.n);
        } else if (record.k === "want" || record.k === "result") {
          this.queue.push(record);
        } else {
          throw new ProtocolError(`The receiver sent a "${record.k}" record, which only a sharer may send.`);
        }
        this.notify();
      }
    } catch (error) {
      this.failure = error instanceof Error ? error : new Error(String(error));
      this.credit.fail(this.failure);
      this.notify();
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /** The next `want` or `result` record; anything else first is a protocol error. */
  async next<K extends Kind>(kind: K, timeoutMs: number): Promise<Of<K>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const record = this.queue.shift();
      if (record) {
        if (record.k !== kind) throw new ProtocolError(`Expected the receiver's "${kind}", got "${record.k}".`);
        return record as Of<K>;
      }
      if (this.failure) {
        if (this.failure instanceof PeerGoneError && kind === "result") {
          throw new PeerGoneError("The receiver went away before confirming the install.", { cause: this.failure });
        }
        throw this.failure;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new TimeoutError(`The receiver did not answer for ${Math.round(timeoutMs / 1000)} s; giving up.`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  stop(): void {
    this.stopped = true;
  }
}
