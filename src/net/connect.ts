// Finding the sharer, on the receiver's side (PROTOCOL.md §2, amended in
// docs/protocol-amendments.md): every answer for the room -- each mDNS answer
// on the LAN, and the relay -- is dialled and taken up to the sharer's CPace
// point, which costs no guess. The first answer to get there spends the guess;
// if it refuses it (a wrong passphrase, or an impostor answering for the room),
// the next is tried, until one completes the handshake or none is left. A relay
// that opens a WebSocket for a room it does not have is just an answer that
// fails before the guess (issue 13, findings 6 and 7).
import { CcshareError, PeerGoneError, WrongPassphraseError } from "../errors.ts";
import type { Channel } from "./channel.ts";
import { browse, notFoundOnLan, type Sharer } from "./lan.ts";
import { joinRoom, relayEndpoint } from "./relay_client.ts";
import { displayUrl, openWebSocketChannel } from "./ws_channel.ts";

export type Via = "lan" | "relay";

/** One place that answered for the room. */
export interface Answer {
  via: Via;
  /** host:port on the LAN, the relay's address. */
  where: string;
}

/** The handshake up to the point where the guess would go out (transfer/handshake.ts reachSharer). */
export interface Reached<S> {
  prove(): Promise<S>;
  abandon(): void;
}

export interface ConnectOptions {
  room: string;
  lan: boolean;
  relayUrl?: string;
  timeoutMs: number;
  /** An answer refused the passphrase; any other answer is tried next. */
  onRefused?: (answer: Answer) => void;
}

export interface Connection<S> {
  channel: Channel;
  via: Via;
  session: S;
  /** Answers that refused the passphrase before this one took it. */
  refused: Answer[];
}

/** At most this many LAN answers are tried: each one an impostor sends gets it one guess. */
const MAX_LAN_ANSWERS = 8;
/** Once every answer so far has refused the passphrase, more LAN answers get this long to arrive. */
const MORE_ANSWERS_MS = 1500;

/** Dial each advertised address in turn (IPv4 first) until one opens. */
export async function dialSharer(sharer: Sharer, room: string, signal?: AbortSignal): Promise<Channel> {
  let last: unknown;
  for (const address of sharer.addresses) {
    const host = address.includes(":") ? `[${address.replace("%", "%25")}]` : address;
    try {
      return await openWebSocketChannel(`ws://${host}:${sharer.port}/v1/join/${room}`, { timeoutMs: 3000, signal });
    } catch (error) {
      if (signal?.aborted) throw error;
      last = error;
    }
  }
  throw new PeerGoneError(`Found the sharer on the LAN but could not connect to it (${(last as Error)?.message ?? "no address"}); a firewall may block it. Try --relay.`, {
    cause: last,
  });
}

/** Connect by whatever is enabled, and run the handshake to the end on one answer. */
export async function connect<S>(o: ConnectOptions, reach: (channel: Channel) => Promise<Reached<S>>): Promise<Connection<S>> {
  if (!o.lan && !o.relayUrl) throw new CcshareError("Nothing to connect with: enable the LAN or give --relay.");
  const done = new AbortController();
  const lanDone = new AbortController();
  const ready: { answer: Answer; channel: Channel; reached: Reached<S> }[] = [];
  const failed: { via: Via; error: unknown; proving: boolean }[] = [];
  const refused: Answer[] = [];
  let busy = 0; // answers being dialled and reached, and the LAN search
  let wake = () => {};
  const track = (work: Promise<void>, via: Via) => {
    busy++;
    work.catch((error: unknown) => failed.push({ via, error, proving: false })).finally(() => (busy--, wake()));
  };
  const tryAnswer = (answer: Answer, dial: () => Promise<Channel>) =>
    track(
      (async () => {
        const channel = await dial();
        const reached = await reach(channel);
        if (done.signal.aborted) reached.abandon();
        else ready.push({ answer, channel, reached });
      })(),
      answer.via,
    );

  if (o.lan) {
    track(
      (async () => {
        let answers = 0;
        for await (const sharer of browse({ room: o.room, timeoutMs: o.timeoutMs, signal: AbortSignal.any([done.signal, lanDone.signal]) })) {
          tryAnswer({ via: "lan", where: `${sharer.addresses[0]}:${sharer.port}` }, () => dialSharer(sharer, o.room, done.signal));
          if (++answers === MAX_LAN_ANSWERS) break;
        }
        if (answers === 0 && !done.signal.aborted) throw notFoundOnLan(o.room, o.timeoutMs);
      })(),
      "lan",
    );
  }
  if (o.relayUrl) {
    const relayUrl = o.relayUrl;
    tryAnswer({ via: "relay", where: displayUrl(relayEndpoint(relayUrl, "")) }, () => joinRoom(relayUrl, o.room, { timeoutMs: o.timeoutMs, signal: done.signal }));
  }

  let lanTimer: ReturnType<typeof setTimeout> | undefined;
  try {
    for (;;) {
      const next = ready.shift();
      if (next) {
        try {
          return { channel: next.channel, via: next.answer.via, session: await next.reached.prove(), refused };
        } catch (error) {
          failed.push({ via: next.answer.via, error, proving: true });
          if (error instanceof WrongPassphraseError) {
            refused.push(next.answer);
            o.onRefused?.(next.answer);
          }
          continue;
        }
      }
      if (busy === 0) throw bestError(failed, refused, o.room);
      // Every answer so far refused it: a real sharer answers with the first ones,
      // so a typo waits only a little for more (a spoofer's answer comes as fast).
      if (refused.length > 0 && lanTimer === undefined) lanTimer = setTimeout(() => lanDone.abort(), MORE_ANSWERS_MS);
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    clearTimeout(lanTimer);
    done.abort();
    for (const { reached } of ready.splice(0)) reached.abandon();
  }
}

/** The one error a user reads when no answer took the passphrase. */
function bestError(failed: { via: Via; error: unknown; proving: boolean }[], refused: Answer[], room: string): unknown {
  if (refused.length > 1) {
    return new WrongPassphraseError(`Wrong passphrase: ${refused.length} answers for room ${room} refused it (or someone tampered with the connection); check the code and try again.`);
  }
  // The sharer was found and something went wrong with the guess: that is the news.
  const proving = failed.find((f) => f.proving);
  if (proving) return proving.error;
  // Otherwise the relay's answer ("no such room", unreachable) is the definite one.
  return (failed.find((f) => f.via === "relay") ?? failed.at(-1))?.error;
}
