/**
 * Copies the rows of a receiver's SQLite file into a migrated PostgreSQL database, so a test can
 * ask both stores the same question about the same data and compare the answers. Columns both
 * schemas have are copied as they are (seq included: an erased row's placeholder names it); the
 * counts are made by PostgreSQL's own triggers as the rows go in. And `dumpTables`: every row of
 * the receiver's tables in one comparable shape, from either database.
 */
import type Database from 'better-sqlite3';
import type pg from 'pg';

/** The tables a test compares, parents first (foreign keys). */
export const RECEIVER_TABLES = ['campaigns', 'signatures', 'campaign_counts', 'letters', 'digests', 'digest_entries', 'confirmations', 'receipts', 'console_log'] as const;
/** Made by the triggers, not copied. */
const DERIVED = new Set(['campaign_counts']);
/** How each table's rows are ordered in a dump. */
const ORDER: Record<(typeof RECEIVER_TABLES)[number], string> = {
  campaigns: 'id', signatures: 'seq', campaign_counts: 'campaign', letters: 'id', digests: 'id',
  digest_entries: 'signature_id, target_email', confirmations: 'signature_id', receipts: 'signature_id', console_log: 'seq',
};

async function postgresColumns(pool: pg.Pool, table: string): Promise<string[]> {
  const { rows } = await pool.query<{ column_name: string }>(
    'SELECT column_name FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position',
    [table],
  );
  return rows.map((row) => row.column_name);
}

/** Inserts every row of `sqlite`'s receiver tables into `pool`'s (empty) ones. */
export async function copySqliteToPostgres(sqlite: Database.Database, pool: pg.Pool): Promise<void> {
  for (const table of RECEIVER_TABLES) {
    if (DERIVED.has(table)) continue;
    const sqliteColumns = new Set((sqlite.pragma(`table_info(${table})`) as { name: string }[]).map((column) => column.name));
    const columns = (await postgresColumns(pool, table)).filter((column) => sqliteColumns.has(column));
    const rows = sqlite.prepare(`SELECT ${columns.join(', ')} FROM ${table} ORDER BY ${ORDER[table]}`).raw().all() as unknown[][];
    const identity = table === 'signatures' || table === 'console_log' ? ' OVERRIDING SYSTEM VALUE' : '';
    for (let start = 0; start < rows.length; start += 200) {
      const chunk = rows.slice(start, start + 200);
      const values = chunk.map((_row, r) => `(${columns.map((_column, c) => `$${r * columns.length + c + 1}`).join(', ')})`).join(', ');
      await pool.query(`INSERT INTO ${table} (${columns.join(', ')})${identity} VALUES ${values}`, chunk.flat());
    }
    if (identity !== '' && rows.length > 0) {
      // The next identity value after the copied ones, as SQLite's next rowid would be.
      await pool.query(`SELECT setval(pg_get_serial_sequence('${table}', 'seq'), (SELECT max(seq) FROM ${table}))`);
    }
  }
}

type Dump = Record<string, Record<string, unknown>[]>;

/** Every row of the receiver's tables from PostgreSQL, as comparable values (columns both schemas have: `columns`). */
export async function dumpPostgres(pool: pg.Pool, columns: Record<string, string[]>): Promise<Dump> {
  const dump: Dump = {};
  for (const table of RECEIVER_TABLES) {
    const { rows } = await pool.query(`SELECT ${columns[table]!.join(', ')} FROM ${table} ORDER BY ${ORDER[table]}`);
    dump[table] = rows;
  }
  return dump;
}

/** The same from SQLite. */
export function dumpSqlite(sqlite: Database.Database, columns: Record<string, string[]>): Dump {
  const dump: Dump = {};
  for (const table of RECEIVER_TABLES) {
    dump[table] = sqlite.prepare(`SELECT ${columns[table]!.join(', ')} FROM ${table} ORDER BY ${ORDER[table]}`).all() as Record<string, unknown>[];
  }
  return dump;
}

/** The columns each table has in both schemas. */
export async function sharedColumns(sqlite: Database.Database, pool: pg.Pool): Promise<Record<string, string[]>> {
  const shared: Record<string, string[]> = {};
  for (const table of RECEIVER_TABLES) {
    const sqliteColumns = new Set((sqlite.pragma(`table_info(${table})`) as { name: string }[]).map((column) => column.name));
    shared[table] = (await postgresColumns(pool, table)).filter((column) => sqliteColumns.has(column));
  }
  return shared;
}
