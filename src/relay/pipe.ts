// A pipe glues a receiver's socket to the sharer's pipe socket for it
// (PROTOCOL.md §6), like croc's relay: an io.Copy both ways. It forwards
// binary messages unchanged, in order, injects nothing, and never parses them.
// It ends as a whole: when either end closes, the other is closed with the
// same code, so the peer learns why (e.g. 4010 "peer too slow").
//
// Its state is the two ends' parts (relay/sockets.ts), updated with every
// message, so a pipe carries on after a Durable Object hibernates.
import { CloseCode, type ChannelClose } from "../net/channel.ts";
import type { RelayLimits } from "./limits.ts";
import type { RelaySocket, RoomEvent, SocketPart } from "./sockets.ts";

export type PipeEnd = RelaySocket & { readonly part: Extract<SocketPart, { role: "pipe" }> };

export function isPipeEnd(socket: RelaySocket): socket is PipeEnd {
  return socket.part?.role === "pipe";
}

/**
 * Make `receiver` (waiting as `id`) and `sharer` the two ends of one pipe, and
 * pass on what the receiver sent while it waited; `failed` is the close to
 * end the pipe with when that could not pass.
 */
export function gluePipe(receiver: RelaySocket, sharer: RelaySocket, early: Uint8Array[], room: string, id: string, limits: RelayLimits, now: number): { ends: [PipeEnd, PipeEnd]; failed?: ChannelClose } {
  const part = (end: "receiver" | "sharer") => ({ role: "pipe", room, id, end, startedAt: now, lastActivity: now, sent: 0, unanswered: 0 }) as const;
  receiver.keep(part("receiver"));
  sharer.keep(part("sharer"));
  const ends: [PipeEnd, PipeEnd] = [receiver as PipeEnd, sharer as PipeEnd];
  for (const message of early) {
    const failed = forward(ends[0], ends[1], message, limits, now);
    if (failed) return { ends, failed };
  }
  return { ends };
}

/**
 * Pass one message from one end to the other; the close to end the pipe
 * with when it may not pass. Nothing is ever dropped: a message either
 * arrives or the pipe ends with a code (DESIGN.md §4).
 */
export function forward(from: PipeEnd, to: PipeEnd, message: Uint8Array | string, limits: RelayLimits, now: number): ChannelClose | undefined {
  if (typeof message === "string") return { code: CloseCode.unsupportedData, reason: "binary messages only" };
  if (message.byteLength > limits.maxMessageBytes) return { code: CloseCode.tooBig, reason: "message too big" };
  // Anything an end says answers what was sent to it: an honest receiver
  // grants credit as it reads (§5), so only an end that stopped reading lets
  // this grow. workerd shows no send buffer; this count is the bound there.
  if (to.part.unanswered + message.byteLength > limits.maxInFlightBytes) return { code: CloseCode.tooSlow, reason: "peer too slow: it stopped reading" };
  from.keep({ ...from.part, sent: from.part.sent + message.byteLength, unanswered: 0, lastActivity: now });
  to.keep({ ...to.part, unanswered: to.part.unanswered + message.byteLength, lastActivity: now });
  // send() refuses (having closed `to` with 4010) rather than buffer past the
  // platform's cap: the whole pipe ends.
  if (!to.send(message)) return { code: CloseCode.tooSlow, reason: "peer too slow: send buffer full" };
  return undefined;
}

/** Close both ends with `close` (`b` is gone when its end already closed) and say what the pipe did. */
export function endPipe(a: PipeEnd, b: PipeEnd | undefined, close: ChannelClose, now: number): Extract<RoomEvent, { event: "pipe-closed" }> {
  const { room, startedAt } = a.part;
  const bytes = a.part.sent + (b?.part.sent ?? 0);
  for (const end of [a, b]) {
    if (!end) continue;
    end.keep({ role: "done" });
    end.close(close.code, close.reason);
  }
  return { event: "pipe-closed", room, seconds: (now - startedAt) / 1000, bytes, code: close.code, reason: close.reason };
}
