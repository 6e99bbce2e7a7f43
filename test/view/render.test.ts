// The viewer's HTML pieces on their own: markdown with raw HTML off, pictures
// only of known types, line diffs, the request check, and the file's CSP.
import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { VIEWER_CSS, VIEWER_JS } from "../../src/view/assets.ts";
import { lineDiff } from "../../src/view/diff.ts";
import { refusal } from "../../src/view/guard.ts";
import { escapeHtml, pictureHtml } from "../../src/view/html.ts";
import { markdownHtml } from "../../src/view/markdown.ts";
import { fileCsp } from "../../src/view/page.ts";

describe("markdown", () => {
  test("renders markdown and shows raw HTML as text", () => {
    expect(markdownHtml("**bold** and `code`")).toBe("<p><strong>bold</strong> and <code>code</code></p>\n");
    const html = markdownHtml(`<script>alert(1)</script>\n\n<img src=x onerror="alert(1)"> <iframe src="https://e.example"></iframe>`);
    expect(html).not.toMatch(/<(script|img|iframe)/);
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  });

  test("never links a javascript:, vbscript: or data: address, and turns pictures by URL into links", () => {
    for (const link of ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "vbscript:x", "data:text/html;base64,PHNjcmlwdD4="]) {
      expect(markdownHtml(`[x](${link})`)).not.toContain("href=");
    }
    const picture = markdownHtml("![pixel](https://tracker.example/p.png)");
    expect(picture).not.toContain("<img");
    expect(picture).toContain('<a class="picture-link" href="https://tracker.example/p.png" rel="noopener noreferrer" target="_blank">[picture: pixel]</a>');
    expect(markdownHtml("[a](https://example.com)")).toContain('rel="noopener noreferrer"');
  });
});

describe("pictures", () => {
  test("shows PNG, JPEG, GIF and WebP from base64, and nothing else", () => {
    expect(pictureHtml({ type: "image/png", data: "iVBORw0KGgo=" })).toBe('<img class="picture" alt="picture from the session" src="data:image/png;base64,iVBORw0KGgo=">');
    for (const type of ["image/svg+xml", 'image/png" onerror="alert(1)', "text/html", ""]) expect(pictureHtml({ type, data: "iVBORw0KGgo=" })).not.toContain("<img");
    expect(pictureHtml({ type: "image/png", data: 'x" onerror="alert(1)' })).not.toContain("<img");
  });

  test("escaping covers every character that ends text or an attribute", () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
  });
});

describe("diffs", () => {
  test("show removed and added lines with three lines of context, and how many unchanged ones were left out", () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i}`).join("\n");
    const after = before.replace("line 10", "line ten");
    const rows = lineDiff(before, after).map((r) => `${r.kind}${r.text}`);
    expect(rows).toEqual(["…7 unchanged lines", " line 7", " line 8", " line 9", "-line 10", "+line ten", " line 11", " line 12", " line 13", "…6 unchanged lines"]);
  });
});

describe("the request check", () => {
  const token = "t".repeat(43);
  const ok = { method: "GET", host: "127.0.0.1:8000", path: `/${token}/s/x` };
  test("lets through the token on a loopback Host, and refuses the rest", () => {
    expect(refusal(ok, { token, port: 8000 })).toBeUndefined();
    expect(refusal({ ...ok, host: "LOCALHOST:8000" }, { token, port: 8000 })).toBeUndefined();
    expect(refusal({ ...ok, host: "evil.example:8000" }, { token, port: 8000 })?.status).toBe(403);
    expect(refusal({ ...ok, host: undefined }, { token, port: 8000 })?.status).toBe(403);
    expect(refusal({ ...ok, path: "/s/x" }, { token, port: 8000 })?.status).toBe(403);
    expect(refusal({ ...ok, path: `/${token.slice(1)}/` }, { token, port: 8000 })?.status).toBe(403);
    expect(refusal({ ...ok, method: "PUT" }, { token, port: 8000 })?.status).toBe(405);
  });
});

describe("a show --html file's CSP", () => {
  test("allows exactly the inline script and stylesheet, and no other source", () => {
    const hash = (t: string) => `'sha256-${createHash("sha256").update(t).digest("base64")}'`;
    expect(fileCsp()).toBe(`default-src 'none'; script-src ${hash(VIEWER_JS)}; style-src ${hash(VIEWER_CSS)}; img-src data:; base-uri 'none'; form-action 'none'`);
    // Inline, they must not end their own element.
    expect(VIEWER_JS).not.toContain("</script");
    expect(VIEWER_CSS).not.toContain("</style");
  });
});
