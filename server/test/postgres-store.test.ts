/**
 * The PostgreSQL store against a real, throwaway PostgreSQL 15 cluster (support/postgres.ts):
 * versioned migrations (a failing step changes nothing; two receivers starting at once migrate
 * once), signatures with the same outcomes and export rows as SQLite's, de-duplication by the
 * database under two receivers' concurrent batches, O(1) counts, and the database going away
 * and coming back.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { NewLetter } from '../src/letters/letters-for-signature.ts';
import type { SignaturePayload } from '../src/signature-schema.ts';
import { migratePostgres, schemaVersion } from '../src/store/postgres/migrations.ts';
import { createPool, isDatabaseUnavailable } from '../src/store/postgres/pool.ts';
import { openPostgresStore, type PostgresStore } from '../src/store/postgres/postgres-store.ts';
import { POSTGRES_MIGRATIONS } from '../src/store/postgres/schema.ts';
import { openSqliteStore } from '../src/store/sqlite-store.ts';
import { MAIN, REPO_ROOT, signature, tempDir } from './helpers.ts';
import { seedCampaigns } from './support/campaigns.ts';
import { postgresAvailable, startTestCluster, type TestCluster } from './support/postgres.ts';
import { withTwoStores } from './support/two-receivers.ts';

const skip = postgresAvailable() ? false : 'PostgreSQL is not installed (apt-get install postgresql)';

describe('PostgreSQL store', { skip }, () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await startTestCluster();
  });
  after(async () => {
    await cluster?.destroy();
  });

  const withStore = async (run: (store: PostgresStore, url: string) => Promise<void>) => {
    const url = await cluster.createDatabase();
    const store = await openPostgresStore(url);
    try {
      await run(store, url);
    } finally {
      await store.close();
      await cluster.dropDatabase(url);
    }
  };

  test('a fresh database is migrated to the newest version, and reopening migrates nothing', async () => {
    const url = await cluster.createDatabase();
    const pool = createPool(url);
    try {
      assert.equal(await schemaVersion(pool), 0);
      assert.equal(await migratePostgres(pool), POSTGRES_MIGRATIONS.length);
      assert.equal(await schemaVersion(pool), POSTGRES_MIGRATIONS.length);
      assert.equal(await migratePostgres(pool), 0);
    } finally {
      await pool.end();
      await cluster.dropDatabase(url);
    }
  });

  test('a migration that fails leaves the schema as the previous step left it', async () => {
    const url = await cluster.createDatabase();
    const pool = createPool(url);
    try {
      const steps = [
        { name: 'first', sql: 'CREATE TABLE first_table (a INTEGER)' },
        // Creates a table, then fails: the table must not survive.
        { name: 'broken', sql: 'CREATE TABLE half_done (b INTEGER); ALTER TABLE no_such_table ADD COLUMN c INTEGER' },
      ];
      await assert.rejects(migratePostgres(pool, steps), /migration 2 \(broken\) failed, schema left at version 1/);
      assert.equal(await schemaVersion(pool), 1);
      const tables = await pool.query<{ name: string }>(
        `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
      );
      assert.deepEqual(tables.rows.map((row) => row.name), ['first_table', 'schema_migrations']);
      // A newer database than the receiver knows is refused, not "migrated back".
      await assert.rejects(migratePostgres(pool, []), /schema version 1 is newer than this receiver knows \(0\)/);
    } finally {
      await pool.end();
      await cluster.dropDatabase(url);
    }
  });

  test('two receivers starting at once migrate the database once', async () => {
    const url = await cluster.createDatabase();
    const pools = [createPool(url), createPool(url), createPool(url)];
    try {
      const applied = await Promise.all(pools.map((pool) => migratePostgres(pool)));
      // Each step once, whichever receiver took the lock for it (the lock is held per step).
      assert.equal(applied.reduce((sum, steps) => sum + steps, 0), POSTGRES_MIGRATIONS.length);
      const { rows } = await pools[0]!.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
      assert.equal(rows[0]!.n, POSTGRES_MIGRATIONS.length);
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
      await cluster.dropDatabase(url);
    }
  });

  test('sessions commit synchronously: an acknowledged signature has reached the WAL on disk', async () => {
    await withStore(async (store) => {
      const { rows } = await store.pool.query<{ synchronous_commit: string; fsync: string }>(
        `SELECT current_setting('synchronous_commit') AS synchronous_commit, current_setting('fsync') AS fsync`,
      );
      assert.deepEqual(rows[0], { synchronous_commit: 'on', fsync: 'on' });
    });
  });

  test('an id is stored once and an address once per campaign, with the same outcomes and counts as SQLite', async () => {
    await withStore(async (store) => {
      const first = signature({ campaign: 'race' }) as SignaturePayload;
      assert.deepEqual(await store.insertSignature(first, 'json'), { outcome: 'created', count: 1 });
      assert.deepEqual(await store.insertSignature(first, 'json'), { outcome: 'duplicate-id', count: 1 });
      const sameEmail = { ...(signature({ campaign: 'race' }) as SignaturePayload), signer: { email: ` ${first.signer.email.toUpperCase()}` } };
      assert.deepEqual(await store.insertSignature(sameEmail, 'form'), { outcome: 'duplicate-email', count: 1 });
      // Another campaign: the same address signs again.
      assert.deepEqual(await store.insertSignature({ ...first, id: randomUUID(), campaign: 'other' }, 'json'), { outcome: 'created', count: 1 });
      assert.equal(await store.countSignatures('race'), 1);
      assert.equal(await store.countSignatures('nobody-signed'), 0);
      const { rows } = await store.pool.query<{ repeats: number }>(`SELECT repeats FROM campaign_counts WHERE campaign = 'race'`);
      assert.equal(rows[0]!.repeats, 1);
    });
  });

  test('a batch (same event-loop turn) gives each signature its own outcome and count, retries inside it included', async () => {
    await withStore(async (store) => {
      const a = signature({ campaign: 'batch' }) as SignaturePayload;
      const b = signature({ campaign: 'batch' }) as SignaturePayload;
      const sameEmailAsA = { ...(signature({ campaign: 'batch' }) as SignaturePayload), signer: { ...a.signer } };
      const results = await Promise.all([
        store.insertSignature(a, 'json'),
        store.insertSignature(a, 'json'),
        store.insertSignature(sameEmailAsA, 'json'),
        store.insertSignature(b, 'json'),
      ]);
      assert.deepEqual(results, [
        { outcome: 'created', count: 1 },
        { outcome: 'duplicate-id', count: 1 },
        { outcome: 'duplicate-email', count: 1 },
        { outcome: 'created', count: 2 },
      ]);
    });
  });

  test('a new signature brings its letters and confirmation in the same transaction; a retry brings none', async () => {
    await withStore(async (store) => {
      const payload = signature({ campaign: 'race' }) as SignaturePayload;
      const letter = (id: string, status: NewLetter['status']): NewLetter => ({
        id, targetName: 'Minister', targetEmail: 'minister@gov.example', recipientEmail: 'minister@gov.example',
        subject: 'Free him', body: 'Dear Minister', createdAt: 1_000, nextAttemptAt: 1_000, status,
      });
      await store.insertSignature(payload, 'json', [letter(randomUUID(), 'awaiting-confirmation')], [
        { targetName: 'Office', targetEmail: 'office@gov.example', editedSubject: null, editedBody: null, createdAt: 1_000 },
      ]);
      await store.insertSignature(payload, 'json', [letter(randomUUID(), 'queued')]);
      const counts = await store.pool.query<{ letters: number; confirmations: number; entries: number; status: string }>(
        `SELECT (SELECT count(*)::int FROM letters) AS letters, (SELECT count(*)::int FROM confirmations) AS confirmations,
                (SELECT count(*)::int FROM digest_entries) AS entries, (SELECT status FROM letters LIMIT 1) AS status`,
      );
      assert.deepEqual(counts.rows[0], { letters: 1, confirmations: 1, entries: 1, status: 'awaiting-confirmation' });
    });
  });

  test('the export lists the same rows, column for column, as the SQLite store', async () => {
    const dir = tempDir();
    const sqlite = openSqliteStore(join(dir, 'signatures.sqlite'));
    try {
      await withStore(async (store) => {
        await seedCampaigns(store, ['export']);
        await seedCampaigns(sqlite, ['export']);
        const payloads = [
          signature({ campaign: 'export' }),
          signature({ campaign: 'export', consent: { updates: false, text: 'no' } }),
          signature({ campaign: 'export', locale: undefined, source: undefined, message: undefined }),
        ] as SignaturePayload[];
        for (const payload of payloads) {
          await store.insertSignature(payload, 'form');
          await sqlite.insertSignature(payload, 'form');
        }
        const strip = (rows: Record<string, unknown>[]) => rows.map(({ received_at: _received, ...row }) => row);
        assert.deepEqual(strip(await store.listSignatures('export') as never), strip(await sqlite.listSignatures('export') as never));
        assert.deepEqual(
          strip(await store.listSignatures('export', { consentingOnly: true, afterSeq: 0, limit: 10 }) as never),
          strip(await sqlite.listSignatures('export', { consentingOnly: true, afterSeq: 0, limit: 10 }) as never),
        );
        const second = await store.listSignatures('export', { afterSeq: 1, limit: 1 });
        assert.equal(second.length, 1);
        assert.equal(second[0]!.id, payloads[1]!.id);
        const campaigns = await store.listCampaigns();
        assert.deepEqual(campaigns.map((c) => ({ ...c, updatedAt: '' })), (await sqlite.listCampaigns()).map((c) => ({ ...c, updatedAt: '' })));
        assert.equal(await store.putCampaign('export', { document: { id: 'export' }, status: 'closed', delivery: (await store.getCampaign('export'))!.delivery }), 'updated');
        assert.equal((await store.getCampaign('export'))?.status, 'closed');
        assert.equal(await store.setSendingPaused('export', true), true);
        assert.equal(await store.setSendingPaused('no-such', true), false);
        assert.equal((await store.getCampaign('export'))?.sendingPaused, true);
      });
    } finally {
      await sqlite.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('two receivers inserting the same ids and addresses at once store each id and each address once', async () => {
    await withTwoStores(cluster, async (a, b) => {
      // 1500 distinct signatures; every third sent to both receivers (the same id), every fifth
      // again with a new id but the same address (only in another letter case).
      const payloads = Array.from({ length: 1500 }, () => signature({ campaign: 'concurrent' }) as SignaturePayload);
      const sends: Promise<{ outcome: string; id: string; email: string }>[] = [];
      payloads.forEach((payload, index) => {
        const send = (store: PostgresStore, body: SignaturePayload) =>
          store.insertSignature(body, 'json').then((result) => ({ outcome: result.outcome, id: body.id, email: body.signer.email.toLowerCase() }));
        sends.push(send(index % 2 === 0 ? a : b, payload));
        if (index % 3 === 0) sends.push(send(index % 2 === 0 ? b : a, payload));
        if (index % 5 === 0) sends.push(send(b, { ...payload, id: randomUUID(), signer: { ...payload.signer, email: payload.signer.email.toUpperCase() } }));
      });
      const results = await Promise.all(sends);
      const created = results.filter((result) => result.outcome === 'created');
      assert.equal(created.length, 1500, 'one signature created per address');
      assert.equal(new Set(created.map((result) => result.email)).size, 1500);
      const { rows } = await a.pool.query<{ n: number; ids: number; emails: number }>(
        `SELECT count(*)::int AS n, count(DISTINCT id)::int AS ids, count(DISTINCT email_normalised)::int AS emails FROM signatures`,
      );
      assert.deepEqual(rows[0], { n: 1500, ids: 1500, emails: 1500 });
      assert.equal(await a.countSignatures('concurrent'), 1500);
      assert.equal(await b.countSignatures('concurrent'), 1500);
      // Each outcome tells the truth about the database: which copy of an address won the race is
      // not fixed (the new-id copy may beat the original), but a duplicate-id names a stored id, a
      // duplicate-email an id that was not stored, and every stored id was answered 'created'.
      const stored = new Set((await a.pool.query<{ id: string }>('SELECT id FROM signatures')).rows.map((row) => row.id));
      assert.deepEqual(new Set(created.map((result) => result.id)), stored);
      for (const result of results) {
        if (result.outcome === 'duplicate-id') assert.ok(stored.has(result.id), `duplicate-id for an id not stored: ${result.id}`);
        if (result.outcome === 'duplicate-email') assert.ok(!stored.has(result.id), `duplicate-email for a stored id: ${result.id}`);
      }
      assert.equal(results.length, 1500 + 500 + 300);
    });
  });

  test('the database stopped: inserts fail as "unavailable" (never acknowledged), and the store recovers by itself', async () => {
    await withStore(async (store) => {
      const before = signature({ campaign: 'durable' }) as SignaturePayload;
      assert.equal((await store.insertSignature(before, 'json')).outcome, 'created');
      await cluster.stopServer();
      let failure: unknown;
      try {
        const during = signature({ campaign: 'durable' }) as SignaturePayload;
        await store.insertSignature(during, 'json').then(
          () => assert.fail('acknowledged while the database was down'),
          (error: unknown) => {
            failure = error;
          },
        );
        assert.equal(isDatabaseUnavailable(failure), true, `not classified as unavailable: ${String(failure)}`);
      } finally {
        await cluster.startServer();
      }
      const afterwards = signature({ campaign: 'durable' }) as SignaturePayload;
      assert.deepEqual(await store.insertSignature(afterwards, 'json'), { outcome: 'created', count: 2 });
    });
  });
});

test('with DATABASE_URL and no database there, main.ts refuses to start, says why, and never shows the password', { skip }, () => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', MAIN], {
    cwd: REPO_ROOT,
    // Nothing listens there.
    env: { PATH: process.env.PATH ?? '', PORT: '0', DATABASE_URL: 'postgres://appeal:s3cret@127.0.0.1:1/appeal' },
    encoding: 'utf8',
    timeout: 15_000,
  });
  assert.equal(result.status, 1, result.stderr);
  assert.match(result.stderr, /refusing to start, cannot open the database/);
  assert.ok(!result.stderr.includes('s3cret'));
});
