#!/usr/bin/env node
// `npm run test:postgres`: the server suite again, every receiver on PostgreSQL
// (APPEAL_TEST_STORE=postgres: each test server gets a fresh database in a throwaway cluster,
// see server/test/helpers.ts). Left out, each for its reason:
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const LEFT_OUT = {
  // Already run by test:node: they start PostgreSQL clusters of their own.
  'postgres-store.test.ts': 'PostgreSQL-only, run by test:node',
  'postgres-letters.test.ts': 'PostgreSQL-only, run by test:node',
  'postgres-faults.test.ts': 'PostgreSQL-only, run by test:node',
  'postgres-cluster.test.ts': 'PostgreSQL-only, run by test:node',
  'postgres-accounts.test.ts': 'PostgreSQL-only, run by test:node',
  'postgres-overview.test.ts': 'PostgreSQL-only, run by test:node',
  'postgres-campaign-rate.test.ts': 'PostgreSQL-only, run by test:node',
  'postgres-quarantine.test.ts': 'PostgreSQL-only, run by test:node',
  // Unit tests of SQLite modules themselves (no receiver): the same code in both passes.
  'database.test.ts': 'the SQLite signatures file: WAL, migrations, max_page_count',
  'letters-worker.test.ts': 'the worker on the SQLite queue (the PostgreSQL queue: postgres-letters.test.ts)',
  'letters-receipt.test.ts': 'receipts on the SQLite queue (through the receiver: letters-receiver.test.ts)',
  'letters-digest-limits.test.ts': 'digest limits on the SQLite queue',
  'durability.test.ts': 'the SQLite file surviving SIGKILL (PostgreSQL receivers are killed in postgres-cluster.test.ts)',
  // Seeded by writing the SQLite file directly; the same answers on PostgreSQL, from the same data: postgres-overview.test.ts.
  'console-campaigns.test.ts': 'seeds the SQLite file directly (on PostgreSQL: postgres-overview.test.ts)',
  'console-erasure.test.ts': 'seeds and inspects the SQLite file directly (on PostgreSQL: postgres-overview.test.ts)',
};

const files = readdirSync('server/test').filter((name) => name.endsWith('.test.ts') && !(name in LEFT_OUT)).sort();
for (const [name, reason] of Object.entries(LEFT_OUT)) process.stdout.write(`# not on PostgreSQL: ${name} (${reason})\n`);
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...files.map((name) => `server/test/${name}`)], {
  stdio: 'inherit',
  env: { ...process.env, APPEAL_TEST_STORE: 'postgres' },
});
process.exit(result.status ?? 1);
