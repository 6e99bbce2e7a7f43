// Processes for the mDNS tests: our probe (test/net/lan_probe.ts) under Bun,
// Deno or as a compiled binary, and python3-zeroconf as an independent browser.
// Each prints JSON lines; `Probe` collects them and waits for one with a deadline.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { bunPath, denoPath, lines, repoRoot } from "../support/bin.ts";
import type { Netns } from "../support/netns.ts";

export const probeSource = join(repoRoot, "test/net/lan_probe.ts");
// Debian's python, which has python3-zeroconf (not the pyenv python on PATH).
export const systemPython = "/usr/bin/python3";

export type Runtime = "bun" | "deno" | { binary: string };

const denoArgs = ["run", "-A", "--quiet"];

export function probeCommand(runtime: Runtime, args: string[]): string[] {
  if (runtime === "bun") return [bunPath, probeSource, ...args];
  if (runtime === "deno") return [denoPath, ...denoArgs, probeSource, ...args];
  return [runtime.binary, ...args];
}

export type ProbeEvent = Record<string, any> & { event: string };

/** A started process whose stdout is JSON lines. */
export class Probe {
  readonly events: ProbeEvent[] = [];
  stderr = "";
  readonly startedAt = performance.now();
  /** performance.now() at which each event arrived in this (the test) process. */
  readonly arrivedAt: number[] = [];
  private waiters = new Set<() => void>();
  readonly ended: Promise<void>;

  constructor(readonly proc: Bun.Subprocess<"ignore" | "pipe", "pipe", "pipe">, readonly what: string) {
    const out = (async () => {
      for await (const line of lines(proc.stdout)) {
        if (!line.trim()) continue;
        let event: ProbeEvent;
        try {
          event = JSON.parse(line) as ProbeEvent;
        } catch {
          event = { event: "garbage", line };
        }
        this.events.push(event);
        this.arrivedAt.push(performance.now());
        this.waiters.forEach((wake) => wake());
      }
    })();
    const err = (async () => {
      for await (const chunk of proc.stderr) this.stderr += new TextDecoder().decode(chunk);
    })();
    this.ended = Promise.all([out, err, proc.exited]).then(() => this.waiters.forEach((wake) => wake()));
  }

  /** The first event matching `match`, waiting at most `ms`; throws with everything seen. */
  async waitFor(match: (e: ProbeEvent) => boolean, ms: number, label = "the expected event"): Promise<ProbeEvent & { at: number }> {
    const deadline = performance.now() + ms;
    while (true) {
      const i = this.events.findIndex(match);
      if (i >= 0) return { ...this.events[i]!, at: this.arrivedAt[i]! - this.startedAt };
      const left = deadline - performance.now();
      if (left <= 0 || this.proc.exitCode !== null) {
        throw new Error(`${this.what}: no ${label} within ${ms} ms (exit ${this.proc.exitCode}); events ${JSON.stringify(this.events)}; stderr ${JSON.stringify(this.stderr)}`);
      }
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, left);
        this.waiters.add(wake);
      });
    }
  }

  /** Waits for the process to exit by itself within `ms`; kills it (by pid) and throws otherwise. */
  async exit(ms: number): Promise<number> {
    const timer = setTimeout(() => this.proc.kill("SIGKILL"), ms);
    const code = await this.proc.exited;
    clearTimeout(timer);
    await this.ended;
    if (this.proc.signalCode === "SIGKILL") throw new Error(`${this.what} did not exit within ${ms} ms; events ${JSON.stringify(this.events)}`);
    return code;
  }

  kill(): void {
    if (this.proc.exitCode === null) this.proc.kill("SIGKILL");
  }
}

export function startProbe(ns: Netns, args: string[], o: { runtime?: Runtime; env?: Record<string, string> } = {}): Probe {
  const runtime = o.runtime ?? "bun";
  const env = { ...(process.env as Record<string, string>), ...o.env };
  const label = typeof runtime === "string" ? runtime : "binary";
  return new Probe(ns.exec(probeCommand(runtime, args), { env, cwd: repoRoot }), `${label} probe ${args.join(" ")}`);
}

