// A hostile receiver built on ccshare's own modules (issue 13, finding 3): it
// opens many connections to one room, runs each handshake up to the point where
// the guess would go out, holds every guess, then sends them all in one burst,
// and records what each connection saw afterwards: the messages, the close
// code and reason, and how long the answer took. Run as a script (inside a
// network namespace) it prints the result as one JSON line:
//   bun test/support/guesser.ts URL ROOM RIGHT_INDEX COUNT RIGHT_PASSPHRASE
import { decodeMessage } from "../../src/pack/cbor.ts";
import type { Channel, ChannelClose } from "../../src/net/channel.ts";
import { openWebSocketChannel } from "../../src/net/ws_channel.ts";
import { reachSharer } from "../../src/transfer/handshake.ts";

export interface GuessOutcome {
  right: boolean;
  /** The `t` of every message that arrived after the guess went out. */
  messages: string[];
  close: ChannelClose;
  /** The error the handshake ended with ("" when it was confirmed). */
  error: string;
  /** From the burst to the close. */
  ms: number;
}

/** A channel whose next send is held until release(). */
class HeldChannel implements Channel {
  held: Uint8Array | undefined;
  holding = false;
  readonly seen: string[] = [];
  private heldNow!: () => void;
  readonly heldOne = new Promise<void>((r) => (this.heldNow = r));

  constructor(private readonly inner: Channel) {}
  get closed() {
    return this.inner.closed;
  }
  get buffered() {
    return this.inner.buffered;
  }
  async send(message: Uint8Array): Promise<void> {
    if (!this.holding) return this.inner.send(message);
    this.holding = false;
    this.held = message;
    this.heldNow();
  }
  async receive(timeoutMs?: number): Promise<Uint8Array> {
    const message = await this.inner.receive(timeoutMs);
    if (this.held === undefined) return message;
    try {
      this.seen.push(String(decodeMessage(message).t));
    } catch {
      this.seen.push("(not CBOR)");
    }
    return message;
  }
  release(): Promise<void> {
    return this.inner.send(this.held!);
  }
  /** After the burst the handshake's own close is ignored: what is measured is how the sharer closes. */
  close(code?: number, reason?: string): void {
    if (this.held === undefined) this.inner.close(code, reason);
  }
  closeNow(): void {
    this.inner.close(1000, "");
  }
}

/**
 * `count` staged guesses at `url` (a join route): every one wrong except the
 * one at `rightIndex`, which uses `rightPassphrase`.
 */
export async function stagedGuesses(o: { url: string; room: string; count: number; rightIndex: number; rightPassphrase: string }): Promise<GuessOutcome[]> {
  const staged = await Promise.all(
    Array.from({ length: o.count }, async (_, i) => {
      const channel = new HeldChannel(await openWebSocketChannel(o.url, { timeoutMs: 20_000 }));
      const right = i === o.rightIndex;
      const reached = await reachSharer(channel, { room: o.room, passphrase: right ? o.rightPassphrase : `wrong guess number ${i}`, timeoutMs: 60_000 });
      channel.holding = true;
      const proved = reached.prove().then(
        () => "",
        (error: Error) => error.name,
      );
      await channel.heldOne;
      const closed = channel.closed.then((close) => ({ close, at: performance.now() }));
      return { channel, right, proved, closed };
    }),
  );
  const burst = performance.now();
  for (const s of staged) void s.channel.release().catch(() => undefined);
  return Promise.all(
    staged.map(async ({ channel, right, proved, closed }) => {
      const error = await proved;
      if (!error) channel.closeNow();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<{ close: ChannelClose; at: number }>((r) => (timer = setTimeout(() => r({ close: { code: 0, reason: "still open 10 s after its answer" }, at: NaN }), 10_000)));
      const { close, at } = await Promise.race([closed, late]);
      clearTimeout(timer);
      channel.closeNow();
      return { right, messages: channel.seen, close, error, ms: at - burst };
    }),
  );
}

if (import.meta.main) {
  const [url, room, rightIndex, count, rightPassphrase] = process.argv.slice(2);
  const outcomes = await stagedGuesses({ url: url!, room: room!, count: Number(count), rightIndex: Number(rightIndex), rightPassphrase: rightPassphrase! });
  process.stdout.write(JSON.stringify(outcomes) + "\n");
}
