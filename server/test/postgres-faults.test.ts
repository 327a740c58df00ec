/**
 * The database going away under load (SPEC §7, issue 17): a receiver process (main.ts) on PostgreSQL takes
 * signatures while the PostgreSQL server is stopped for a few seconds and started again.
 * Signatures in flight get 503 (which the widget retries), none is acknowledged that was not
 * committed, the receiver recovers by itself, and its log says what happened once, not once
 * per request.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { openPostgresStore } from '../src/store/postgres/postgres-store.ts';
import { postJson, signature, spawnMain, waitForExit } from './helpers.ts';
import { seedCampaigns } from './support/campaigns.ts';
import { postgresAvailable, startTestCluster, type TestCluster } from './support/postgres.ts';

const skip = postgresAvailable() ? false : 'PostgreSQL is not installed (apt-get install postgresql)';

describe('PostgreSQL restarted under load', { skip }, () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await startTestCluster();
  });
  after(async () => {
    await cluster?.destroy();
  });

  test('in-flight signatures get 503, nothing unstored is acknowledged, the receiver recovers and logs it once', async () => {
    const url = await cluster.createDatabase('faults');
    const seed = await openPostgresStore(url);
    await seedCampaigns(seed, ['durable']);
    await seed.close();
    const receiver = await spawnMain({ DATABASE_URL: url, LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '1000000', READ_RATE_LIMIT_MAX: '1000000', CAMPAIGN_RATE_LIMIT_MAX: '1000000' }, []);
    const acknowledged = new Set<string>();
    const refused = new Map<string, ReturnType<typeof signature>>();
    const statuses = new Map<number, number>();
    let running = true;
    const sender = async () => {
      while (running) {
        const body = signature({ campaign: 'durable' });
        const answer = await postJson(receiver.url, body).catch(() => ({ status: 0 }));
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        if (answer.status === 201) acknowledged.add(body.id);
        else {
          refused.set(body.id, body);
          // As the widget does: wait before the next try instead of hammering a receiver that said 503.
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      }
    };
    try {
      const senders = Array.from({ length: 16 }, sender);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await cluster.stopServer();
      await new Promise((resolve) => setTimeout(resolve, 3000));
      await cluster.startServer();
      // Long enough for the pool to reconnect on a loaded machine.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      running = false;
      await Promise.all(senders);

      assert.ok((statuses.get(503) ?? 0) > 0, `no 503 while the database was down: ${JSON.stringify([...statuses])}\n${receiver.output().slice(-3000)}`);
      assert.deepEqual([...statuses.keys()].filter((status) => status !== 201 && status !== 503), [], 'only 201 and 503 answers');
      assert.ok(acknowledged.size > 0);

      // The widget sends a refused signature again with the same id: each is stored once now.
      const retries = await Promise.all([...refused.values()].map((body) => postJson(receiver.url, body).then((answer) => answer.status)));
      assert.deepEqual(retries.filter((status) => status !== 201 && status !== 200), [], 'every retry stored or found stored');

      const client = new pg.Client(url);
      await client.connect();
      try {
        const ids = new Set((await client.query<{ id: string }>('SELECT id FROM signatures')).rows.map((row) => row.id));
        for (const id of acknowledged) assert.ok(ids.has(id), `acknowledged but not stored: ${id}`);
        assert.equal(ids.size, acknowledged.size + refused.size, 'every signature stored once, after its retries');
        const count = (await client.query<{ count: string }>(`SELECT count FROM campaign_counts WHERE campaign = 'durable'`)).rows[0]!.count;
        assert.equal(Number(count), ids.size);
      } finally {
        await client.end();
      }

      const log = receiver.output();
      assert.equal(log.match(/database unreachable/g)?.length, 1, `said once that the database went away:\n${log.slice(0, 4000)}`);
      assert.equal(log.match(/database reachable again/g)?.length, 1, 'said once that it came back');
      assert.doesNotMatch(log, /request failed/, 'no 500');
    } finally {
      running = false;
      receiver.child.kill('SIGTERM');
      await waitForExit(receiver.child);
      await cluster.dropDatabase(url).catch(() => undefined);
    }
  });
});
