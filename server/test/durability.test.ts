import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { csvRecords, getCount, getCsv, postJson, signature, spawnMain, sqliteOnly, tempDir, waitForExit } from './helpers.ts';

const TOKEN = 'durability-token-0123456789';

test('an acknowledged signature survives SIGKILL right after the 201', { skip: sqliteOnly('about the SQLite file; the PostgreSQL receivers are killed in postgres-cluster.test.ts') }, async () => {
  const dir = tempDir();
  const env = { DATABASE_PATH: join(dir, 'signatures.sqlite'), EXPORT_TOKEN: TOKEN };
  let first: Awaited<ReturnType<typeof spawnMain>> | undefined;
  try {
    first = await spawnMain(env);
    const payloads = [signature({ campaign: 'durable' }), signature({ campaign: 'durable' }, { firstName: 'Last before kill' })];
    let killed: Promise<unknown> = Promise.resolve();
    for (const [index, payload] of payloads.entries()) {
      const response = await postJson(first.url, payload);
      assert.equal(response.status, 201);
      if (index === payloads.length - 1) {
        first.child.kill('SIGKILL'); // no graceful close: no checkpoint, no db.close()
        killed = waitForExit(first.child);
      }
    }
    assert.equal((await killed as { signal: string }).signal, 'SIGKILL');

    const second = await spawnMain(env, []);
    try {
      assert.equal(await getCount(second.url, 'durable'), 2);
      const records = csvRecords((await getCsv(second.url, 'durable', TOKEN)).text);
      assert.deepEqual(records.map((record) => record.id), payloads.map((payload) => payload.id));
      assert.equal(records[1]?.first_name, 'Last before kill');
      // The retry of the killed request is recognised, not counted twice.
      assert.equal((await postJson(second.url, payloads[1])).status, 200);
    } finally {
      second.child.kill('SIGTERM');
      const exit = await waitForExit(second.child);
      assert.equal(exit.code, 0, `graceful SIGTERM exit\n${second.output()}`);
    }
  } finally {
    // A failed assertion above must not leave the receiver running (and the test run hanging).
    first?.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
