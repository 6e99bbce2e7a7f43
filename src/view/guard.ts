// Who may read the viewer: only a page that knows the secret in its URL, on
// this machine. Every request is checked: the token in its path (so no other
// site and no other local user can read sessions by guessing a port) and its
// Host header (so a DNS-rebinding page that names 127.0.0.1 under its own
// domain is refused), and every answer carries a strict CSP.
import { randomBytes, timingSafeEqual } from "node:crypto";
import { SERVER_CSP } from "./page.ts";

/** 32 random bytes, URL-safe: the first segment of every path the viewer serves. */
export function newToken(): string {
  return randomBytes(32).toString("base64url");
}

export interface Refusal {
  status: number;
  text: string;
}

function sameSecret(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Why a request is refused, or undefined when it may go on. `path` is the
 * request's path; on success the caller serves `path` minus `/<token>`.
 */
export function refusal(o: { method: string; host: string | undefined; path: string }, expected: { token: string; port: number }): Refusal | undefined {
  const hosts = [`127.0.0.1:${expected.port}`, `localhost:${expected.port}`];
  if (!o.host || !hosts.includes(o.host.toLowerCase())) return { status: 403, text: "This viewer answers only to 127.0.0.1 and localhost.\n" };
  const first = /^\/([^/?#]*)/.exec(o.path)?.[1] ?? "";
  if (!sameSecret(first, expected.token)) return { status: 403, text: "Open the address `ccshare view` printed: it holds the viewer's key.\n" };
  if (o.method !== "GET" && o.method !== "HEAD") return { status: 405, text: "The viewer is read-only.\n" };
  return undefined;
}

/** Headers on every answer, refusals included. */
export const SECURITY_HEADERS: Record<string, string> = {
  "Content-Security-Policy": SERVER_CSP,
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "X-Frame-Options": "DENY",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Resource-Policy": "same-origin",
  "Cache-Control": "no-store",
};
