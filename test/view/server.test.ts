// `ccshare view` as a server, run as the compiled binary: who it answers
// (the token in the path and a loopback Host, or 4xx), where it listens
// (loopback only), and how it starts, opens a browser and stops.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import { writeRichSession, type RichSession } from "../fixtures/rich_session.ts";
import { isolatedEnv, lines, requireBinary, run, start } from "../support/bin.ts";
import { startView, stopView, type RunningView } from "./_browser.ts";

setDefaultTimeout(60_000);

let view: RunningView | undefined;
let rich: RichSession;
let env: Record<string, string>;
let home: string;

beforeAll(async () => {
  const own = isolatedEnv();
  ({ env, home } = own);
  rich = writeRichSession(own.configDir);
  view = await startView(env);
});

afterAll(() => stopView(view));

/** A raw GET with any Host header (fetch will not send a foreign one). */
function get(o: { path: string; host?: string; method?: string; address?: string }): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: o.address ?? "127.0.0.1", port: view!.port, path: o.path, method: o.method ?? "GET", headers: o.host === undefined ? {} : { host: o.host } }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (c) => (body += c)).on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

const base = () => new URL(view!.url).pathname;

describe("who the viewer answers", () => {
  test("answers the printed address, with a strict CSP and no caching", async () => {
    const r = await get({ path: `${base()}s/${rich.id}` });
    expect(r.status).toBe(200);
    expect(r.headers["content-security-policy"]).toBe("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
    expect(r.headers["x-content-type-options"]).toBe("nosniff");
    expect(r.headers["cache-control"]).toBe("no-store");
    expect(r.headers["referrer-policy"]).toBe("no-referrer");
  });

  test("refuses a request without the token, or with a wrong one (403)", async () => {
    const token = base().split("/")[1]!;
    const wrong = token.slice(0, -1) + (token.endsWith("A") ? "B" : "A");
    for (const path of ["/", `/s/${rich.id}`, "/assets/viewer.js", `/${wrong}/`, `/${wrong}/s/${rich.id}`, `/${token.slice(0, 10)}/`, `/${token}x/`]) {
      const r = await get({ path });
      expect([path, r.status]).toEqual([path, 403]);
      expect(r.body).not.toContain(rich.title);
    }
  });

  test("refuses a foreign Host header, as a DNS-rebinding page would send (403)", async () => {
    for (const host of ["evil.example", `evil.example:${view!.port}`, `127.0.0.1.evil.example:${view!.port}`, "127.0.0.1", `127.0.0.1:${view!.port + 1}`]) {
      const r = await get({ path: `${base()}s/${rich.id}`, host });
      expect([host, r.status]).toEqual([host, 403]);
      expect(r.body).not.toContain(rich.title);
    }
    expect((await get({ path: base(), host: `localhost:${view!.port}` })).status).toBe(200);
  });

  test("is read-only, and serves no path it did not make", async () => {
    expect((await get({ path: base(), method: "POST" })).status).toBe(405);
    expect((await get({ path: base(), method: "DELETE" })).status).toBe(405);
    for (const path of ["s/../../../etc/passwd", "s/%2e%2e/%2e%2e/etc/passwd", `s/${rich.id}/agent/..%2f..%2fetc`, `s/${rich.id}/agent/not-a-subagent`, "s/00000000-0000-4000-8000-000000000000", "nothing"]) {
      const r = await get({ path: `${base()}${path}` });
      // Dot segments climb out of the token's path, so those meet the token check (403); the rest are not found.
      expect([path, r.status]).toEqual([path, /^s\/(\.\.|%2e%2e)\//.test(path) ? 403 : 404]);
      expect(r.body).not.toContain("root:");
    }
    expect((await get({ path: `${base()}s/${rich.id}/agent/${rich.agentId}` })).body).toContain("rich-subagent-answer");
  });

  test("listens on loopback only", async () => {
    const others = Object.values(networkInterfaces()).flat().filter((a) => a && a.family === "IPv4" && !a.internal).map((a) => a!.address);
    for (const address of others) await expect(get({ path: base(), address })).rejects.toThrow();
    expect(new URL(view!.url).hostname).toBe("127.0.0.1");
  });
});

describe("running the viewer", () => {
  test("--json prints the ready event with the address, then stopped on SIGINT, and exits 0", async () => {
    const proc = start([requireBinary(), "view", rich.id.slice(0, 8), "--no-open", "--json"], { env });
    const events = lines(proc.stdout);
    const ready = JSON.parse((await events.next()).value!) as { event: string; url: string; port: number };
    expect(Object.keys(ready)).toEqual(["event", "url", "port"]);
    expect(ready.event).toBe("ready");
    expect(ready.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${ready.port}/[A-Za-z0-9_-]{43}/s/${rich.id}$`));
    expect((await fetch(ready.url)).status).toBe(200);
    proc.kill("SIGINT");
    expect(JSON.parse((await events.next()).value!)).toEqual({ event: "stopped", signal: "SIGINT" });
    expect(await proc.exited).toBe(0);
  });

  test("opens the default browser on the address it prints, and minds none being there", async () => {
    const bin = join(home, "bin");
    const opened = join(home, "opened.txt");
    await run(["mkdir", "-p", bin]);
    writeFileSync(join(bin, "xdg-open"), `#!/bin/sh\nprintf '%s' "$1" > ${opened}\n`);
    chmodSync(join(bin, "xdg-open"), 0o755);
    const proc = start([requireBinary(), "view", "--json"], { env: { ...env, PATH: `${bin}:${env.PATH}` } });
    const ready = JSON.parse((await lines(proc.stdout).next()).value!);
    for (let i = 0; i < 100 && !existsSync(opened); i++) await Bun.sleep(50); // the opener runs detached: poll its file
    expect(readFileSync(opened, "utf8")).toBe(ready.url);
    proc.kill("SIGTERM");
    expect(await proc.exited).toBe(0);
    const none = start([requireBinary(), "view"], { env: { ...env, PATH: "/nonexistent" } });
    expect((await lines(none.stdout).next()).value).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    none.kill("SIGTERM");
    expect(await none.exited).toBe(0);
    expect(await new Response(none.stderr).text()).toContain("open the address above");
  });

  test("--port takes a port; a taken one is one clear sentence and exit 1", async () => {
    const taken = await run([requireBinary(), "view", "--no-open", "--port", String(view!.port)], { env });
    expect(taken.code).toBe(1);
    expect(taken.stderr).toBe(`ccshare: Port ${view!.port} is in use; choose another with --port, or leave --port out for a free one.\n`);
    expect((await run([requireBinary(), "view", "--port", "http"], { env })).code).toBe(2);
    expect((await run([requireBinary(), "view", "abcdef12"], { env })).code).toBe(1);
  });
});
