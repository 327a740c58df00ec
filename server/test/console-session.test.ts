/**
 * The console's organiser sessions (SPEC §10, issue 15): login, the cookie, /me, logout, expiry,
 * the same-origin rule, the login limits, no CORS, no account enumeration; and the password hash.
 * A real receiver on 127.0.0.1 with its real SQLite file; the sessions' clock is moved by hand.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import { hashPassword, parsePasswordHash, SCRYPT_COST, verifyPassword } from '../src/accounts/password-hash.ts';
import { addressKey, LOGIN_LIMITS } from '../src/accounts/login-limiter.ts';
import { hashSessionToken } from '../src/accounts/session-cookie.ts';
import { LAST_SEEN_RESOLUTION_MS, SESSION_ABSOLUTE_MS, SESSION_IDLE_MS } from '../src/routes/console/session.ts';
import { startServer, type TestServer } from './helpers.ts';
import {
  addOrganiser,
  consoleRequest,
  cookieAttributes,
  cookiePair,
  login,
  logout,
  me,
  ORGANISER,
  PASSWORD,
} from './support/console.ts';

const EVIL = 'http://evil.example';
const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;
/** Limits high enough that a test's many logins never meet them (the limits have their own tests). */
const UNLIMITED = { perAddress: { max: 1_000_000, windowMs: HOUR }, perAccount: { max: 1_000_000, windowMs: HOUR } };

/** A clock the test moves; starts at the real time. */
function testClock() {
  let at = Date.now();
  return { now: () => at, advance: (ms: number) => (at += ms) };
}

const sessionRows = (server: TestServer) =>
  server.app.signatureStore.organisers.list(Date.now()).then((accounts) => accounts.reduce((sum, account) => sum + account.sessions, 0));

/** A route behind requireOrganiser, as the console's data routes will be, to test the guard itself. */
function guardedRoutes(calls: string[]) {
  return async (app: FastifyInstance) => {
    app.post('/api/console/test/change', { preHandler: app.consoleSessions.requireOrganiser }, async (request) => {
      calls.push(request.organiser!.email);
      return { ok: true, by: request.organiser!.email };
    });
    // Outside /api/console/: the guard checks the origin itself.
    app.post('/test-elsewhere/change', { preHandler: app.consoleSessions.requireOrganiser }, async (request) => {
      calls.push(request.organiser!.email);
      return { ok: true };
    });
  };
}

