/**
 * The connection pool to PostgreSQL (node-postgres) and what its errors mean to the receiver.
 *
 * Every session runs with synchronous_commit = on whatever the server's default: a COMMIT
 * returns only once the WAL is flushed, so a 201 means "on disk" as it does with SQLite's FULL.
 * BIGINT columns (times in ms, counts) come back as numbers: every value we store is far below
 * 2^53.
 */
import pg from 'pg';

/** How the pool is set up. */
export interface PoolOptions {
  /** Connections per receiver; default 10. */
  max?: number;
  /** How long a request waits for a connection before failing (503); default 5 s. */
  connectionTimeoutMillis?: number;
}

const BIGINT_OID = 20;
const parseBigint = (value: string): number => Number(value);
const TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === BIGINT_OID ? parseBigint : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** A pool on `url` (postgres://user:password@host:port/database). */
export function createPool(url: string, options: PoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMillis ?? 5_000,
    idleTimeoutMillis: 30_000,
    // A statement that waits this long (a lock held by a stuck session) fails instead of hanging a request.
    statement_timeout: 30_000,
    options: '-c synchronous_commit=on',
    types: TYPES,
    application_name: 'appeal-widget receiver',
  });
  // An idle client losing its connection (server restart) must not crash the process; the pool
  // drops it and the next query opens a new one.
  pool.on('error', () => undefined);
  return pool;
}

/** Codes of PostgreSQL errors that say "the database cannot be reached or is going away", not "this query is wrong". */
const UNAVAILABLE_SQLSTATE = /^(08|57P0[1-3]|53300|53100|58)/;
const UNAVAILABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const UNAVAILABLE_MESSAGES = /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|not queryable|Connection terminated unexpectedly/i;

/** True for an error that means PostgreSQL is down or unreachable (answer 503 and let the widget retry). */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  if ((error as { databaseUnavailable?: unknown }).databaseUnavailable === true) return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_NODE_CODES.has(code))) return true;
  const message = (error as { message?: unknown }).message;
  return typeof message === 'string' && UNAVAILABLE_MESSAGES.test(message);
}

/** Codes after which the same transaction, run again, may well succeed (deadlock, serialisation). */
export function isRetryableConflict(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '40P01' || code === '40001';
}

/** Runs `work` on one client of `pool`; a client whose connection failed is destroyed, not handed on. */
export async function onClient<T>(pool: pg.Pool, work: (client: pg.PoolClient, discard: () => void) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  // A checked-out client whose connection dies (server shutdown) emits 'error'; unheard, that
  // would crash the process. The query in progress fails with it, and the client is discarded.
  const onError = (): void => {
    broken = true;
  };
  client.on('error', onError);
  try {
    return await work(client, onError);
  } catch (error) {
    if (isDatabaseUnavailable(error)) broken = true;
    throw error;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}

/** Runs `work` in a transaction on one client; COMMIT on success, ROLLBACK on failure. */
export function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  return onClient(pool, async (client, discard) => {
    await client.query('BEGIN');
    try {
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      // A failed ROLLBACK leaves the connection in an unknown state: it is not handed on.
      await client.query('ROLLBACK').catch(discard);
      throw error;
    }
  });
}

/** Runs `work` in a transaction (or, with `run` = onClient, as statements of their own), again (up to `tries` times) after a deadlock or a serialisation failure. */
export async function withRetries<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
  tries = 5,
  run: typeof inTransaction = inTransaction,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run(pool, work);
    } catch (error) {
      if (attempt >= tries || !isRetryableConflict(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * attempt));
    }
  }
}
