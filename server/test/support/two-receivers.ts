/**
 * Two PostgreSQL stores on one fresh database, as two receivers behind a load balancer hold
 * it: for the tests of what must hold across receivers.
 */
import { openPostgresStore, type PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import type { TestCluster } from './postgres.ts';

/** Runs `run` with two stores on a new database of `cluster`; closes both and drops the database after. */
export async function withTwoStores(cluster: TestCluster, run: (a: PostgresStore, b: PostgresStore) => Promise<void>): Promise<void> {
  const url = await cluster.createDatabase();
  const [a, b] = await Promise.all([openPostgresStore(url), openPostgresStore(url)]);
  try {
    await run(a, b);
  } finally {
    await Promise.all([a.close(), b.close()]);
    await cluster.dropDatabase(url);
  }
}
