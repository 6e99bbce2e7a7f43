import { describe, expect, test } from "bun:test";
import { findSession } from "../../src/catalog/catalog.ts";
import { AmbiguousSessionError, SessionNotFoundError, UsageError } from "../../src/errors.ts";
import { writeSession } from "../fixtures/store.ts";
import { tempHome } from "./_env.ts";


describe("finding one session", () => {
  const { configDir, env } = tempHome();
  // Two ids that share their first characters, and one that does not.
  const a = writeSession(configDir, { era: "2.1", cwd: "/home/alice/src/app", id: "3f2a9c4e-8b1d-4c6e-9a7f-2d5e8c1b4a90" });
  const b = writeSession(configDir, { era: "2.0", cwd: "/home/alice/src/cli", id: "3f2a1111-8b1d-4c6e-9a7f-2d5e8c1b4a91" });
  const c = writeSession(configDir, { era: "1.0", cwd: "/Users/alice/src/legacy", id: "77777777-8b1d-4c6e-9a7f-2d5e8c1b4a92" });

  test("by its full id", async () => {
    expect((await findSession(a.id, env)).title).toBe(a.title);
  });

  test("by a unique prefix, in any case", async () => {
    expect((await findSession("3f2a9", env)).id).toBe(a.id);
    expect((await findSession("3F2A1", env)).id).toBe(b.id);
    expect((await findSession("7", env)).id).toBe(c.id);
  });

  test("an unknown id is a clear error", async () => {
    const error = await findSession("abcdef", env).catch((e) => e);
    expect(error).toBeInstanceOf(SessionNotFoundError);
    expect(error.message).toContain("ccshare list");
  });

  test("an ambiguous prefix lists the candidates", async () => {
    const error = await findSession("3f2a", env).catch((e) => e);
    expect(error).toBeInstanceOf(AmbiguousSessionError);
    expect(error.message).toContain(a.id);
    expect(error.message).toContain(b.id);
    expect(error.message).toContain(b.title);
    expect(error.message).not.toContain(c.id);
  });

  test("something that is not an id is a usage error", async () => {
    expect(await findSession("../etc", env).catch((e) => e)).toBeInstanceOf(UsageError);
    expect(await findSession("", env).catch((e) => e)).toBeInstanceOf(UsageError);
  });
});