// Browses _claude-sessions._tcp with python-zeroconf on one interface address;
// prints {"event":"added",name,port,txt,addresses} and {"event":"removed",name}.
const zeroconfScript = `
import json, sys, time
from zeroconf import Zeroconf, ServiceBrowser, ServiceStateChange, IPVersion
zc = Zeroconf(interfaces=[sys.argv[1]], ip_version=IPVersion.V4Only)
def say(o): print(json.dumps(o), flush=True)
def on_change(zeroconf, service_type, name, state_change):
    if state_change is ServiceStateChange.Removed:
        say({"event": "removed", "name": name}); return
    info = zeroconf.get_service_info(service_type, name, 3000)
    if info is None:
        say({"event": "unresolved", "name": name}); return
    txt = {k.decode(): (v or b"").decode() for k, v in info.properties.items()}
    say({"event": state_change.name.lower(), "name": name, "port": info.port, "txt": txt, "addresses": info.parsed_addresses()})
ServiceBrowser(zc, "_claude-sessions._tcp.local.", handlers=[on_change])
say({"event": "browsing"})
time.sleep(float(sys.argv[2]))
zc.close()
`;

export function requireZeroconf(): void {
  if (!existsSync("/usr/lib/python3/dist-packages/zeroconf/__init__.py")) {
    throw new Error("python3-zeroconf is missing: `apt-get install -y python3-zeroconf` (CI's .ci/run installs it).");
  }
}

export function startZeroconf(ns: Netns, address: string, seconds = 20): Probe {
  requireZeroconf();
  return new Probe(ns.exec([systemPython, "-c", zeroconfScript, address, String(seconds)]), `python3-zeroconf on ${address}`);
}

// avahi-browse talks to avahi-daemon over the D-Bus system bus, so both run
// inside the namespace; `ip netns exec` gives each command its own mount
// namespace, so a tmpfs over /run hides the host's bus and pid files. The daemon
// ignores loopback: this needs a namespace with a real link (linkNetns).
const avahiScript = `
set -e
mount -t tmpfs tmpfs /run
mkdir -p /run/dbus /run/avahi-daemon
dbus-daemon --system --nofork --nopidfile --nosyslog 2>/dev/null & BUS=$!
AVAHI=
trap 'kill $BUS $AVAHI 2>/dev/null || true' EXIT
trap 'exit 124' INT TERM
i=0; until [ -S /run/dbus/system_bus_socket ]; do i=$((i+1)); [ $i -lt 250 ] || exit 3; sleep 0.02; done
printf '[server]\\nuse-ipv6=no\\nallow-interfaces=%s\\nenable-dbus=yes\\n[publish]\\ndisable-publishing=yes\\n' "$1" > /run/avahi.conf
avahi-daemon --no-chroot --no-drop-root --no-rlimits --no-proc-title -f /run/avahi.conf 2>/run/avahi.log & AVAHI=$!
i=0; until avahi-browse -pt _nothing._tcp >/dev/null 2>&1; do i=$((i+1)); [ $i -lt 250 ] || { cat /run/avahi.log >&2; exit 4; }; sleep 0.02; done
avahi-browse -rpt _claude-sessions._tcp
`;

/** Runs `avahi-browse -rpt _claude-sessions._tcp` inside `ns` on `iface`; its stdout (one `=;...` line per resolved service). */
export async function avahiBrowse(ns: Netns, iface: string): Promise<{ code: number; stdout: string; stderr: string }> {
  for (const tool of ["/usr/bin/avahi-browse", "/usr/sbin/avahi-daemon", "/usr/bin/dbus-daemon"]) {
    if (!existsSync(tool)) throw new Error(`${tool} is missing: \`apt-get install -y avahi-utils avahi-daemon dbus\` (CI's .ci/run installs them).`);
  }
  return await ns.run(["timeout", "20", "sh", "-c", avahiScript, "avahi", iface]);
}

/** A room code in the shape of PROTOCOL.md §1 (Crockford base32), fresh per test. */
export function freshRoom(): string {
  const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  return Array.from(crypto.getRandomValues(new Uint8Array(6)), (b) => alphabet[b % 32]).join("");
}
