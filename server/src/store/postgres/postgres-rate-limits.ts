/**
 * The HTTP rate limits' counters on PostgreSQL (Store.rateLimits), so a client's budget is one
 * budget however many receivers its requests reach behind the load balancer.
 *
 * - Fixed windows, as @fastify/rate-limit's own in-memory store keeps them: a key's window starts
 *   with its first request and lasts `windowMs`; the count restarts after it.
 * - The window is timed by the database's clock, not each receiver's, so receivers whose clocks
 *   differ still agree on when a window ends.
 * - The table is UNLOGGED (migration 2): a count costs no WAL flush. The price: a database crash
 *   forgets the current windows, and standbys do not have them.
 * - Requests that arrive while an update is on its way are counted together in the next single
 *   statement, whatever their keys (coalesced-statement.ts): each key once, +n for its n requests,
 *   and each request gets its own place in its window (count − n + 1 … count). A burst costs one
 *   round trip per batch, not one per request, and one row lock per key, not per request.
 * - Ended windows are deleted at most once a minute per receiver, in the background.
 */
import type pg from 'pg';
import type { RateLimitCounters } from '../store.ts';
import { coalesced } from './coalesced-statement.ts';
import { onClient, withRetries } from './pool.ts';

const NOW_MS = '(extract(epoch FROM statement_timestamp()) * 1000)::bigint';

/**
 * Adds n requests to each key, restarting a key's window of its ms when it has ended; each key's
 * count after, and the ms left. In key order, so two receivers' statements lock shared keys in
 * the same order and cannot deadlock.
 */
const COUNT = `
  INSERT INTO rate_limits AS r (key, count, expires_at)
  SELECT key, n, ${NOW_MS} + window_ms FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS t(key, n, window_ms) ORDER BY key
  ON CONFLICT (key) DO UPDATE SET
    count = CASE WHEN r.expires_at <= ${NOW_MS} THEN excluded.count ELSE r.count + excluded.count END,
    expires_at = CASE WHEN r.expires_at <= ${NOW_MS} THEN excluded.expires_at ELSE r.expires_at END
  RETURNING key, count, expires_at - ${NOW_MS} AS ttl`;

const SWEEP_EVERY_MS = 60_000;

interface Increment {
  key: string;
  windowMs: number;
}

/** The rate limits' counters on `pool` (migrated). */
export function createPostgresRateLimits(pool: pg.Pool): RateLimitCounters {
  let lastSweep = 0;
  const increment = coalesced(async (increments: Increment[]): Promise<{ count: number; ttlMs: number }[]> => {
    // Per key: how many requests, and the window its first one asked for.
    const perKey = new Map<string, { n: number; windowMs: number }>();
    for (const { key, windowMs } of increments) {
      const entry = perKey.get(key);
      if (entry) entry.n += 1;
      else perKey.set(key, { n: 1, windowMs });
    }
    const { rows } = await withRetries(pool, (client) => client.query<{ key: string; count: number; ttl: number }>({
      name: 'rate-limit-count',
      text: COUNT,
      values: [[...perKey.keys()], [...perKey.values()].map((entry) => entry.n), [...perKey.values()].map((entry) => entry.windowMs)],
    }), 5, onClient);
    const after = new Map(rows.map((row) => [row.key, row]));
    // The requests of one key take its last n places, in the order they came.
    const taken = new Map<string, number>();
    return increments.map(({ key }) => {
      const { count, ttl } = after.get(key)!;
      const place = taken.get(key) ?? 0;
      taken.set(key, place + 1);
      return { count: count - perKey.get(key)!.n + 1 + place, ttlMs: Math.max(0, ttl) };
    });
  });

  const sweep = (): void => {
    const now = Date.now();
    if (now - lastSweep < SWEEP_EVERY_MS) return;
    lastSweep = now;
    // Best effort: an ended window that stays is restarted by its next request anyway.
    pool.query(`DELETE FROM rate_limits WHERE expires_at <= ${NOW_MS}`).catch(() => undefined);
  };

  return {
    increment(key, windowMs) {
      sweep();
      return increment({ key, windowMs });
    },
  };
}
