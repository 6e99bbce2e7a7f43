// `ccshare relay` as a user meets it: the binary, its help and its usage errors.
import { describe, expect, test } from "bun:test";
import { startRelay } from "../../src/relay/server.ts";
import { isolatedEnv, requireBinary, run } from "../support/bin.ts";

describe("ccshare relay", () => {
  test("--help lists every limit and shows examples", async () => {
    const { code, stdout } = await run([requireBinary(), "relay", "--help"], { env: isolatedEnv().env });
    expect(code).toBe(0);
    for (const flag of ["--host", "--port", "--max-rooms", "--room-ttl", "--max-waiting", "--join-rate", "--max-message", "--max-buffered", "--max-in-flight", "--idle-timeout", "--handshake-timeout", "--json"]) {
      expect(stdout).toContain(flag);
    }
    expect(stdout).toContain("EXAMPLES");
  });

  test("a malformed limit is a usage error (exit 2) that names the flag", async () => {
    const { code, stderr } = await run([requireBinary(), "relay", "--port", "0", "--room-ttl", "soon"], { env: isolatedEnv().env });
    expect(code).toBe(2);
    expect(stderr).toContain("--room-ttl expects a positive number");
  });

  test("a port out of range is a usage error", async () => {
    const { code, stderr } = await run([requireBinary(), "relay", "--port", "70000"], { env: isolatedEnv().env });
    expect(code).toBe(2);
    expect(stderr).toContain("--port expects a whole number 0-65535");
  });

  test("a port already in use is reported in one sentence with exit 1", async () => {
    const first = await startRelay();
    try {
      const { code, stderr } = await run([requireBinary(), "relay", "--host", "127.0.0.1", "--port", String(first.port)], { env: isolatedEnv().env });
      expect(code).toBe(1);
      expect(stderr).toContain(`Could not listen on 127.0.0.1:${first.port}`);
    } finally {
      await first.stop();
    }
  });
});
