/**
 * Versioned migrations on PostgreSQL. `schema_migrations` records each step that ran (version,
 * name, when). Every step runs in its own transaction with its row in schema_migrations, so a
 * step that fails leaves the schema exactly as the previous step left it (PostgreSQL's DDL is
 * transactional) and the receiver refuses to start, naming the step and the error.
 *
 * Several receivers starting at once: the first takes a transaction-level advisory lock and
 * migrates; the others wait on the lock, then find nothing left to do.
 */
import type pg from 'pg';
import { POSTGRES_MIGRATIONS } from './schema.ts';

/** The advisory lock key all receivers of this schema agree on (any fixed 64-bit number). */
const MIGRATION_LOCK = 7_304_171_017;

/** One schema step. */
export interface PostgresMigration {
  name: string;
  sql: string;
}

/** Brings the database to the newest schema; refuses one written by a newer receiver. Returns the steps applied. */
export async function migratePostgres(pool: pg.Pool, migrations: readonly PostgresMigration[] = POSTGRES_MIGRATIONS): Promise<number> {
  const client = await pool.connect();
  let applied = 0;
  // The connection dying mid-migration fails the step in progress (rolled back by the server).
  const onError = (): void => undefined;
  client.on('error', onError);
  try {
    // Under the lock as well: two receivers running CREATE TABLE IF NOT EXISTS at the same moment
    // can both find it missing, and the second then fails on the catalog's unique indexes.
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version    INTEGER PRIMARY KEY,
        name       TEXT NOT NULL,
        applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
      )`);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
    for (;;) {
      await client.query('BEGIN');
      try {
        await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
        const { rows } = await client.query<{ version: number | null }>('SELECT max(version) AS version FROM schema_migrations');
        const version = rows[0]?.version ?? 0;
        if (version > migrations.length) {
          throw new Error(`database schema version ${version} is newer than this receiver knows (${migrations.length}); upgrade the receiver`);
        }
        if (version === migrations.length) {
          await client.query('COMMIT');
          return applied;
        }
        const step = migrations[version]!;
        try {
          await client.query(step.sql);
        } catch (error) {
          throw new Error(`migration ${version + 1} (${step.name}) failed, schema left at version ${version}: ${(error as Error).message}`, { cause: error });
        }
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [version + 1, step.name]);
        await client.query('COMMIT');
        applied += 1;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    }
  } finally {
    client.off('error', onError);
    client.release();
  }
}

/** The schema version the database is at (0: none yet). */
export async function schemaVersion(pool: pg.Pool): Promise<number> {
  const exists = await pool.query<{ found: boolean }>(`SELECT to_regclass('schema_migrations') IS NOT NULL AS found`);
  if (!exists.rows[0]?.found) return 0;
  const { rows } = await pool.query<{ version: number | null }>('SELECT max(version) AS version FROM schema_migrations');
  return rows[0]?.version ?? 0;
}
