// The first prompt of a session, by Claude Code's own picker rules
// (SESSIONS-FORMAT.md "Catalog fields": first prompt).

const MAX_PROMPT = 200;
/** Text Claude Code wrote on the user's behalf: `<command-name>`, `<local-command-stdout>`, ... */
const LOOKS_LIKE_TAG = /^<[A-Za-z][\w:-]*(\s[^>]*)?>/;
const COMMAND_NAME = /<command-name>([^<]*)<\/command-name>/;

/** Whitespace runs become one space, trimmed, cut at 200 characters without splitting a surrogate pair. */
export function flattenPrompt(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= MAX_PROMPT) return flat;
  const end = /[\uD800-\uDBFF]/.test(flat[MAX_PROMPT - 1]!) ? MAX_PROMPT - 1 : MAX_PROMPT;
  return flat.slice(0, end);
}

export interface PromptPick {
  /** The prompt, flattened and cut; "" when this line holds none. */
  prompt: string;
  /** A `<command-name>` seen on the way, used when no real prompt is ever found. */
  command: string;
}

/** Looks at one user message's content (string or blocks) for a prompt a person typed. */
export function pickPrompt(content: unknown): PromptPick {
  const texts = typeof content === "string"
    ? [content]
    : Array.isArray(content)
      ? content.filter((b) => b?.type === "text" && typeof b.text === "string").map((b) => b.text as string)
      : [];
  let command = "";
  for (const text of texts) {
    const trimmed = text.trim();
    if (!trimmed) continue;
    if (LOOKS_LIKE_TAG.test(trimmed)) {
      command ||= COMMAND_NAME.exec(trimmed)?.[1]?.trim() ?? "";
      continue;
    }
    if (trimmed.startsWith("[Request interrupted by user")) continue;
    return { prompt: flattenPrompt(trimmed), command };
  }
  return { prompt: "", command };
}
