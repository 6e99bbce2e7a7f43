// Session content reaches a page only through these: every byte of it is
// text, never markup (a prompt holding `<script>` is shown, not run).

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text for an element's content or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** Media types a picture in a session may have on a page; anything else (SVG above all) is not shown. */
const PICTURES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** An <img> for a base64 picture from a session, or a note saying why it is not shown. */
export function pictureHtml(image: { type: string; data: string }): string {
  const data = image.data.replace(/\s+/g, "");
  if (!PICTURES.has(image.type) || !BASE64.test(data)) return `<p class="note">[a picture of type ${escapeHtml(image.type || "unknown")} is not shown]</p>`;
  return `<img class="picture" alt="picture from the session" src="data:${image.type};base64,${data}">`;
}

/** "2026-07-19 10:00:04Z" from an ISO time (the page script shows it in local time). */
export function timeHtml(iso: string | undefined): string {
  if (!iso || Number.isNaN(Date.parse(iso))) return "";
  const utc = new Date(iso).toISOString();
  return `<time datetime="${utc}">${utc.slice(0, 19).replace("T", " ")}Z</time>`;
}
