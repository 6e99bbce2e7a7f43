// Redacting one JSON line or run of text: the line stays valid JSON whatever
// escapes the secret sat behind, identifiers stay byte for byte, thinking
// blocks are never edited (replaced whole when they hold a secret), and every
// placeholder says what it is.
import { describe, expect, test } from "bun:test";
import { placeholder, thinkingRemoved } from "../../src/redact/placeholder.ts";
import { ruleSet } from "../../src/redact/rule.ts";
import { redactSegment, redactText } from "../../src/redact/segment.ts";
import { credentials } from "../fixtures/secrets.ts";

const set = ruleSet();
const byRule = (rule: string) => credentials().find((c) => c.rule === rule)!;
const github = byRule("github-pat").value;
const pem = byRule("private-key").value;
const utf8 = (s: string) => new TextEncoder().encode(s);
const decoded = (b: Uint8Array | undefined) => new TextDecoder().decode(b);

function json(line: object): { out: Record<string, any>; text: string; found: string[] } {
  const r = redactSegment(utf8(JSON.stringify(line)), "json", set, set.rules);
  const text = decoded(r.bytes);
  return { out: JSON.parse(text), text, found: r.found.map((f) => f.rule) };
}

const header = { parentUuid: "a1f4c2d0-1111-4a2b-8c3d-000000000001", isSidechain: false, uuid: "b7e2d1c0-2222-4b3c-9d4e-000000000002", sessionId: "3f2a9c4e-8b1d-4c6e-9a7f-2d5e8c1b4a90", timestamp: "2026-07-19T10:00:00.000Z", cwd: "/home/alice/src/app" };

describe("a JSON line", () => {
  test("a secret in a prompt becomes the placeholder, and the rest of the line is unchanged", () => {
    const line = { ...header, type: "user", message: { role: "user", content: `use ${github} please` } };
    const { out, found } = json(line);
    expect(found).toEqual(["github-pat"]);
    expect(out).toEqual({ ...line, message: { role: "user", content: `use ${placeholder("github-pat")} please` } });
    expect(placeholder("github-pat")).toBe("[REDACTED:github-pat — removed before sharing; ask the sender or re-derive it]");
  });

  test("a PEM key whose newlines are JSON escapes, and JSON inside a JSON string, are redacted and the line stays valid", () => {
    const config = JSON.stringify({ key: pem, token: github }, null, 2);
    const line = { ...header, type: "user", message: { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: config }] }, toolUseResult: { stdout: config, stderr: "" } };
    const { out, text, found } = json(line);
    expect(found.sort()).toEqual(["github-pat", "github-pat", "private-key", "private-key"]);
    for (const form of [pem, JSON.stringify(pem).slice(1, -1), github]) expect(text).not.toContain(form);
    expect(JSON.parse(out.toolUseResult.stdout)).toEqual({ key: placeholder("private-key"), token: placeholder("github-pat") });
  });

  test("uuid, parentUuid, sessionId, cwd and tool ids are never edited", () => {
    const line = { ...header, type: "assistant", message: { id: "msg_01", role: "assistant", content: [{ type: "tool_use", id: "toolu_01", name: "Bash", input: { command: `curl -H "Authorization: Bearer ${"A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6"}" https://x.example` } }] } };
    const { out } = json(line);
    for (const key of Object.keys(header)) expect(out[key]).toBe((header as Record<string, unknown>)[key]);
    expect(out.message.content[0].id).toBe("toolu_01");
    expect(out.message.content[0].input.command).toContain(placeholder("curl-auth-header"));
  });

  test("a thinking block that holds a secret is replaced whole by a text block saying so", () => {
    const line = { ...header, type: "assistant", message: { id: "msg_02", role: "assistant", content: [{ type: "thinking", thinking: `they pasted ${github}`, signature: "EqQBCkYIBRgCKkBsig" }, { type: "text", text: "Done." }] } };
    const { out, found, text } = json(line);
    expect(found).toEqual(["github-pat"]);
    expect(out.message.content).toEqual([{ type: "text", text: thinkingRemoved(["github-pat"]) }, { type: "text", text: "Done." }]);
    expect(text).not.toContain("EqQBCkYIBRgCKkBsig");
  });

  test("a thinking block without a secret is left byte for byte, signature included", () => {
    const line = { ...header, type: "assistant", message: { content: [{ type: "thinking", thinking: "Let me think.", signature: `sig-${github}` }, { type: "text", text: github }] } };
    const { out } = json(line);
    expect(out.message.content[0]).toEqual(line.message.content[0]);
    expect(out.message.content[1].text).toBe(placeholder("github-pat"));
  });

  test("a line that is not JSON (torn by a crash) is redacted as text", () => {
    const torn = `{"type":"user","message":{"content":"token ${github} and then the line was cut`;
    const r = redactSegment(utf8(torn), "json", set, set.rules);
    expect(decoded(r.bytes)).toBe(`{"type":"user","message":{"content":"token ${placeholder("github-pat")} and then the line was cut`);
  });

  test("nothing found means no replacement at all", () => {
    expect(redactSegment(utf8(JSON.stringify({ ...header, type: "user", message: { content: "hello" } })), "json", set, set.rules)).toEqual({ bytes: undefined, found: [], thinkingBlocks: 0 });
  });
});

describe("text", () => {
  test("bytes that are not UTF-8 around a secret pass through untouched", () => {
    const bytes = new Uint8Array([0xff, 0xfe, 0x20, ...utf8(github), 0x20, 0xc3, 0x28, 0x0a]);
    const r = redactSegment(bytes, "text", set, set.rules);
    expect([...r.bytes!]).toEqual([0xff, 0xfe, 0x20, ...utf8(placeholder("github-pat")), 0x20, 0xc3, 0x28, 0x0a]);
  });

  test("a multi-line PEM key in a tool-results file is one value", () => {
    const r = redactSegment(utf8(`key:\n${pem}\nend\n`), "text", set, set.rules);
    expect(decoded(r.bytes)).toBe(`key:\n${placeholder("private-key")}\nend\n`);
    expect(r.found.map((f) => f.preview)).toEqual(["-----BEGIN RSA PRIVATE KEY-----…"]);
  });

  test("titles and prompts shown to the receiver are redacted too", () => {
    expect(redactText(`Rotate ${github}`, set)).toBe(`Rotate ${placeholder("github-pat")}`);
  });
});

test("previews never hold more than a few characters of a secret", () => {
  const r = redactSegment(utf8(credentials().map((c) => c.inContext).join("\n")), "text", set, set.rules);
  for (const f of r.found) {
    const shown = f.preview.replace("…", "");
    expect(shown.length).toBeLessThanOrEqual(f.rule === "private-key" ? 40 : 8);
  }
});
