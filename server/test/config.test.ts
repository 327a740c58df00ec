import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { isOriginAllowed } from '../src/config/allowed-origins.ts';
import { ENV_DEFAULTS } from '../src/config/env.ts';
import { ConfigError, loadConfig } from '../src/config/load-config.ts';
import { MAIN, REPO_ROOT } from './helpers.ts';

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems;
  }
  assert.fail(`expected ${JSON.stringify(env)} to be refused`);
}

test('defaults are safe', () => {
  const config = loadConfig({});
  assert.equal(config.port, 8080);
  assert.equal(config.host, '127.0.0.1');
  assert.equal(config.databasePath, 'data/signatures.sqlite');
  assert.equal(config.databaseSynchronous, 'full');
  assert.equal(config.exportToken, undefined);
  assert.deepEqual(config.allowedOrigins, { any: false, origins: [], localDev: true });
  assert.equal(config.bodyLimit, Number(ENV_DEFAULTS.BODY_LIMIT));
  assert.deepEqual(config.rateLimit, { max: 30, readMax: 600, windowMs: 60000 });
  assert.equal(config.trustProxy, false);
  assert.equal(config.logLevel, 'info');
  assert.equal(config.serveDemo, false);
});

test('values are parsed; empty values mean the default', () => {
  const config = loadConfig({
    PORT: '0', HOST: '0.0.0.0', DATABASE_PATH: '/var/lib/appeal/db.sqlite', DATABASE_SYNCHRONOUS: 'NORMAL',
    EXPORT_TOKEN: 'a'.repeat(32), ALLOWED_ORIGINS: 'https://Example.org:443/, http://example.net:8080, local',
    BODY_LIMIT: '65536', RATE_LIMIT_MAX: '5', READ_RATE_LIMIT_MAX: '50', RATE_LIMIT_WINDOW_MS: '1000',
    TRUST_PROXY: '10.0.0.0/8, 127.0.0.1', LOG_LEVEL: 'warn', SERVE_DEMO: 'true',
  });
  assert.equal(config.port, 0);
  assert.equal(config.databaseSynchronous, 'normal');
  assert.deepEqual(config.allowedOrigins, { any: false, origins: ['https://example.org', 'http://example.net:8080'], localDev: true });
  assert.deepEqual(config.trustProxy, ['10.0.0.0/8', '127.0.0.1']);
  assert.equal(loadConfig({ TRUST_PROXY: '2' }).trustProxy, 2);
  assert.equal(config.serveDemo, true);
  assert.equal(loadConfig({ PORT: '', EXPORT_TOKEN: '' }).port, 8080);
  assert.equal(loadConfig({ EXPORT_TOKEN: '  ' }).exportToken, undefined);
  assert.equal(loadConfig({ ALLOWED_ORIGINS: '*' }).allowedOrigins.any, true);
});

test('bad values are refused with a clear message naming the variable and the value', () => {
  assert.deepEqual(problemsOf({ PORT: 'abc' }), ["PORT must be an integer 0–65535, got 'abc'"]);
  const cases: [Record<string, string>, RegExp][] = [
    [{ PORT: '70000' }, /^PORT must be an integer 0–65535, got '70000'$/],
    [{ PORT: '-1' }, /^PORT must be an integer/],
    [{ PORT: '80.5' }, /^PORT must be an integer/],
    [{ HOST: 'my host' }, /^HOST must be/],
    [{ DATABASE_SYNCHRONOUS: 'off' }, /^DATABASE_SYNCHRONOUS must be 'full' or 'normal', got 'off'/],
    [{ EXPORT_TOKEN: 'short' }, /^EXPORT_TOKEN must be at least 16 characters/],
    [{ ALLOWED_ORIGINS: 'example.org' }, /^ALLOWED_ORIGINS entry 'example.org' is not an origin/],
    [{ ALLOWED_ORIGINS: 'https://example.org/path' }, /^ALLOWED_ORIGINS entry/],
    [{ ALLOWED_ORIGINS: 'ftp://example.org' }, /^ALLOWED_ORIGINS entry/],
    [{ BODY_LIMIT: '10kb' }, /^BODY_LIMIT must be an integer/],
    [{ RATE_LIMIT_MAX: '0' }, /^RATE_LIMIT_MAX must be an integer 1–/],
    [{ READ_RATE_LIMIT_MAX: 'many' }, /^READ_RATE_LIMIT_MAX must be an integer/],
    [{ RATE_LIMIT_WINDOW_MS: '10' }, /^RATE_LIMIT_WINDOW_MS must be an integer 1000–/],
    [{ TRUST_PROXY: 'maybe' }, /^TRUST_PROXY must be/],
    [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL must be one of/],
    [{ SERVE_DEMO: 'sure' }, /^SERVE_DEMO must be true or false/],
  ];
  for (const [env, expected] of cases) {
    const problems = problemsOf(env);
    assert.equal(problems.length, 1, JSON.stringify(problems));
    assert.match(problems[0]!, expected);
  }
  assert.equal(problemsOf({ PORT: 'x', LOG_LEVEL: 'y' }).length, 2, 'every problem is reported at once');
});

