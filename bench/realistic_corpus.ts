// A corpus of real text in transcript-shaped lines, for measuring the secret
// scanner: the machine's own Python sources, /usr/share/doc (compressed docs
// uncompressed), C headers and Perl modules become Read tool results,
// toolUseResult copies, prompts and answers, written as Claude Code stores
// sessions. Real code and docs are
// what false positives come from; generated text has none to find.
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { projectFolderName } from "../src/catalog/paths.ts";

export const CORPUS_ROOTS = ["/usr/lib/python3", "/usr/lib/python3.11", "/usr/lib/python3.12", "/usr/lib/python3.13", "/usr/share/doc", "/usr/include", "/usr/share/perl"];

function* walk(dir: string): Generator<string> {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return;
  }
  for (const name of names) {
    const path = join(dir, name);
    let stat;
    try {
      stat = statSync(path);
    } catch {
      continue;
    }
    if (stat.isDirectory()) yield* walk(path);
    else if (stat.isFile()) yield path;
  }
}

/** Text files under the roots, as (path, text); binaries skipped, .gz uncompressed. */
export function* realTexts(roots = CORPUS_ROOTS): Generator<{ path: string; text: string }> {
  const decoder = new TextDecoder("utf-8", { fatal: false });
  for (const root of roots) {
    for (const path of walk(root)) {
      if (root.startsWith("/usr/lib/python") && !path.endsWith(".py")) continue;
      let bytes: Uint8Array;
      try {
        bytes = readFileSync(path);
        if (path.endsWith(".gz")) bytes = gunzipSync(bytes);
      } catch {
        continue;
      }
      if (bytes.length === 0 || bytes.subarray(0, 8192).includes(0)) continue;
      yield { path, text: decoder.decode(bytes) };
    }
  }
}

export interface CorpusFile {
  path: string;
  abs: string;
  size: number;
}

/**
 * Writes sessions into configDir/projects/ until `total` bytes or the texts run
 * out, and returns their files. Deterministic for the same machine.
 */
export function writeRealisticStore(configDir: string, total: number, sessionBytes = 40 * 1024 * 1024): { files: CorpusFile[]; sources: number } {
  const cwd = "/home/alice/src/app";
  const dir = join(configDir, "projects", projectFolderName(cwd, {}));
  mkdirSync(dir, { recursive: true });
  const files: CorpusFile[] = [];
  let written = 0;
  let sources = 0;
  let n = 0;
  let fd = -1;
  let size = 0;
  let parent: string | null = null;
  let current: CorpusFile | undefined;
  const uuid = (i: number) => `00000000-0000-4000-8000-${i.toString(16).padStart(12, "0")}`;
  const open = () => {
    const id = uuid(1_000_000 + files.length);
    current = { path: `${id}.jsonl`, abs: join(dir, `${id}.jsonl`), size: 0 };
    files.push(current);
    fd = openSync(current.abs, "w");
    size = 0;
    parent = null;
  };
  const line = (o: Record<string, unknown>) => {
    const u = uuid(n++);
    const text = JSON.stringify({ parentUuid: parent, isSidechain: false, userType: "external", cwd, sessionId: current!.path.slice(0, 36), version: "2.1.215", gitBranch: "main", uuid: u, timestamp: new Date(1_780_000_000_000 + n * 1000).toISOString(), ...o }) + "\n";
    parent = u;
    writeSync(fd, text);
    size += Buffer.byteLength(text);
  };
  open();
  for (const { path, text } of realTexts()) {
    if (written + size >= total) break;
    sources++;
    const toolId = `toolu_${n.toString(36).padStart(20, "0")}`;
    const msg = `msg_${n.toString(36).padStart(24, "0")}`;
    // Long files are read in pieces, as Claude Code's Read tool pages them.
    for (let at = 0; at < text.length; at += 40_000) {
      const piece = text.slice(at, at + 40_000);
      line({ type: "assistant", message: { id: msg, type: "message", role: "assistant", model: "claude-sonnet-4-5-20250929", content: [{ type: "tool_use", id: toolId, name: "Read", input: { file_path: path, offset: at } }], stop_reason: "tool_use" } });
      line({ type: "user", message: { role: "user", content: [{ tool_use_id: toolId, type: "tool_result", content: piece }] }, toolUseResult: { type: "text", file: { filePath: path, content: piece } } });
    }
    // A paragraph of it as prose: a prompt and an answer quoting it.
    const paragraph = text.slice(0, 600);
    line({ type: "user", message: { role: "user", content: `What does ${path} do? ${paragraph.slice(0, 200)}` } });
    line({ type: "assistant", message: { id: `${msg}a`, type: "message", role: "assistant", model: "claude-sonnet-4-5-20250929", content: [{ type: "text", text: `It starts like this:\n\n${paragraph}` }], stop_reason: "end_turn" } });
    if (size >= sessionBytes) {
      closeSync(fd);
      current!.size = size;
      written += size;
      open();
    }
  }
  closeSync(fd);
  current!.size = size;
  written += size;
  return { files: files.filter((f) => f.size > 0), sources };
}