describe('logging in and out over plain HTTP', () => {
  let server: TestServer;
  const clock = testClock();
  const calls: string[] = [];
  before(async () => {
    server = await startServer({}, { consoleSessions: { now: clock.now, loginLimits: UNLIMITED }, plugins: [guardedRoutes(calls)] });
    await addOrganiser(server);
  });
  after(async () => server.close());

  test('the right password: a session cookie with the expected attributes, and /me names the account', async () => {
    const answer = await login(server.url, ORGANISER, PASSWORD);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.deepEqual(answer.body.organiser, { email: ORGANISER });
    assert.equal(answer.setCookies.length, 1);
    const cookie = cookieAttributes(answer.setCookies[0]!);
    assert.equal(cookie.name, 'appeal_session');
    assert.match(cookie.value, /^[A-Za-z0-9_-]{43}$/, '32 random bytes in base64url');
    assert.equal(cookie.attributes.get('max-age'), String(SESSION_ABSOLUTE_MS / 1000));
    assert.equal(cookie.attributes.get('path'), '/');
    assert.equal(cookie.attributes.get('samesite'), 'Strict');
    assert.ok(cookie.attributes.has('httponly'));
    assert.ok(!cookie.attributes.has('secure'), 'plain HTTP: no Secure (the browser would drop it)');
    assert.ok(!cookie.attributes.has('domain'));
    assert.equal(answer.headers.get('cache-control'), 'no-store');

    const who = await me(server.url, cookiePair(answer.setCookies));
    assert.equal(who.status, 200);
    assert.deepEqual(who.body.organiser, { email: ORGANISER });
    assert.equal(who.headers.get('cache-control'), 'no-store');

    // The database holds the token's SHA-256, not the token.
    const stored = await server.app.signatureStore.organisers.findSession(hashSessionToken(cookie.value));
    assert.equal(stored?.email, ORGANISER);
    assert.equal(await server.app.signatureStore.organisers.findSession(cookie.value), undefined);
  });

  test('the address is trimmed and lower-cased', async () => {
    const answer = await login(server.url, `  ${ORGANISER.toUpperCase()} `, PASSWORD);
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body.organiser, { email: ORGANISER });
  });

  test('a wrong password and an unknown address get the same 401 and no cookie', async () => {
    const wrong = await login(server.url, ORGANISER, 'not the password at all');
    const unknown = await login(server.url, 'nobody@union.example', PASSWORD);
    for (const answer of [wrong, unknown]) {
      assert.equal(answer.status, 401);
      assert.deepEqual(answer.setCookies, []);
    }
    assert.deepEqual(wrong.body, unknown.body);
    assert.equal(wrong.body.error, 'invalid-credentials');
    assert.equal(typeof wrong.body.message, 'string');
  });

  test('a malformed login is refused with a reason and changes nothing', async () => {
    const post = (body: string, type: string) => fetch(`${server.url}/api/console/login`, {
      method: 'POST', headers: { 'content-type': type, origin: server.url }, body,
    });
    const before = await sessionRows(server);
    assert.equal((await post(new URLSearchParams({ email: ORGANISER, password: PASSWORD }).toString(), 'application/x-www-form-urlencoded')).status, 415);
    assert.equal((await post(JSON.stringify({ email: ORGANISER }), 'application/json')).status, 400);
    assert.equal((await post(JSON.stringify({ email: 7, password: PASSWORD }), 'application/json')).status, 400);
    assert.equal((await post(JSON.stringify([ORGANISER, PASSWORD]), 'application/json')).status, 400);
    assert.equal((await post(JSON.stringify({ email: ORGANISER, password: 'x'.repeat(1025) }), 'application/json')).status, 400);
    assert.equal(await sessionRows(server), before);
  });

  test('no cookie, a forged cookie, a malformed one, or the other cookie name: 401 {error, message}', async () => {
    const none = await me(server.url, undefined);
    assert.equal(none.status, 401);
    assert.equal(none.body.error, 'not-logged-in');
    assert.equal(typeof none.body.message, 'string');

    const forged = await me(server.url, `appeal_session=${randomBytes(32).toString('base64url')}`);
    assert.equal(forged.status, 401);
    assert.equal(forged.body.error, 'session-invalid');
    assert.match(forged.setCookies[0] ?? '', /^appeal_session=;.*Max-Age=0/i, 'the bad cookie is cleared');

    for (const value of ['abc', "x'; DROP TABLE organisers; --", 'A'.repeat(44), '%00%01']) {
      const answer = await me(server.url, `appeal_session=${value}`);
      assert.equal(answer.status, 401, value);
      assert.equal(answer.body.error, 'session-invalid');
    }

    // A real token under the TLS name is not read over plain HTTP.
    const good = await login(server.url, ORGANISER, PASSWORD);
    const token = cookieAttributes(good.setCookies[0]!).value;
    assert.equal((await me(server.url, `__Host-appeal_session=${token}`)).status, 401);
    assert.equal((await me(server.url, `other=1; appeal_session=${token}`)).status, 200);
  });

  test('logout ends the session: the row is gone, the cookie cleared, /me 401 after', async () => {
    const answer = await login(server.url, ORGANISER, PASSWORD);
    const cookie = cookiePair(answer.setCookies);
    const token = cookieAttributes(answer.setCookies[0]!).value;
    assert.equal((await me(server.url, cookie)).status, 200);
    const out = await logout(server.url, cookie);
    assert.equal(out.status, 200);
    const cleared = cookieAttributes(out.setCookies[0]!);
    assert.equal(cleared.value, '');
    assert.equal(cleared.attributes.get('max-age'), '0');
    assert.equal(await server.app.signatureStore.organisers.findSession(hashSessionToken(token)), undefined);
    const after = await me(server.url, cookie);
    assert.equal(after.status, 401);
    assert.equal(after.body.error, 'session-invalid');
    // Logging out again, or without a session, is harmless.
    assert.equal((await logout(server.url, cookie)).status, 200);
    assert.equal((await logout(server.url, undefined)).status, 200);
  });

  test('logging in again ends the session the browser held', async () => {
    const first = cookiePair((await login(server.url, ORGANISER, PASSWORD)).setCookies);
    const second = await login(server.url, ORGANISER, PASSWORD, { cookie: first });
    assert.equal(second.status, 200);
    assert.equal((await me(server.url, first)).status, 401);
    assert.equal((await me(server.url, cookiePair(second.setCookies))).status, 200);
  });

  test('a session ends 12 h after login however active, and after 2 h unused', async () => {
    const cookie = cookiePair((await login(server.url, ORGANISER, PASSWORD)).setCookies);
    // Used every 1 h 50 min: never idle long enough, until the absolute expiry.
    let used = 0;
    while (used + 110 * MINUTE < SESSION_ABSOLUTE_MS) {
      clock.advance(110 * MINUTE);
      used += 110 * MINUTE;
      assert.equal((await me(server.url, cookie)).status, 200, `after ${used / MINUTE} min`);
    }
    clock.advance(SESSION_ABSOLUTE_MS - used);
    const expired = await me(server.url, cookie);
    assert.equal(expired.status, 401);
    assert.equal(expired.body.error, 'session-expired');
    assert.match(expired.setCookies[0] ?? '', /Max-Age=0/);

    const idle = cookiePair((await login(server.url, ORGANISER, PASSWORD)).setCookies);
    clock.advance(SESSION_IDLE_MS - MINUTE);
    assert.equal((await me(server.url, idle)).status, 200);
    clock.advance(SESSION_IDLE_MS);
    const stale = await me(server.url, idle);
    assert.equal(stale.status, 401);
    assert.equal(stale.body.error, 'session-expired');
    // The expired row is deleted, not only refused.
    assert.equal((await me(server.url, idle)).body.error, 'session-invalid');
  });

  test('the last use is written at most once a minute', async () => {
    const answer = await login(server.url, ORGANISER, PASSWORD);
    const cookie = cookiePair(answer.setCookies);
    const tokenHash = hashSessionToken(cookieAttributes(answer.setCookies[0]!).value);
    const seen = async () => (await server.app.signatureStore.organisers.findSession(tokenHash))!.lastSeenAt;
    const loggedIn = await seen();
    clock.advance(LAST_SEEN_RESOLUTION_MS / 2);
    await me(server.url, cookie);
    assert.equal(await seen(), loggedIn);
    clock.advance(LAST_SEEN_RESOLUTION_MS / 2);
    await me(server.url, cookie);
    assert.equal(await seen(), clock.now());
  });

  test('removing the account or setting a new password ends its sessions', async () => {
    const { organisers } = server.app.signatureStore;
    await addOrganiser(server, 'second@union.example');
    const cookie = cookiePair((await login(server.url, 'second@union.example', PASSWORD)).setCookies);
    assert.equal((await me(server.url, cookie)).status, 200);
    assert.equal(await organisers.setPassword('second@union.example', await hashPassword('another long password'), Date.now()), true);
    assert.equal((await me(server.url, cookie)).status, 401);
    assert.equal((await login(server.url, 'second@union.example', PASSWORD)).status, 401, 'the old password no longer opens it');

    const again = cookiePair((await login(server.url, 'second@union.example', 'another long password')).setCookies);
    assert.equal((await me(server.url, again)).status, 200);
    assert.equal(await organisers.remove('second@union.example'), true);
    assert.equal((await me(server.url, again)).status, 401);
    assert.equal((await login(server.url, 'second@union.example', 'another long password')).status, 401);
  });

  test('a cross-origin login or logout is refused with 403, nothing created or ended', async () => {
    const before = await sessionRows(server);
    const foreign = await login(server.url, ORGANISER, PASSWORD, { origin: EVIL });
    assert.equal(foreign.status, 403);
    assert.equal(foreign.body.error, 'cross-origin');
    assert.match(String(foreign.body.message), /evil\.example/);
    assert.deepEqual(foreign.setCookies, []);
    assert.equal(await sessionRows(server), before, 'no session created');

    const cookie = cookiePair((await login(server.url, ORGANISER, PASSWORD)).setCookies);
    const out = await logout(server.url, cookie, { origin: EVIL });
    assert.equal(out.status, 403);
    assert.deepEqual(out.setCookies, []);
    assert.equal((await me(server.url, cookie)).status, 200, 'the session is still there');

    // Another port or scheme of the same host is another origin; so is the opaque "null".
    const { port } = new URL(server.url);
    for (const origin of [`http://127.0.0.1:${Number(port) + 1}`, `https://127.0.0.1:${port}`, 'null', `${server.url}.evil.example`]) {
      assert.equal((await logout(server.url, cookie, { origin })).status, 403, origin);
    }
    assert.equal((await me(server.url, cookie)).status, 200);
  });

  test('without Origin, only Sec-Fetch-Site: same-origin lets a change through', async () => {
    const post = (headers: Record<string, string>) => fetch(`${server.url}/api/console/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ email: ORGANISER, password: PASSWORD }),
    });
    const bare = await post({});
    assert.equal(bare.status, 403);
    assert.equal(((await bare.json()) as { error: string }).error, 'origin-missing');
    assert.deepEqual(bare.headers.getSetCookie(), []);
    assert.equal((await post({ 'sec-fetch-site': 'cross-site' })).status, 403);
    assert.equal((await post({ 'sec-fetch-site': 'same-site' })).status, 403);
    assert.equal((await post({ 'sec-fetch-site': 'same-origin' })).status, 200);
  });

  test('requireOrganiser guards a data route: 401 without a session, 403 cross-origin, the organiser otherwise', async () => {
    const cookie = cookiePair((await login(server.url, ORGANISER, PASSWORD)).setCookies);
    calls.length = 0;
    const anonymous = await consoleRequest(server.url, 'POST', '/api/console/test/change', undefined);
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.body.error, 'not-logged-in');
    const foreign = await consoleRequest(server.url, 'POST', '/api/console/test/change', cookie, { origin: EVIL });
    assert.equal(foreign.status, 403);
    const elsewhere = await consoleRequest(server.url, 'POST', '/test-elsewhere/change', cookie, { origin: EVIL });
    assert.equal(elsewhere.status, 403, 'the guard checks the origin outside /api/console/ too');
    assert.deepEqual(calls, [], 'no handler ran');
    const allowed = await consoleRequest(server.url, 'POST', '/api/console/test/change', cookie);
    assert.equal(allowed.status, 200);
    assert.equal(allowed.body.by, ORGANISER);
    assert.equal((await consoleRequest(server.url, 'POST', '/test-elsewhere/change', cookie)).status, 200);
    assert.deepEqual(calls, [ORGANISER, ORGANISER]);
  });

  test('no CORS headers on /api/console/*, also for an origin the public API allows', async () => {
    // ALLOWED_ORIGINS is unset here: http://localhost:* may call the public API.
    const local = 'http://localhost:5173';
    const publicApi = await fetch(`${server.url}/api/campaigns/free-baltabay/count`, { headers: { origin: local } });
    assert.equal(publicApi.headers.get('access-control-allow-origin'), local, 'the public API does answer it');

    const cookie = cookiePair((await login(server.url, ORGANISER, PASSWORD)).setCookies);
    const answers = [
      await me(server.url, cookie, { origin: local }),
      await login(server.url, ORGANISER, PASSWORD, { origin: local }),
      await logout(server.url, cookie, { origin: local }),
    ];
    // Percent-encoded paths too (the router decodes them; the preflight's catch-all route did not),
    // and the admin API's, which had the same gap for preflights.
    for (const path of ['/api/console/login', '/api/console/me', '/api/%63onsole/login', '/api/%61dmin/campaigns']) {
      const response = await fetch(`${server.url}${path}`, {
        method: 'OPTIONS',
        headers: { origin: local, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
      await response.arrayBuffer();
      answers.push({ status: response.status, headers: response.headers, body: {}, setCookies: [] });
    }
    for (const answer of answers) {
      for (const name of ['access-control-allow-origin', 'access-control-allow-credentials', 'access-control-allow-methods', 'access-control-allow-headers']) {
        assert.equal(answer.headers.get(name), null, `${name} on a console answer (${answer.status})`);
      }
    }
    assert.equal(answers[1]!.status, 403, 'a login from another origin, even a locally allowed one');
  });

  test('timing: an unknown address costs about what a wrong password does (medians within 3x)', async (t) => {
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const time = async (email: string) => {
      const start = performance.now();
      const answer = await login(server.url, email, 'a wrong password, surely');
      assert.equal(answer.status, 401);
      return performance.now() - start;
    };
    const known: number[] = [];
    const unknown: number[] = [];
    await time(ORGANISER); // warm-up
    for (let round = 0; round < 7; round++) {
      known.push(await time(ORGANISER));
      unknown.push(await time(`nobody-${round}@union.example`));
    }
    const [k, u] = [median(known), median(unknown)];
    t.diagnostic(`medians: wrong password ${k.toFixed(1)} ms, unknown address ${u.toFixed(1)} ms`);
    assert.ok(u < 3 * k && k < 3 * u, `medians: wrong password ${k.toFixed(1)} ms, unknown address ${u.toFixed(1)} ms`);
  });
});

describe('the cookie behind TLS', () => {
  test('PUBLIC_URL https: __Host-appeal_session, Secure, and only PUBLIC_URL\'s origin may change anything', async () => {
    const server = await startServer({ PUBLIC_URL: 'https://letters.union.example/appeal' }, { consoleSessions: { loginLimits: UNLIMITED } });
    try {
      await addOrganiser(server);
      const own = { origin: 'https://letters.union.example' };
      const answer = await login(server.url, ORGANISER, PASSWORD, own);
      assert.equal(answer.status, 200);
      const cookie = cookieAttributes(answer.setCookies[0]!);
      assert.equal(cookie.name, '__Host-appeal_session');
      assert.ok(cookie.attributes.has('secure'));
      assert.ok(cookie.attributes.has('httponly'));
      assert.equal(cookie.attributes.get('samesite'), 'Strict');
      assert.equal(cookie.attributes.get('path'), '/', '__Host- requires Path=/');
      assert.ok(!cookie.attributes.has('domain'), '__Host- forbids Domain');
      assert.equal(cookie.attributes.get('max-age'), String(SESSION_ABSOLUTE_MS / 1000));
      assert.equal((await me(server.url, cookiePair(answer.setCookies))).status, 200);
      // The plain name is not read when the receiver is behind TLS (it could be planted over HTTP).
      assert.equal((await me(server.url, `appeal_session=${cookie.value}`)).status, 401);
      // The Host (127.0.0.1:port) is not the origin when PUBLIC_URL says otherwise.
      assert.equal((await login(server.url, ORGANISER, PASSWORD, { origin: server.url })).status, 403);
      assert.equal((await login(server.url, ORGANISER, PASSWORD, { origin: 'http://letters.union.example' })).status, 403);
    } finally {
      await server.close();
    }
  });

  test('TRUST_PROXY and X-Forwarded-Proto https: the Secure cookie, the https origin', async () => {
    const server = await startServer({ TRUST_PROXY: '1' }, { consoleSessions: { loginLimits: UNLIMITED } });
    try {
      await addOrganiser(server);
      const httpsOrigin = server.url.replace('http:', 'https:');
      const proxied = await login(server.url, ORGANISER, PASSWORD, { 'x-forwarded-proto': 'https', origin: httpsOrigin });
      assert.equal(proxied.status, 200);
      assert.equal(cookieAttributes(proxied.setCookies[0]!).name, '__Host-appeal_session');
      assert.ok(cookieAttributes(proxied.setCookies[0]!).attributes.has('secure'));
      // The same request without the proxy's header is plain HTTP: an https Origin is foreign to it.
      assert.equal((await login(server.url, ORGANISER, PASSWORD, { origin: httpsOrigin })).status, 403);
    } finally {
      await server.close();
    }
  });
});

describe('login limits', () => {
  let server: TestServer;
  const clock = testClock();
  before(async () => {
    // TRUST_PROXY: each test request names its client address in X-Forwarded-For.
    server = await startServer({ TRUST_PROXY: '1' }, { consoleSessions: { now: clock.now } });
    await addOrganiser(server);
  });
  after(async () => server.close());
  const from = (ip: string) => ({ 'x-forwarded-for': ip });

  test(`per address: ${LOGIN_LIMITS.perAddress.max} attempts per 15 minutes, then 429 with Retry-After`, async () => {
    for (let index = 0; index < LOGIN_LIMITS.perAddress.max; index++) {
      assert.equal((await login(server.url, `guess-${index}@union.example`, 'guessing', from('198.51.100.7'))).status, 401);
    }
    const limited = await login(server.url, 'guess-last@union.example', 'guessing', from('198.51.100.7'));
    assert.equal(limited.status, 429);
    assert.equal(limited.body.error, 'rate-limited');
    assert.match(String(limited.body.message), /this address/);
    const retryAfter = Number(limited.headers.get('retry-after'));
    assert.ok(retryAfter > 0 && retryAfter <= LOGIN_LIMITS.perAddress.windowMs / 1000, `Retry-After ${retryAfter}`);
    // Even the right password waits; another address does not.
    assert.equal((await login(server.url, ORGANISER, PASSWORD, from('198.51.100.7'))).status, 429);
    assert.equal((await login(server.url, ORGANISER, PASSWORD, from('198.51.100.8'))).status, 200);
    // An IPv6 client is one client across its /64.
    for (let index = 0; index < LOGIN_LIMITS.perAddress.max; index++) {
      await login(server.url, `v6-${index}@union.example`, 'guessing', from(`2001:db8:1:2::${index + 1}`));
    }
    assert.equal((await login(server.url, 'v6@union.example', 'guessing', from('2001:db8:1:2:ffff::9'))).status, 429);
    clock.advance(LOGIN_LIMITS.perAddress.windowMs);
    assert.equal((await login(server.url, ORGANISER, PASSWORD, from('198.51.100.7'))).status, 200, 'the window passed');
  });

  test(`per account: ${LOGIN_LIMITS.perAccount.max} attempts per 15 minutes from any address, known or not`, async () => {
    for (const email of [ORGANISER, 'nobody@union.example']) {
      for (let index = 0; index < LOGIN_LIMITS.perAccount.max; index++) {
        assert.equal((await login(server.url, email, 'guessing', from(`203.0.113.${index + 1}`))).status, 401);
      }
      const limited = await login(server.url, email, email === ORGANISER ? PASSWORD : 'guessing', from('203.0.113.200'));
      assert.equal(limited.status, 429, email);
      assert.match(String(limited.body.message), /this account/);
      assert.ok(Number(limited.headers.get('retry-after')) > 0);
    }
    clock.advance(LOGIN_LIMITS.perAccount.windowMs);
    assert.equal((await login(server.url, ORGANISER, PASSWORD, from('203.0.113.201'))).status, 200);
  });

  test('successful logins give their attempt back: an organiser does not lock themselves out', async () => {
    clock.advance(LOGIN_LIMITS.perAddress.windowMs);
    for (let index = 0; index < LOGIN_LIMITS.perAddress.max + 2; index++) {
      assert.equal((await login(server.url, ORGANISER, PASSWORD, from('192.0.2.50'))).status, 200, `login ${index + 1}`);
    }
  });

  test('addresses are counted as clients: IPv4-mapped as IPv4, IPv6 by /64', () => {
    assert.equal(addressKey('::ffff:192.0.2.1'), '192.0.2.1');
    assert.equal(addressKey('192.0.2.1'), '192.0.2.1');
    assert.equal(addressKey('2001:db8:0:1::5'), addressKey('2001:0db8:0000:0001:ffff:ffff:ffff:ffff'));
    assert.notEqual(addressKey('2001:db8:0:1::5'), addressKey('2001:db8:0:2::5'));
    assert.equal(addressKey('::1'), '0:0:0:0::/64');
  });
});

describe('password hashes', () => {
  test('scrypt$N$r$p$salt$hash with N >= 2^15, a fresh salt each time, verified in constant time', async () => {
    const stored = await hashPassword(PASSWORD);
    assert.match(stored, /^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    assert.ok(SCRYPT_COST.N >= 2 ** 15);
    assert.ok(!stored.includes(PASSWORD));
    assert.notEqual(await hashPassword(PASSWORD), stored, 'salted');
    assert.equal(await verifyPassword(PASSWORD, stored), true);
    assert.equal(await verifyPassword(`${PASSWORD} `, stored), false);
    assert.equal(await verifyPassword('', stored), false);
  });

  test('a changed hash refuses the password; a malformed or oversized one verifies nothing', async () => {
    const stored = await hashPassword(PASSWORD);
    const parts = stored.split('$');
    const key = Buffer.from(parts[5]!, 'base64url');
    key[0]! ^= 1;
    const changedKey = [...parts.slice(0, 5), key.toString('base64url')].join('$');
    const salt = Buffer.from(parts[4]!, 'base64url');
    salt[3]! ^= 0x80;
    const changedSalt = [...parts.slice(0, 4), salt.toString('base64url'), parts[5]].join('$');
    const cheaper = ['scrypt', '16384', ...parts.slice(2)].join('$');
    for (const bad of [changedKey, changedSalt, cheaper]) assert.equal(await verifyPassword(PASSWORD, bad), false);
    for (const malformed of ['', PASSWORD, 'bcrypt$1$2$3$4$5', stored.replace('32768', '30000'), stored.replace('32768', String(2 ** 30)), `${stored}$extra`, stored.replace(/\$[^$]+$/, '$')]) {
      assert.equal(parsePasswordHash(malformed), undefined, malformed);
      assert.equal(await verifyPassword(PASSWORD, malformed), false);
    }
  });

  test('the password is NFKC-normalised: the same characters typed differently match', async () => {
    const stored = await hashPassword('caf\u00e9 au lait, tr\u00e8s chaud');
    assert.equal(await verifyPassword('cafe\u0301 au lait, tre\u0300s chaud', stored), true);
  });
});
