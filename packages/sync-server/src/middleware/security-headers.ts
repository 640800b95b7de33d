// Security headers on every response, API and app alike. The app's
// Content-Security-Policy allows no inline script except the ones index.html
// carries, by their SHA-256 (computed from the built file, see static.ts),
// and no eval. connect-src stays open to any http(s) URL because the user's
// model endpoint and sync server can be anywhere; img-src likewise, for
// images in answers (links are limited to http(s) by the Markdown renderer).
import { createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';

/** For JSON answers: nothing may load, frame or be framed. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** The policy of the app's pages and files; `scriptHashes` are 'sha256-…' sources for inline scripts. */
export function appCsp(scriptHashes: string[] = []): string {
  return [
    "default-src 'self'",
    ["script-src 'self'", ...scriptHashes].join(' '),
    "style-src 'self'",
    "img-src 'self' data: blob: http: https:",
    "connect-src 'self' http: https:",
    "font-src 'self'",
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const INLINE_SCRIPT = /<script\b(?![^>]*\bsrc\s*=)[^>]*>([\s\S]*?)<\/script\s*>/gi;

/** The CSP source of each inline script of an HTML page, exactly as the browser hashes it. */
export function inlineScriptHashes(html: string): string[] {
  return [...html.matchAll(INLINE_SCRIPT)].map(
    (m) => `'sha256-${createHash('sha256').update(m[1]!, 'utf8').digest('base64')}'`,
  );
}

const COMMON: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  // frame-ancestors 'none' for browsers that know CSP level 2, this for the rest.
  'X-Frame-Options': 'DENY',
};

/** The headers of an API answer that a route writes to the Node response itself (the event stream). */
export function apiSecurityHeaders(): Record<string, string> {
  return { ...COMMON, 'Content-Security-Policy': API_CSP };
}

/** Sets the headers on whatever answers, errors included; a CSP set by the handler (index.html) stays. */
export function securityHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const headers = c.res.headers;
    for (const [name, value] of Object.entries(COMMON)) headers.set(name, value);
    if (!headers.has('Content-Security-Policy')) {
      headers.set('Content-Security-Policy', c.req.path.startsWith('/v1/') ? API_CSP : appCsp());
    }
  };
}
