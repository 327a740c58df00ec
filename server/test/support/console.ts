/**
 * Helpers for tests that drive the console's session API (SPEC §10) the way its page does: real
 * HTTP, JSON, an Origin header, the session cookie sent back by hand (fetch keeps no cookie jar).
 */
import { hashPassword } from '../../src/accounts/password-hash.ts';
import type { TestServer } from '../helpers.ts';

export const ORGANISER = 'organiser@union.example';
export const PASSWORD = 'a long enough test password';

export interface ConsoleAnswer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
  /** The Set-Cookie lines. */
  setCookies: string[];
}

async function answer(response: Response): Promise<ConsoleAnswer> {
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>), setCookies: response.headers.getSetCookie() };
}

/** Creates an account through the receiver's own store (the CLI's path without the process). */
export async function addOrganiser(server: TestServer, email = ORGANISER, password = PASSWORD): Promise<void> {
  const result = await server.app.signatureStore.organisers.add(email, await hashPassword(password), Date.now());
  if (result !== 'created') throw new Error(`${email} already exists`);
}

/** POST /api/console/login from the receiver's own origin unless `headers` says otherwise. */
export async function login(url: string, email: string, password: string, headers: Record<string, string> = {}): Promise<ConsoleAnswer> {
  return answer(await fetch(`${url}/api/console/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url, ...headers },
    body: JSON.stringify({ email, password }),
  }));
}

/** `name=value` of the first Set-Cookie line, ready for a Cookie header. */
export function cookiePair(setCookies: readonly string[]): string {
  const first = setCookies[0];
  if (first === undefined) throw new Error('no Set-Cookie');
  return first.split(';', 1)[0]!;
}

/** A console request with `cookie` (a `name=value` pair), from the receiver's own origin for changes. */
export async function consoleRequest(
  url: string,
  method: string,
  path: string,
  cookie: string | undefined,
  headers: Record<string, string> = {},
): Promise<ConsoleAnswer> {
  const changes = method !== 'GET' && method !== 'HEAD';
  return answer(await fetch(`${url}${path}`, {
    method,
    headers: { ...(cookie === undefined ? {} : { cookie }), ...(changes ? { origin: url } : {}), ...headers },
  }));
}

export const me = (url: string, cookie: string | undefined, headers: Record<string, string> = {}) =>
  consoleRequest(url, 'GET', '/api/console/me', cookie, headers);

export const logout = (url: string, cookie: string | undefined, headers: Record<string, string> = {}) =>
  consoleRequest(url, 'POST', '/api/console/logout', cookie, headers);

/** The Set-Cookie attributes, lower-cased names (`max-age`, `httponly`, …) to values ('' for flags). */
export function cookieAttributes(line: string): { name: string; value: string; attributes: Map<string, string> } {
  const [pair = '', ...rest] = line.split(';').map((part) => part.trim());
  const eq = pair.indexOf('=');
  const attributes = new Map<string, string>();
  for (const part of rest) {
    const at = part.indexOf('=');
    attributes.set((at < 0 ? part : part.slice(0, at)).toLowerCase(), at < 0 ? '' : part.slice(at + 1));
  }
  return { name: pair.slice(0, eq), value: pair.slice(eq + 1), attributes };
}
