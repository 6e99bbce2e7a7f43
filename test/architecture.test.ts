// The layout rules of STYLE.md and DESIGN.md §2 that a reader relies on, checked
// on the source itself: no import cycles (data flows one way), each third-party
// library imported by one file of each program (rule 2), and files that stay
// small (rule 4).
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const SRC = resolve(import.meta.dir, "../src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s(?:[^"';]*?\sfrom\s)?["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

/** Every module specifier a file imports (static, re-exports, dynamic), type-only imports included. */
function specifiers(text: string): string[] {
  return [...text.matchAll(IMPORT)].map((m) => (m[1] ?? m[2])!);
}

const files = sourceFiles(SRC);
const graph = new Map(
  files.map((file) => {
    const local = specifiers(readFileSync(file, "utf8"))
      .filter((s) => s.startsWith("."))
      .map((s) => resolve(dirname(file), s));
    return [file, local];
  }),
);

/** Every source file `entry` imports, directly or not (itself included). */
function reachable(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const next of graph.get(file) ?? []) visit(next);
  };
  visit(entry);
  return seen;
}

/** The first cycle found, as the files on it (relative to src/), or undefined. */
function findCycle(): string[] | undefined {
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const visit = (file: string): string[] | undefined => {
    if (state.get(file) === "done") return undefined;
    if (state.get(file) === "open") return [...path.slice(path.indexOf(file)), file].map((f) => relative(SRC, f));
    state.set(file, "open");
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(file, "done");
    return undefined;
  };
  for (const file of files) {
    const cycle = visit(file);
    if (cycle) return cycle;
  }
  return undefined;
}

describe("the source layout", () => {
  test("has no import cycle anywhere in src/", () => {
    expect(findCycle()).toBeUndefined();
  });

  // Per program: the CLI (src/cli.ts) and the relay's Worker (src/relay/worker.ts)
  // run in different runtimes, and crossws has an adapter for each.
  for (const entry of ["cli.ts", "relay/worker.ts"]) {
    test(`imports each third-party library from one file only in the program of ${entry} (citty and consola aside)`, () => {
      const importers = new Map<string, Set<string>>();
      for (const file of reachable(join(SRC, entry))) {
        for (const s of specifiers(readFileSync(file, "utf8"))) {
          // Runtime built-ins are not libraries: node:, bun:, and workerd's cloudflare:.
          if (s.startsWith(".") || s.startsWith("node:") || s.startsWith("bun:") || s.startsWith("cloudflare:")) continue;
          const pkg = s.startsWith("@") ? s.split("/").slice(0, 2).join("/") : s.split("/")[0]!;
          if (pkg === "citty" || pkg === "consola") continue;
          if (!importers.has(pkg)) importers.set(pkg, new Set());
          importers.get(pkg)!.add(relative(SRC, file));
        }
      }
      const shared = [...importers].filter(([, by]) => by.size > 1).map(([pkg, by]) => `${pkg}: ${[...by].sort().join(", ")}`);
      expect(shared).toEqual([]);
      expect(importers.size).toBeGreaterThan(entry === "cli.ts" ? 5 : 0);
    });
  }

  test("keeps every source file under 300 lines", () => {
    const long = files.map((f) => [relative(SRC, f), readFileSync(f, "utf8").split("\n").length - 1] as const).filter(([, n]) => n > 300);
    expect(long).toEqual([]);
  });

  test("finds the imports it checks (a graph with no edges would pass the cycle test)", () => {
    const edges = [...graph.values()].reduce((n, list) => n + list.length, 0);
    expect(edges).toBeGreaterThan(files.length);
    expect(graph.get(join(SRC, "pack/records.ts"))).toContain(join(SRC, "pack/cbor.ts"));
  });
});