test('origin matching', () => {
  const allowed = loadConfig({ ALLOWED_ORIGINS: 'https://example.org' }).allowedOrigins;
  assert.ok(isOriginAllowed('https://example.org', allowed));
  assert.ok(!isOriginAllowed('https://example.org.evil.com', allowed));
  assert.ok(!isOriginAllowed('http://example.org', allowed));
  assert.ok(!isOriginAllowed('null', allowed));
  const local = loadConfig({}).allowedOrigins;
  assert.ok(isOriginAllowed('http://localhost:5173', local));
  assert.ok(isOriginAllowed('http://[::1]:8080', local));
  assert.ok(!isOriginAllowed('http://localhost.evil.com', local));
  assert.ok(!isOriginAllowed('https://example.org', local));
});

test('main.ts exits 1 with the message on a bad value', () => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', MAIN], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', PORT: 'abc', EXPORT_TOKEN: 'short' },
    encoding: 'utf8',
    timeout: 15_000,
  });
  assert.equal(result.status, 1, result.stderr);
  assert.match(result.stderr, /PORT must be an integer 0–65535, got 'abc'/);
  assert.match(result.stderr, /EXPORT_TOKEN must be at least 16 characters/);
});

test('TRUST_PROXY=true is refused: it would let any client choose its rate-limit key', () => {
  for (const value of ['true', 'yes', 'TRUE']) {
    const problems = problemsOf({ TRUST_PROXY: value });
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /^TRUST_PROXY=true trusts every X-Forwarded-For .* hop count .* addresses/);
  }
});

test('timeouts and the database cap have defaults and bounds', () => {
  const config = loadConfig({});
  assert.equal(config.requestTimeoutMs, 10_000);
  assert.equal(config.keepAliveTimeoutMs, 5_000);
  assert.equal(config.databaseMaxBytes, 2 * 1024 ** 3);
  assert.equal(loadConfig({ REQUEST_TIMEOUT_MS: '2500', DATABASE_MAX_BYTES: '1048576' }).requestTimeoutMs, 2500);
  assert.match(problemsOf({ REQUEST_TIMEOUT_MS: '0' })[0]!, /^REQUEST_TIMEOUT_MS must be an integer/);
  assert.match(problemsOf({ DATABASE_MAX_BYTES: '100' })[0]!, /^DATABASE_MAX_BYTES must be an integer/);
});

