/**
 * Organiser accounts, sessions, the audit log and the limits on PostgreSQL (issue 17, step 5):
 * the same answers as SQLite's store for the same calls; the console's login limits counted in
 * the database (both stores), so they hold across a restart and, on PostgreSQL, across two
 * receivers at once; and the HTTP rate limits shared by two receivers on one database.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { createLoginLimiter, LOGIN_LIMITS } from '../src/accounts/login-limiter.ts';
import { openPostgresStore, type PostgresStore } from '../src/store/postgres/postgres-store.ts';
import { openSqliteStore } from '../src/store/sqlite-store.ts';
import type { Store } from '../src/store/store.ts';
import { postJson, REPO_ROOT, signature, startServer, tempDir, type TestServer } from './helpers.ts';
import { cookiePair, login, me } from './support/console.ts';
import { postgresAvailable, startTestCluster, type TestCluster } from './support/postgres.ts';

const skip = postgresAvailable() ? false : 'PostgreSQL is not installed (apt-get install postgresql)';
const MINUTE = 60_000;
const CLI = join(REPO_ROOT, 'server/src/cli/organiser-cli.ts');

/** `npm run organiser -- …` with DATABASE_URL (and no DATABASE_PATH): the real command on PostgreSQL. */
function organiserCli(url: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '', DATABASE_URL: url, ...env } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }));
  });
}

/** Calls every OrganiserStore method in a fixed order and records each answer. */
async function transcript(store: Store, t0: number): Promise<unknown[]> {
  const o = store.organisers;
  const out: unknown[] = [];
  out.push(await o.add('b@union.example', 'scrypt$hash-b', t0), await o.add('a@union.example', 'scrypt$hash-a', t0 + 1));
  out.push(await o.add('b@union.example', 'scrypt$other', t0 + 2), 'exists expected');
  const b = await o.find('b@union.example');
  out.push(b && { ...b, id: typeof b.id }, await o.find('nobody@union.example'));
  await o.createSession({ tokenHash: 'hash-1', organiserId: b!.id, now: t0 + 10, expiresAt: t0 + 10 + 12 * 60 * MINUTE });
  await o.createSession({ tokenHash: 'hash-2', organiserId: b!.id, now: t0 + 20, expiresAt: t0 + 30 });
  const a = await o.find('a@union.example');
  await o.createSession({ tokenHash: 'hash-3', organiserId: a!.id, now: t0 + 40, expiresAt: t0 + 12 * 60 * MINUTE });
  out.push(await o.list(t0 + 25), await o.list(t0 + 35));
  const found = await o.findSession('hash-1');
  out.push(found && { ...found, organiserId: found.organiserId === b!.id }, await o.findSession('hash-none'));
  await o.touchSession('hash-1', t0 + 5 * MINUTE);
  out.push((await o.findSession('hash-1'))?.lastSeenAt);
  out.push(await o.endStaleSessions(t0 + 31, t0 + 41), await o.list(t0 + 50));
  out.push(await o.endSession('hash-1'), await o.endSession('hash-1'));
  await o.createSession({ tokenHash: 'hash-4', organiserId: a!.id, now: t0 + 60, expiresAt: t0 + 12 * 60 * MINUTE });
  out.push(await o.setPassword('a@union.example', 'scrypt$new-a', t0 + 70), await o.setPassword('nobody@union.example', 'x', t0), await o.list(t0 + 80));
  out.push((await o.find('a@union.example'))?.passwordHash, (await o.find('a@union.example'))?.lastLoginAt);
  await o.createSession({ tokenHash: 'hash-5', organiserId: b!.id, now: t0 + 90, expiresAt: t0 + 12 * 60 * MINUTE });
  out.push(await o.remove('b@union.example'), await o.remove('b@union.example'), await o.findSession('hash-5'), await o.list(t0 + 100));
  await o.log({ at: t0 + 110, actor: 'cli', action: 'organiser-added', detail: { email: 'a@union.example' } });
  await o.log({ at: t0 + 120, actor: 'a@union.example', action: 'login', campaign: 'free-baltabay' });
  return out;
}

