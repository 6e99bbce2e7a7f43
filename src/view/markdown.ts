// Markdown of answers and thinking, through markdown-it (the only importer of
// it) with raw HTML off: `<img onerror>` in a session stays visible text.
// Pictures by URL become links: a page never loads anything from the network,
// and a tracking pixel in a shared session must not report who read it.
import markdownIt, { type MarkdownIt, type RendererRule } from "markdown-it";

let md: MarkdownIt | undefined;

function renderer(): MarkdownIt {
  if (md) return md;
  md = markdownIt({ html: false, linkify: true, typographer: false });
  const image: RendererRule = (tokens, idx, options, env, self) => {
    const token = tokens[idx]!;
    const src = String(token.attrGet("src") ?? "");
    const alt = self.renderInlineAsText(token.children ?? [], options, env);
    return `<a class="picture-link" href="${md!.utils.escapeHtml(src)}" rel="noopener noreferrer" target="_blank">[picture: ${md!.utils.escapeHtml(alt || src)}]</a>`;
  };
  md.renderer.rules.image = image;
  const link: RendererRule = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
  const linkOpen: RendererRule = (tokens, idx, options, env, self) => {
    tokens[idx]!.attrSet("rel", "noopener noreferrer");
    tokens[idx]!.attrSet("target", "_blank");
    return link(tokens, idx, options, env, self);
  };
  md.renderer.rules.link_open = linkOpen;
  return md;
}

/** HTML for markdown text; raw HTML in it is escaped, unsafe link schemes (javascript:, data:) are not linked. */
export function markdownHtml(text: string): string {
  return renderer().render(text);
}