describe('the admin token and the letter settings (SPEC §8, §9.2)', () => {
  const SMTP_URL = 'smtp://user:pass@mail.union.example:587';
  const MAIL_FROM = '"Demo Union" <letters@union.example>';
  const dkimKey = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const dkim = (domain: string) => ({ DKIM_DOMAIN: domain, DKIM_SELECTOR: 'letters', DKIM_PRIVATE_KEY: dkimKey.replace(/\n/g, '\\n') });

  test('ADMIN_TOKEN shorter than 32 characters (or with spaces) is refused; 32 are enough', () => {
    for (const token of ['short', 'a'.repeat(31), `${'a'.repeat(20)} ${'b'.repeat(20)}`]) {
      const problems = problemsOf({ ADMIN_TOKEN: token });
      assert.equal(problems.length, 1, JSON.stringify(problems));
      assert.match(problems[0]!, /^ADMIN_TOKEN must be at least 32 characters/);
      assert.ok(!problems[0]!.includes(token), 'the message does not echo the token');
    }
    assert.equal(loadConfig({ ADMIN_TOKEN: 'a'.repeat(32) }).adminToken, 'a'.repeat(32));
    assert.equal(loadConfig({}).adminToken, undefined);
  });

  test('SMTP_URL without MAIL_FROM is refused, and MAIL_FROM or DKIM without SMTP_URL too', () => {
    assert.match(problemsOf({ SMTP_URL })[0]!, /^MAIL_FROM is required with SMTP_URL/);
    assert.match(problemsOf({ MAIL_FROM })[0]!, /need SMTP_URL/);
    assert.match(problemsOf({ ...dkim('union.example') }).join('\n'), /need SMTP_URL/);
    assert.match(problemsOf({ SMTP_URL: 'http://mail.union.example', MAIL_FROM })[0]!, /^SMTP_URL must start with smtp:\/\/ or smtps:\/\//);
    const config = loadConfig({ SMTP_URL, MAIL_FROM });
    assert.deepEqual(config.mail, { smtpUrl: SMTP_URL, mailFrom: { address: 'letters@union.example', name: 'Demo Union' }, dkim: undefined });
    assert.equal(loadConfig({}).mail, undefined);
  });

  test('MAIL_FROM with two addresses, a group, a line break or a loose address is refused', () => {
    const cases: [string, RegExp][] = [
      ['letters@union.example, other@union.example', /^MAIL_FROM must be exactly one address/],
      ['"A" <a@union.example>, "B" <b@union.example>', /^MAIL_FROM must be exactly one address/],
      ['Team: a@union.example, b@union.example;', /^MAIL_FROM must be exactly one address/],
      ['"Demo Union" <letters@union.example>\r\nBcc: spy@evil.example', /^MAIL_FROM must be one line/],
      ['"Demo\u2028Union" <letters@union.example>', /^MAIL_FROM must be one line/],
      ['Demo Union', /^MAIL_FROM/],
      ['"Demo Union" <letters@localhost>', /^MAIL_FROM's address 'letters@localhost' is not a plain address/],
    ];
    for (const [value, expected] of cases) {
      const problems = problemsOf({ SMTP_URL, MAIL_FROM: value });
      assert.equal(problems.length, 1, `${JSON.stringify(value)}: ${JSON.stringify(problems)}`);
      assert.match(problems[0]!, expected, JSON.stringify(value));
    }
  });

  test("DKIM_DOMAIN must be MAIL_FROM's domain", () => {
    for (const domain of ['other.example', 'evil-union.example', 'example']) {
      const problems = problemsOf({ SMTP_URL, MAIL_FROM, ...dkim(domain) });
      assert.equal(problems.length, 1, `${domain}: ${JSON.stringify(problems)}`);
      assert.match(problems[0]!, /DKIM_DOMAIN|MAIL_FROM's domain/);
    }
    assert.match(problemsOf({ SMTP_URL, MAIL_FROM, ...dkim('other.example') })[0]!, /^DKIM_DOMAIN \(other\.example\) must be MAIL_FROM's domain/);
    const config = loadConfig({ SMTP_URL, MAIL_FROM, ...dkim('Union.Example') });
    assert.equal(config.mail?.dkim?.domainName, 'Union.Example');
    assert.equal(config.mail?.dkim?.keySelector, 'letters');
    assert.match(problemsOf({ SMTP_URL, MAIL_FROM, DKIM_DOMAIN: 'union.example' }).join('\n'), /DKIM_SELECTOR is required/);
  });

  test('main.ts refuses to start on a bad letter setting, naming it', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', MAIN], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', SMTP_URL, MAIL_FROM: 'a@union.example, b@union.example', ADMIN_TOKEN: 'short' },
      encoding: 'utf8',
      timeout: 15_000,
    });
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stderr, /MAIL_FROM must be exactly one address/);
    assert.match(result.stderr, /ADMIN_TOKEN must be at least 32 characters/);
    assert.ok(!result.stderr.includes('user:pass'), 'SMTP credentials are not echoed');
  });

  test('DATABASE_URL names a PostgreSQL database, and is never echoed (it holds the password)', () => {
    assert.equal(loadConfig({}).databaseUrl, undefined);
    assert.equal(loadConfig({}).databasePoolSize, 10);
    const url = 'postgres://appeal:s3cret@db.internal:5432/appeal';
    assert.equal(loadConfig({ DATABASE_URL: url, DATABASE_POOL_SIZE: '20' }).databaseUrl, url);
    assert.equal(loadConfig({ DATABASE_URL: 'postgresql://db/appeal' }).databasePoolSize, 10);
    const problems = problemsOf;
    assert.match(problems({ DATABASE_URL: 'mysql://root:s3cret@db/appeal' }).join('\n'), /must start with postgres:\/\/ or postgresql:\/\//);
    assert.match(problems({ DATABASE_URL: 'postgres://root:s3cret@db' }).join('\n'), /must name a database/);
    assert.match(problems({ DATABASE_URL: 'not a url s3cret' }).join('\n'), /DATABASE_URL must be a URL/);
    assert.ok(!problems({ DATABASE_URL: 'mysql://root:s3cret@db/appeal' }).join('\n').includes('s3cret'));
    assert.match(problems({ DATABASE_POOL_SIZE: '1' }).join('\n'), /DATABASE_POOL_SIZE must be an integer 2–1000/);
  });
});
