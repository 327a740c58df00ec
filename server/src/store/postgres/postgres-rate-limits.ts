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
 * - The counts waiting at the end of an event-loop turn go together, with the form tokens' uses,
 *   as one statement (request-writes.ts): a burst costs one round trip per turn, not one per
 *   request, and one row lock per key, not per request.
 * - Ended windows are deleted at most once a minute per receiver, in the background.
 */
import type pg from 'pg';
import type { RateLimitCounters } from '../store.ts';
import { NOW_MS, type RequestWrites } from './request-writes.ts';

const SWEEP_EVERY_MS = 60_000;

/** The rate limits' counters on `pool` (migrated), counted by `writes`. */
export function createPostgresRateLimits(pool: pg.Pool, writes: RequestWrites): RateLimitCounters {
  let lastSweep = 0;
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
      return writes.count(key, windowMs);
    },
  };
}
