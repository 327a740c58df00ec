/**
 * Organisers' sessions for the console (SPEC §10): log in, log out, who am I, and the guard the
 * console's data routes stand behind.
 *
 *   POST /api/console/login   {"email", "password"} → 200 and the session cookie; 401 for a wrong
 *                             address or password (one answer for both, same work: no enumeration);
 *                             429 with Retry-After past the login limits (login-limiter.ts)
 *   POST /api/console/logout  ends the browser's session (if any) and clears the cookie
 *   GET  /api/console/me      the organiser of the session, or 401
 *
 * Every state-changing request under /api/console/ must come from the receiver's own pages
 * (same-origin.ts), or it gets 403 before its body is read. No CORS headers (app.ts's
 * isPrivateRequest), `Cache-Control: no-store`. Sessions (session-cookie.ts) expire
 * SESSION_ABSOLUTE_MS after login and SESSION_IDLE_MS after their last use.
 *
 * Data routes use `app.consoleSessions.requireOrganiser` as a preHandler: it answers 401
 * `{error, message}` without a valid session, 403 for a cross-origin change, and otherwise sets
 * `request.organiser`.
 */
import fastifyCookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createLoginLimiter, type LoginLimits } from '../../accounts/login-limiter.ts';
import { normaliseOrganiserEmail } from '../../accounts/organisers.ts';
import { generatePassword, hashPassword, MAX_PASSWORD_LENGTH, verifyPassword } from '../../accounts/password-hash.ts';
import {
  hashSessionToken,
  isSecureContext,
  newSessionToken,
  sessionCookieName,
  sessionCookieOptions,
  wellFormedToken,
} from '../../accounts/session-cookie.ts';
import type { Store } from '../../store/store.ts';
import { sameOriginRefusal, STATE_CHANGING_METHODS } from './same-origin.ts';

/** A session ends this long after login, however active. */
export const SESSION_ABSOLUTE_MS = 12 * 60 * 60 * 1000;
/** A session ends after this long unused. */
export const SESSION_IDLE_MS = 2 * 60 * 60 * 1000;
/** A session's last use is written at most this often (a write per request would cost an fsync each). */
export const LAST_SEEN_RESOLUTION_MS = 60 * 1000;
const MAX_EMAIL_INPUT = 320;

export interface ConsoleSessionOptions {
  store: Store;
  /** PUBLIC_URL: when set, the only origin the console takes changes from, and https there means a Secure cookie. */
  publicUrl: string | undefined;
  /** The sessions' clock (tests move it); default Date.now. */
  now?: (() => number) | undefined;
  /** Default LOGIN_LIMITS (10 per address, 5 per account, per 15 minutes). */
  loginLimits?: LoginLimits | undefined;
}

/** The organiser a valid session belongs to, as `requireOrganiser` leaves it on the request. */
export interface SignedInOrganiser {
  id: number;
  email: string;
  /** When the session ends at the latest (ms since the epoch). */
  expiresAt: number;
}

