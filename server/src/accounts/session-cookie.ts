/**
 * The console's session cookie: its token, its name and its attributes.
 *
 * The token is 32 random bytes, base64url in the cookie; the database keeps only its SHA-256
 * (hex), so neither a copy of the file nor a look at the table opens a session.
 *
 * Its name depends on how the browser reached the receiver:
 * - over TLS: `__Host-appeal_session`, `Secure`. The `__Host-` prefix makes the browser refuse
 *   the cookie unless it is Secure, has `Path=/` and no `Domain`, so a sibling subdomain or a
 *   plain-HTTP page cannot plant or shadow it;
 * - over plain HTTP: `appeal_session`, without `Secure`. That is `npm start` on
 *   http://127.0.0.1:8080: browsers drop a Secure cookie set over plain HTTP (some make an
 *   exception for `localhost`, not all and not for every loopback or LAN address), and the
 *   `__Host-` prefix requires Secure, so the local console could not log in at all. There the
 *   cookie only travels over the loopback interface. A receiver reached over a network must sit
 *   behind TLS (PUBLIC_URL https://…, or TRUST_PROXY with the proxy's X-Forwarded-Proto).
 * Each mode reads only its own name, so a plain-HTTP cookie is never taken over TLS.
 *
 * Always `HttpOnly` (no script reads it), `SameSite=Strict` (no cross-site request carries it),
 * `Path=/`, and `Max-Age` = the session's absolute lifetime.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { SerializeOptions } from '@fastify/cookie';

export const SECURE_COOKIE_NAME = '__Host-appeal_session';
export const PLAIN_COOKIE_NAME = 'appeal_session';
const TOKEN_BYTES = 32;
/** 32 bytes in base64url, unpadded: exactly 43 characters of the URL-safe alphabet. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** A fresh session token and the hash the database keeps. */
export function newSessionToken(): { token: string; tokenHash: string } {
  const token = randomBytes(TOKEN_BYTES).toString('base64url');
  return { token, tokenHash: hashSessionToken(token) };
}

export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The cookie's token when it has a token's shape; anything else is not worth a database look-up. */
export function wellFormedToken(value: string | undefined): string | undefined {
  return value !== undefined && TOKEN_SHAPE.test(value) ? value : undefined;
}

export function sessionCookieName(secure: boolean): string {
  return secure ? SECURE_COOKIE_NAME : PLAIN_COOKIE_NAME;
}

/** The attributes of the session cookie; `maxAgeMs` 0 clears it. */
export function sessionCookieOptions(secure: boolean, maxAgeMs: number): SerializeOptions {
  return {
    httpOnly: true,
    secure,
    sameSite: 'strict',
    path: '/',
    maxAge: Math.max(0, Math.floor(maxAgeMs / 1000)),
  };
}

/**
 * Whether the browser reached us over TLS: PUBLIC_URL's scheme when it is set (the address
 * organisers use; a TLS proxy in front may speak plain HTTP to us), else the request's protocol,
 * which believes X-Forwarded-Proto only from a proxy trusted by TRUST_PROXY.
 */
export function isSecureContext(publicUrl: string | undefined, requestProtocol: string): boolean {
  return publicUrl !== undefined ? publicUrl.startsWith('https:') : requestProtocol === 'https';
}
