// Isolated Linux network namespaces for tests that need real multicast (mDNS)
// and must never reach the real LAN (DESIGN.md §6). Needs root and iproute2; CI
// runs as root, so a missing capability is a loud failure, never a skip.
// Every process started inside is killed by its pid and every namespace deleted
// by destroy() or, at the latest, when the test run ends.
import { afterRun } from "./cleanup.ts";

export interface NetnsRunResult { code: number; stdout: string; stderr: string }

export interface NetnsExecOptions {
  env?: Record<string, string>;
  cwd?: string;
  /** "pipe" to write to the process (proc.stdin.write / end); default "ignore". */
  stdin?: "ignore" | "pipe";
}

export interface Netns {
  /** `ccshare-t-<random>`, as listed by `ip netns list`. */
  readonly name: string;
  /** Starts `cmd` inside the namespace with stdout and stderr piped. */
  exec(cmd: string[], o?: NetnsExecOptions): Bun.Subprocess<"ignore" | "pipe", "pipe", "pipe">;
  /** Runs `cmd` inside the namespace to completion. */
  run(cmd: string[], o?: NetnsExecOptions): Promise<NetnsRunResult>;
  /** Runs `cmd`, throwing with its stderr unless it exits 0. */
  must(cmd: string[]): Promise<string>;
  /** Kills every process inside (by pid), then deletes the namespace. Idempotent. */
  destroy(): Promise<void>;
}

const alive = new Set<Netns>();
// Under `bun test`, at the end of the run; benchmarks destroy their own.
afterRun(async () => {
  await Promise.all([...alive].map((ns) => ns.destroy()));
});

async function runOnHost(cmd: string[], o: NetnsExecOptions = {}): Promise<NetnsRunResult> {
  const proc = Bun.spawn(cmd, { env: o.env ?? (process.env as Record<string, string>), cwd: o.cwd, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

/** A fresh namespace with only `lo`, already up. */
export async function createNetns(): Promise<Netns> {
  const name = `ccshare-t-${crypto.randomUUID().slice(0, 8)}`;
  const created = await runOnHost(["ip", "netns", "add", name]).catch((error: Error) => ({ code: -1, stdout: "", stderr: error.message }));
  if (created.code !== 0) {
    throw new Error(
      `Cannot create the network namespace ${name} (\`ip netns add\` said: ${created.stderr.trim()}). ` +
        "The mDNS tests need root (or CAP_SYS_ADMIN) and iproute2; CI runs them as root.",
    );
  }
  const procs = new Set<Bun.Subprocess>();
  let destroyed: Promise<void> | undefined;
  const inside = (cmd: string[]) => ["ip", "netns", "exec", name, ...cmd];
  const ns: Netns = {
    name,
    exec(cmd, o = {}) {
      const proc = Bun.spawn(inside(cmd), {
        env: o.env ?? (process.env as Record<string, string>),
        cwd: o.cwd,
        stdin: o.stdin ?? "ignore",
        stdout: "pipe",
        stderr: "pipe",
      });
      procs.add(proc);
      proc.exited.then(() => procs.delete(proc));
      return proc;
    },
    async run(cmd, o = {}) {
      const proc = ns.exec(cmd, o);
      const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
      return { code, stdout, stderr };
    },
    async must(cmd) {
      const r = await ns.run(cmd);
      if (r.code !== 0) throw new Error(`\`${cmd.join(" ")}\` in ${name} exited ${r.code}: ${r.stderr.trim()}`);
      return r.stdout;
    },
    destroy() {
      destroyed ??= (async () => {
        for (const proc of procs) if (proc.exitCode === null) proc.kill("SIGKILL");
        // Anything our processes started inside (their children) is killed by pid too.
        const pids = await runOnHost(["ip", "netns", "pids", name]);
        for (const pid of pids.stdout.split(/\s+/).filter(Boolean).map(Number)) {
          try {
            process.kill(pid, "SIGKILL");
          } catch {
            // already gone
          }
        }
        await Promise.all([...procs].map((proc) => proc.exited));
        await runOnHost(["ip", "netns", "del", name]);
        alive.delete(ns);
      })();
      return destroyed;
    },
  };
  alive.add(ns);
  await ns.must(["ip", "link", "set", "lo", "up"]);
  return ns;
}

export interface LinkEnd { ns: Netns; iface: string; ipv4: string; ipv6LinkLocal: string }

/**
 * Joins two namespaces with a veth pair named `eth0` on both sides, addressed
 * 10.77.0.1/24 and 10.77.0.2/24 (each namespace is its own world, so fixed
 * addresses never clash), no default route: like two machines on a switch.
 * Duplicate address detection is off so that the IPv6 link-local addresses
 * are usable at once; resolves when both ends are up.
 */
export async function linkNetns(a: Netns, b: Netns): Promise<[LinkEnd, LinkEnd]> {
  await a.must(["ip", "link", "add", "eth0", "type", "veth", "peer", "name", "eth0", "netns", b.name]);
  const ends: LinkEnd[] = [];
  for (const [ns, ipv4] of [[a, "10.77.0.1"], [b, "10.77.0.2"]] as const) {
    await ns.must(["sh", "-c", "echo 0 > /proc/sys/net/ipv6/conf/eth0/accept_dad"]);
    await ns.must(["ip", "addr", "add", `${ipv4}/24`, "dev", "eth0"]);
    await ns.must(["ip", "link", "set", "eth0", "up"]);
    ends.push({ ns, iface: "eth0", ipv4, ipv6LinkLocal: "" });
  }
  const deadline = Date.now() + 5000;
  for (const end of ends) {
    while (true) {
      const link = await end.ns.must(["ip", "-o", "link", "show", "eth0"]);
      const addr = await end.ns.must(["ip", "-o", "-6", "addr", "show", "dev", "eth0", "scope", "link"]);
      const ll = /inet6 (fe80::[0-9a-f:]+)\//.exec(addr)?.[1];
      if (link.includes("LOWER_UP") && ll && !addr.includes("tentative")) {
        end.ipv6LinkLocal = ll;
        break;
      }
      if (Date.now() > deadline) throw new Error(`eth0 in ${end.ns.name} did not come up within 5 s: ${link.trim()} / ${addr.trim()}`);
      await Bun.sleep(20);
    }
  }
  return [ends[0]!, ends[1]!];
}