export interface ConsoleSessions {
  /** preHandler for the console's data routes: 403 for a cross-origin change, 401 without a valid session. */
  requireOrganiser(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined>;
}

declare module 'fastify' {
  interface FastifyInstance {
    consoleSessions: ConsoleSessions;
  }
  interface FastifyRequest {
    /** Set by `consoleSessions.requireOrganiser`; null elsewhere. */
    organiser: SignedInOrganiser | null;
  }
}

const INVALID_CREDENTIALS = {
  error: 'invalid-credentials',
  message: 'That email address and password do not match an organiser account.',
} as const;

/** Every console request, by its matched route (so /api/%63onsole/… counts) or its URL. */
function isConsoleRequest(request: FastifyRequest): boolean {
  return (request.routeOptions.url ?? '').startsWith('/api/console/') || request.url.startsWith('/api/console/');
}

/**
 * Registers the session routes on `app` (the root instance: the cookie plugin, the same-origin
 * hook and the `consoleSessions` decorator must reach every console route, whichever plugin
 * defines it) and returns the guard.
 */
export function registerConsoleSessions(app: FastifyInstance, options: ConsoleSessionOptions): ConsoleSessions {
  const { store, publicUrl } = options;
  const now = options.now ?? Date.now;
  const limiter = createLoginLimiter(store.organisers, options.loginLimits);

  const secureFor = (request: FastifyRequest) => isSecureContext(publicUrl, request.protocol);
  /** The session token the browser sent under this context's cookie name (the other name is ignored). */
  const cookieToken = (request: FastifyRequest, secure: boolean): string | undefined => {
    const header = request.headers.cookie;
    if (header === undefined) return undefined;
    return app.parseCookie(header)[sessionCookieName(secure)];
  };
  // Written as a header, not through reply.setCookie, so it works from any plugin's routes.
  const setSessionCookie = (reply: FastifyReply, secure: boolean, token: string, maxAgeMs: number) =>
    reply.header('set-cookie', app.serializeCookie(sessionCookieName(secure), token, sessionCookieOptions(secure, maxAgeMs)));
  const clearSessionCookie = (reply: FastifyReply, secure: boolean) => setSessionCookie(reply, secure, '', 0);

  const deny = (reply: FastifyReply, secure: boolean, hadCookie: boolean, error: string, message: string) => {
    if (hadCookie) clearSessionCookie(reply, secure);
    return reply.code(401).send({ error, message });
  };

  const sessions: ConsoleSessions = {
    async requireOrganiser(request, reply) {
      if (STATE_CHANGING_METHODS.has(request.method)) {
        const refusal = sameOriginRefusal(request, publicUrl);
        if (refusal) return reply.code(403).send(refusal);
      }
      reply.header('cache-control', 'no-store');
      const secure = secureFor(request);
      const raw = cookieToken(request, secure);
      if (raw === undefined) return deny(reply, secure, false, 'not-logged-in', 'Log in to the console first.');
      const token = wellFormedToken(raw);
      const tokenHash = token === undefined ? undefined : hashSessionToken(token);
      const session = tokenHash === undefined ? undefined : await store.organisers.findSession(tokenHash);
      if (tokenHash === undefined || session === undefined) {
        return deny(reply, secure, true, 'session-invalid', 'This session is not valid (it was ended, or the cookie is not one this receiver made); log in again.');
      }
      const at = now();
      if (at >= session.expiresAt || at - session.lastSeenAt >= SESSION_IDLE_MS) {
        await store.organisers.endSession(tokenHash);
        return deny(reply, secure, true, 'session-expired', 'The session has expired; log in again.');
      }
      if (at - session.lastSeenAt >= LAST_SEEN_RESOLUTION_MS) await store.organisers.touchSession(tokenHash, at);
      request.organiser = { id: session.organiserId, email: session.email, expiresAt: session.expiresAt };
      return undefined;
    },
  };

  app.register(fastifyCookie);
  app.decorate('consoleSessions', sessions);
  app.decorateRequest('organiser', null);

  // Before any body is read: never cached, and a change from another origin is refused here,
  // for every console route, also one that forgot its preHandler.
  app.addHook('onRequest', async (request, reply) => {
    if (!isConsoleRequest(request)) return undefined;
    reply.header('cache-control', 'no-store');
    if (!STATE_CHANGING_METHODS.has(request.method)) return undefined;
    const refusal = sameOriginRefusal(request, publicUrl);
    if (!refusal) return undefined;
    request.log.warn({ origin: request.headers.origin, path: request.url.slice(0, 200) }, `console request refused: ${refusal.error}`);
    // The body is never read: close the connection rather than drain it (as app.ts's originGuard does).
    return reply.code(403).header('connection', 'close').send(refusal);
  });

  app.register(async (scope) => {
    // What an unknown address is checked against, so it costs one scrypt like a known one.
    const dummyHash = await hashPassword(generatePassword());

    scope.post('/api/console/login', async (request, reply) => {
      if (!/^application\/json\b/i.test(request.headers['content-type'] ?? '')) {
        return reply.code(415).send({ error: 'unsupported-media-type', message: 'Send the login as JSON: {"email": "…", "password": "…"}.' });
      }
      const body = request.body as { email?: unknown; password?: unknown } | null;
      const { email: rawEmail, password } = typeof body === 'object' && body !== null && !Array.isArray(body) ? body : {};
      if (typeof rawEmail !== 'string' || rawEmail.trim() === '' || rawEmail.length > MAX_EMAIL_INPUT) {
        return reply.code(400).send({ error: 'bad-request', message: `"email" must be the account's email address (at most ${MAX_EMAIL_INPUT} characters).` });
      }
      if (typeof password !== 'string' || password === '' || password.length > MAX_PASSWORD_LENGTH) {
        return reply.code(400).send({ error: 'bad-request', message: `"password" must be a string of 1–${MAX_PASSWORD_LENGTH} characters.` });
      }
      const email = normaliseOrganiserEmail(rawEmail);
      const attempt = await limiter.attempt(request.ip, email, now());
      if (!attempt.ok) {
        const minutes = Math.ceil(attempt.retryAfterSeconds / 60);
        request.log.warn({ ip: request.ip, limitedBy: attempt.limitedBy }, 'console login refused: too many attempts');
        return reply.code(429).header('retry-after', String(attempt.retryAfterSeconds)).send({
          error: 'rate-limited',
          message: `Too many login attempts ${attempt.limitedBy === 'address' ? 'from this address' : 'for this account'}; try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
        });
      }

      // The same steps whether or not the address has an account: one look-up, one scrypt.
      const account = await store.organisers.find(email);
      const matches = await verifyPassword(password, account?.passwordHash ?? dummyHash);
      if (account === undefined || !matches) {
        // The typed address is not logged: people type their password into the wrong field.
        request.log.warn({ ip: request.ip, organiser: account?.id }, 'console login refused: wrong email or password');
        return reply.code(401).send(INVALID_CREDENTIALS);
      }
      await attempt.release();

      const at = now();
      const secure = secureFor(request);
      const previous = wellFormedToken(cookieToken(request, secure));
      if (previous !== undefined) await store.organisers.endSession(hashSessionToken(previous));
      await store.organisers.endStaleSessions(at, at - SESSION_IDLE_MS);
      const { token, tokenHash } = newSessionToken();
      const expiresAt = at + SESSION_ABSOLUTE_MS;
      await store.organisers.createSession({ tokenHash, organiserId: account.id, now: at, expiresAt });
      await store.organisers.log({ at, actor: account.email, action: 'login' });
      request.log.info({ organiser: account.id, email: account.email, ip: request.ip }, 'console login');
      setSessionCookie(reply, secure, token, SESSION_ABSOLUTE_MS);
      return { ok: true, organiser: { email: account.email }, session: { expiresAt: new Date(expiresAt).toISOString() } };
    });

    scope.post('/api/console/logout', async (request, reply) => {
      const secure = secureFor(request);
      const token = wellFormedToken(cookieToken(request, secure));
      if (token !== undefined) {
        const tokenHash = hashSessionToken(token);
        const session = await store.organisers.findSession(tokenHash);
        if (session !== undefined && (await store.organisers.endSession(tokenHash))) {
          await store.organisers.log({ at: now(), actor: session.email, action: 'logout' });
          request.log.info({ organiser: session.organiserId }, 'console logout');
        }
      }
      clearSessionCookie(reply, secure);
      return { ok: true };
    });

    scope.get('/api/console/me', { preHandler: sessions.requireOrganiser }, async (request) => {
      const organiser = request.organiser!;
      return { organiser: { email: organiser.email }, session: { expiresAt: new Date(organiser.expiresAt).toISOString() } };
    });
  });

  return sessions;
}
