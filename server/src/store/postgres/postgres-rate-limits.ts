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
 * - Requests for one key that arrive while that key's update is on its way are counted together
 *   in the next single update (+n), and each gets its own place in the window (count − n + 1 …
 *   count): a burst from one address costs one round trip per batch, not one row lock per request.
 * - Ended windows are deleted at most once a minute per receiver, in the background.
 */
import type pg from 'pg';
import type { RateLimitCounters } from '../store.ts';

const NOW_MS = '(extract(epoch FROM statement_timestamp()) * 1000)::bigint';

/** Adds $2 requests to key $1, restarting its window of $3 ms when it has ended; the count after, and the ms left. */
const COUNT = `
  INSERT INTO rate_limits AS r (key, count, expires_at) VALUES ($1, $2::bigint, ${NOW_MS} + $3::bigint)
  ON CONFLICT (key) DO UPDATE SET
    count = CASE WHEN r.expires_at <= ${NOW_MS} THEN excluded.count ELSE r.count + excluded.count END,
    expires_at = CASE WHEN r.expires_at <= ${NOW_MS} THEN excluded.expires_at ELSE r.expires_at END
  RETURNING count, expires_at - ${NOW_MS} AS ttl`;

const SWEEP_EVERY_MS = 60_000;

interface Waiter {
  resolve(value: { count: number; ttlMs: number }): void;
  reject(error: unknown): void;
}

/** The rate limits' counters on `pool` (migrated). */
export function createPostgresRateLimits(pool: pg.Pool): RateLimitCounters {
  /** Per key: the requests waiting for the next update (the one before is still on its way). */
  const waiting = new Map<string, { windowMs: number; waiters: Waiter[] }>();
  const sending = new Set<string>();
  let lastSweep = 0;

  const send = async (key: string): Promise<void> => {
    const batch = waiting.get(key);
    if (batch === undefined) return;
    waiting.delete(key);
    sending.add(key);
    const n = batch.waiters.length;
    try {
      const { rows } = await pool.query<{ count: number; ttl: number }>(COUNT, [key, n, batch.windowMs]);
      const { count, ttl } = rows[0]!;
      batch.waiters.forEach((waiter, index) => waiter.resolve({ count: count - n + 1 + index, ttlMs: Math.max(0, ttl) }));
    } catch (error) {
      for (const waiter of batch.waiters) waiter.reject(error);
    } finally {
      sending.delete(key);
      if (waiting.has(key)) void send(key);
    }
  };

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
      return new Promise((resolve, reject) => {
        let batch = waiting.get(key);
        if (batch === undefined) {
          batch = { windowMs, waiters: [] };
          waiting.set(key, batch);
        }
        batch.waiters.push({ resolve, reject });
        if (!sending.has(key)) void send(key);
      });
    },
  };
}
