// The sharer's view of the receiver-to-sharer direction (PROTOCOL.md §4, §5).
import { describe, expect, test } from "bun:test";
import { ProtocolError } from "../../src/errors.ts";
import { CreditWindow, memoryChannelPair } from "../../src/net/channel.ts";
import { encodeRecord } from "../../src/pack/records.ts";
import { ReverseStream } from "../../src/transfer/reverse_stream.ts";

// The records' sealing is tested with the handshake; here they travel in clear.
const clear = { openReverse: async (message: Uint8Array) => message };

describe("the receiver's messages to the sharer", () => {
  test("a credit of 0 is a keep-alive: it grants nothing, and the next want still arrives", async () => {
    const [sharer, receiver] = memoryChannelPair();
    const credit = new CreditWindow(0);
    const replies = new ReverseStream(sharer, clear, credit);
    await receiver.send(encodeRecord({ k: "credit", n: 0 }));
    await receiver.send(encodeRecord({ k: "credit", n: 3 }));
    await receiver.send(encodeRecord({ k: "want", ids: [] }));
    expect(await replies.next("want", 5000)).toEqual({ k: "want", ids: [] });
    expect(credit.available).toBe(3);
    replies.stop();
    sharer.close();
  });

  test("hostile: a receiver granting more than 1024 credits at once is refused", async () => {
    const [sharer, receiver] = memoryChannelPair();
    const replies = new ReverseStream(sharer, clear, new CreditWindow(0));
    await receiver.send(encodeRecord({ k: "credit", n: 5000 }));
    await expect(replies.next("want", 5000)).rejects.toBeInstanceOf(ProtocolError);
    sharer.close();
  });

  test("hostile: a receiver sending a sharer's record kind is refused", async () => {
    const [sharer, receiver] = memoryChannelPair();
    const replies = new ReverseStream(sharer, clear, new CreditWindow(0));
    await receiver.send(encodeRecord({ k: "done" }));
    await expect(replies.next("want", 5000)).rejects.toBeInstanceOf(ProtocolError);
    sharer.close();
  });
});
