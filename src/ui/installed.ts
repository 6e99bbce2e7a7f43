// How a receive or an import ends: what was installed and what to run next.
// A few sessions get one `claude --resume` line each; many (a whole store)
// get a count per project they came from and the `ccshare list` that shows
// them (issue 18), while --json keeps every id and resume line.
import type { InstallResult } from "../install/install.ts";
import { resumeCommand } from "../install/resume_command.ts";
import type { CatalogSession } from "../pack/records.ts";
import { printJson } from "./json_lines.ts";
import { log } from "./log.ts";
import { shellWord } from "../text/shell_word.ts";
import { stripEscapes } from "./terminal_text.ts";
import { plural } from "./format.ts";

/** Above this many sessions, a summary instead of one resume line each. */
export const MAX_RESUME_LINES = 5;


export function reportInstalled(install: InstallResult | undefined, catalog: readonly CatalogSession[], o: { json: boolean }): void {
  const installed = (install?.installed ?? []).map((i) => ({ ...i, resume: resumeCommand(install!.target, i.newId ?? i.id) }));
  const skipped = install?.skipped ?? [];
  if (o.json) {
    printJson({ event: "installed", target: install?.target, folder: install?.folder, sessions: installed, skipped });
    return;
  }
  for (const s of skipped) log.info(`Skipped ${stripEscapes(s.id)}: ${s.reason}`);
  // Never silent about a session here that was changed, or one that could not be (issue 12 §3).
  for (const i of installed) {
    if (i.updated) log.info(`Updated ${i.id} in place: it continues the copy this machine had.`);
    if (i.newId) log.warn(`${i.id} is already here and both sides continued it: installed as a fork, ${i.newId}; the one here is unchanged.`);
  }
  if (installed.length === 0) return;
  if (installed.length <= MAX_RESUME_LINES) {
    log.success(`Installed ${plural(installed.length, "session")}. To continue:`);
    for (const i of installed) process.stdout.write(`  ${i.resume}\n`);
    return;
  }
  const byId = new Map(catalog.map((c) => [c.id, c]));
  const projects = new Map<string, number>();
  for (const i of installed) {
    const from = byId.get(i.id)?.project ?? "?";
    projects.set(from, (projects.get(from) ?? 0) + 1);
  }
  const newest = [...installed].sort((a, b) => (byId.get(b.id)?.modified ?? "").localeCompare(byId.get(a.id)?.modified ?? ""))[0]!;
  log.success(`Installed ${plural(installed.length, "session")} for ${install!.target}, from ${plural(projects.size, "project")}:`);
  const counts = [...projects].sort((a, b) => b[1] - a[1]);
  const width = String(counts[0]![1]).length;
  for (const [project, n] of counts.slice(0, 10)) process.stdout.write(`  ${String(n).padStart(width)}  from ${stripEscapes(project)}\n`);
  if (counts.length > 10) process.stdout.write(`  ${" ".repeat(width)}  and ${plural(counts.length - 10, "more project")}\n`);
  process.stdout.write(`To see them:           ccshare list --project ${shellWord(install!.target)}\n`);
  process.stdout.write(`To continue the newest: ${newest.resume}\n`);
}