const auditOf = async (store: Store): Promise<unknown[]> => {
  const query = 'SELECT at, actor, action, campaign, detail_json FROM console_log ORDER BY seq';
  if ('pool' in store) return (await (store as PostgresStore).pool.query(query)).rows;
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(store.path, { readonly: true });
  try {
    return db.prepare(query).all();
  } finally {
    db.close();
  }
};

describe('accounts and limits on PostgreSQL', { skip }, () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await startTestCluster();
  });
  after(async () => cluster?.destroy());

  test('accounts, sessions and the audit log: every call answers as on SQLite', async () => {
    const t0 = Date.now();
    const sqlite = openSqliteStore(join(tempDir(), 'signatures.sqlite'));
    const postgres = await openPostgresStore(await cluster.createDatabase());
    try {
      const expected = await transcript(sqlite, t0);
      assert.deepEqual(await transcript(postgres, t0), expected);
      assert.deepEqual(await auditOf(postgres), await auditOf(sqlite));
      assert.equal((await auditOf(postgres)).length, 2);
    } finally {
      await sqlite.close();
      await postgres.close();
    }
  });

  for (const kind of ['sqlite', 'postgres'] as const) {
    test(`${kind}: login limits are kept in the database, so a restart hands a guesser no fresh tries`, async () => {
      const path = join(tempDir(), 'signatures.sqlite');
      const url = kind === 'postgres' ? await cluster.createDatabase() : '';
      const open = async (): Promise<Store> => (kind === 'postgres' ? openPostgresStore(url) : openSqliteStore(path));
      const t0 = Date.now();
      let store = await open();
      try {
        const limiter = createLoginLimiter(store.organisers);
        for (let index = 0; index < LOGIN_LIMITS.perAccount.max; index++) {
          assert.equal((await limiter.attempt(`198.51.100.${index}`, 'guessed@union.example', t0)).ok, true);
        }
        await store.close();
        store = await open();
        const again = await createLoginLimiter(store.organisers).attempt('198.51.100.99', 'guessed@union.example', t0 + MINUTE);
        assert.equal(again.ok, false);
        assert.ok(!again.ok && again.limitedBy === 'account' && again.retryAfterSeconds === (LOGIN_LIMITS.perAccount.windowMs - MINUTE) / 1000);
        // The window ends: tries again, and the rows of ended windows are swept.
        const later = t0 + LOGIN_LIMITS.perAccount.windowMs;
        assert.equal((await createLoginLimiter(store.organisers).attempt('198.51.100.99', 'guessed@union.example', later)).ok, true);
      } finally {
        await store.close();
      }
    });
  }

  test('two receivers on one database share the login limits, also for attempts at the same moment', async () => {
    const url = await cluster.createDatabase();
    const first = await openPostgresStore(url);
    const second = await openPostgresStore(url);
    try {
      const limiters = [createLoginLimiter(first.organisers), createLoginLimiter(second.organisers)];
      const t0 = Date.now();
      // 30 attempts at once for one account, from 30 addresses, half on each receiver: exactly the limit gets through.
      const answers = await Promise.all(Array.from({ length: 30 }, (_, index) => limiters[index % 2]!.attempt(`203.0.113.${index}`, 'target@union.example', t0)));
      assert.equal(answers.filter((answer) => answer.ok).length, LOGIN_LIMITS.perAccount.max);
      assert.ok(answers.filter((answer) => !answer.ok).every((answer) => !answer.ok && answer.limitedBy === 'account'));
      // 25 at once from one address, for 25 accounts: the address limit holds across both.
      const fromOne = await Promise.all(Array.from({ length: 25 }, (_, index) => limiters[index % 2]!.attempt('192.0.2.7', `guess-${index}@union.example`, t0)));
      assert.equal(fromOne.filter((answer) => answer.ok).length, LOGIN_LIMITS.perAddress.max);
      // A successful login on one receiver gives its slot back for both.
      const limited = await limiters[0]!.attempt('192.0.2.8', 'organiser@union.example', t0);
      assert.ok(limited.ok);
      for (let index = 0; index < LOGIN_LIMITS.perAccount.max - 1; index++) assert.ok((await limiters[1]!.attempt('192.0.2.9', 'organiser@union.example', t0)).ok);
      assert.equal((await limiters[1]!.attempt('192.0.2.9', 'organiser@union.example', t0)).ok, false, 'the account is full');
      await limited.release();
      assert.equal((await limiters[1]!.attempt('192.0.2.9', 'organiser@union.example', t0)).ok, true, 'a slot was given back');
      // Nothing readable is kept: only hashes of the keys.
      const { rows } = await first.pool.query<{ key_hash: string }>('SELECT key_hash FROM login_attempts');
      assert.ok(rows.length > 0 && rows.every((row) => /^[0-9a-f]{64}$/.test(row.key_hash)));
    } finally {
      await first.close();
      await second.close();
    }
  });

  test('npm run organiser on DATABASE_URL: the account logs in on a receiver of that database, and a reset there ends the session at once', async () => {
    const url = await cluster.createDatabase();
    const store = await openPostgresStore(url);
    const server = await startServer({}, { store });
    try {
      const password = 'a long enough password for the CLI';
      const added = await organiserCli(url, ['add', 'cli@union.example'], { ORGANISER_PASSWORD: password });
      assert.equal(added.code, 0, added.stderr);
      assert.match((await organiserCli(url, ['list'])).stdout, /cli@union\.example/);
      const answer = await login(server.url, 'cli@union.example', password);
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      const cookie = cookiePair(answer.setCookies);
      assert.equal((await me(server.url, cookie)).status, 200);
      const reset = await organiserCli(url, ['password', 'cli@union.example'], { ORGANISER_PASSWORD: 'another long enough password' });
      assert.equal(reset.code, 0, reset.stderr);
      assert.equal((await me(server.url, cookie)).status, 401, 'the session ended with the new password');
      assert.equal((await organiserCli(url, ['remove', 'cli@union.example'])).code, 0);
      assert.equal(await store.organisers.find('cli@union.example'), undefined);
    } finally {
      await server.close();
      await store.close();
    }
  });

  describe('HTTP rate limits across two receivers', () => {
    let url: string;
    let stores: PostgresStore[];
    let servers: TestServer[];
    const WRITE_MAX = 6;
    const READ_MAX = 20;
    before(async () => {
      url = await cluster.createDatabase();
      stores = [await openPostgresStore(url), await openPostgresStore(url)];
      const env = { RATE_LIMIT_MAX: String(WRITE_MAX), READ_RATE_LIMIT_MAX: String(READ_MAX), RATE_LIMIT_WINDOW_MS: String(10 * MINUTE) };
      // The second receiver seeds the same campaigns again: putCampaign is an upsert.
      servers = [await startServer(env, { store: stores[0]! }), await startServer(env, { store: stores[1]! })];
    });
    after(async () => {
      for (const server of servers ?? []) await server.close();
      for (const store of stores ?? []) await store.close();
    });

    test('signatures: the write budget is one budget for a client, whichever receiver it reaches', async () => {
      const statuses: number[] = [];
      for (let index = 0; index < WRITE_MAX + 3; index++) {
        statuses.push((await postJson(servers[index % 2]!.url, signature())).status);
      }
      assert.deepEqual(statuses, [...Array<number>(WRITE_MAX).fill(201), 429, 429, 429]);
      const refused = await postJson(servers[0]!.url, signature());
      assert.equal(refused.status, 429);
      assert.equal(refused.body.error, 'rate-limited');
      assert.ok(Number(refused.headers.get('retry-after')) > 0);
    });

    test('reads at the same moment on both receivers: exactly the read budget is answered', async () => {
      const answers = await Promise.all(Array.from({ length: READ_MAX + 15 }, (_, index) =>
        fetch(`${servers[index % 2]!.url}/api/campaigns/free-baltabay/count`).then(async (response) => {
          await response.arrayBuffer();
          return response.status;
        })));
      assert.equal(answers.filter((status) => status === 200).length, READ_MAX);
      assert.equal(answers.filter((status) => status === 429).length, 15);
      // The counts live in the database, per route budget and client.
      const { rows } = await stores[0]!.pool.query<{ key: string; count: number }>('SELECT key, count FROM rate_limits ORDER BY key');
      assert.ok(rows.some((row) => row.key === 'POST /api/signatures|127.0.0.1' && row.count === WRITE_MAX + 4), JSON.stringify(rows));
      assert.ok(rows.some((row) => row.key === 'GET /api/campaigns/:campaign/count|127.0.0.1' && row.count === READ_MAX + 15), JSON.stringify(rows));
    });
  });
});
