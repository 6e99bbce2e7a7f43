// Issue 13: a relay reached over ws:// from another machine is warned about,
// one on this machine is not (a test relay, or a TLS proxy in front of it).
import { describe, expect, test } from "bun:test";
import { cleartextRelayWarning } from "../../src/net/relay_url.ts";
import { requireBinary, run, isolatedEnv } from "../support/bin.ts";

describe("a relay without TLS", () => {
  for (const url of ["ws://relay.example.com", "http://relay.example.com:8080/ccshare", "ws://10.0.0.7:8080", "ws://[fe80::1]:8080", "ws://127.example.com"]) {
    test(`${url} is warned about`, () => expect(cleartextRelayWarning(url)).toMatch(/over ws:\/\/, without TLS: anyone on the way sees the room code/));
  }
  for (const url of ["wss://relay.example.com", "https://relay.example.com", "relay.example.com", "ws://127.0.0.1:8080", "ws://127.3.2.1", "ws://localhost:8080", "ws://[::1]:8080", "http://localhost"]) {
    test(`${url} is not`, () => expect(cleartextRelayWarning(url)).toBeUndefined());
  }

  test("the binary warns on receive and share, before connecting, and not for a relay on this machine", async () => {
    const { env } = isolatedEnv();
    const far = await run([requireBinary(), "receive", "--no-lan", "--relay", "ws://10.255.255.1:9", "--timeout", "1", "ZZZZZZ-any-words-here", "--yes"], { env });
    expect(far.code).toBe(1);
    expect(far.stderr).toContain("The relay 10.255.255.1:9 is reached over ws://, without TLS");
    const near = await run([requireBinary(), "receive", "--no-lan", "--relay", "ws://127.0.0.1:9", "--timeout", "1", "ZZZZZZ-any-words-here", "--yes"], { env });
    expect(near.code).toBe(1);
    expect(near.stderr).not.toContain("without TLS");
    const share = await run([requireBinary(), "share", "--no-lan", "--relay", "ws://10.255.255.1:9", "--all", "--yes", "--passphrase", "x y z w"], { env });
    expect(share.stderr).toContain("is reached over ws://, without TLS");
  }, 60_000);
});
