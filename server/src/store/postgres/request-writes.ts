/**
 * The small writes each request makes before its signature is stored, on PostgreSQL: the rate
 * limits' counts (postgres-rate-limits.ts) and the form tokens' uses (postgres-quarantine.ts).
 * All those waiting at the end of an event-loop turn go as ONE statement, whatever their kind
 * (coalesced-statement.ts): a request's address count, its campaign's count and its token would
 * otherwise each cost a round trip of their own, and with two receivers each carried so few
 * requests that the round trips, not the rows, were the receivers' and the database's work.
 *
 * - Counts: fixed windows timed by the database's clock; each key once, +n for its n requests,
 *   each request then taking its own place in the window (count − n + 1 … count).
 * - Token uses: the first use of each nonce is kept, and every use answers the id of that first
 *   one. DO UPDATE rather than DO NOTHING: it waits for a first use racing on another receiver
 *   and returns that row once committed, in the same statement.
 * - Keys, then nonces, each in order: two receivers' statements lock shared rows in one order
 *   and cannot deadlock (and a deadlock would be retried).
 */
import type pg from 'pg';
import { coalesced } from './coalesced-statement.ts';
import { onClient, withRetries } from './pool.ts';

/** The database's clock, in ms. */
export const NOW_MS = '(extract(epoch FROM statement_timestamp()) * 1000)::bigint';

const WRITE = `
  WITH counted AS (
    INSERT INTO rate_limits AS r (key, count, expires_at)
    SELECT key, n, ${NOW_MS} + window_ms FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS t(key, n, window_ms) ORDER BY key
    ON CONFLICT (key) DO UPDATE SET
      count = CASE WHEN r.expires_at <= ${NOW_MS} THEN excluded.count ELSE r.count + excluded.count END,
      expires_at = CASE WHEN r.expires_at <= ${NOW_MS} THEN excluded.expires_at ELSE r.expires_at END
    RETURNING key, count, expires_at - ${NOW_MS} AS ttl
  ), used AS (
    INSERT INTO form_token_uses AS u (nonce, signature_id, used_at)
    SELECT * FROM unnest($4::text[], $5::text[], $6::bigint[]) AS t(nonce, signature_id, used_at) ORDER BY nonce
    ON CONFLICT (nonce) DO UPDATE SET used_at = u.used_at
    RETURNING nonce, signature_id
  )
  SELECT 'count' AS kind, key AS name, count, ttl, NULL AS signature_id FROM counted
  UNION ALL
  SELECT 'use', nonce, NULL, NULL, signature_id FROM used`;

type Write =
  | { kind: 'count'; key: string; windowMs: number }
  | { kind: 'use'; nonce: string; signatureId: string; now: number };

type Answer = { count: number; ttlMs: number } | string;

/** A count's place in its window, and the ms the window has left. */
export interface CountAnswer {
  count: number;
  ttlMs: number;
}

/** A request's small writes, each answered once its statement has run. */
export interface RequestWrites {
  /** Counts one request against `key`, in a window of `windowMs`. */
  count(key: string, windowMs: number): Promise<CountAnswer>;
  /** Records that `signatureId` used the token `nonce`; the id that used it first. */
  use(nonce: string, signatureId: string, now: number): Promise<string>;
}

/** The request writes on `pool` (migrated): one statement per event-loop turn for all of them. */
export function createRequestWrites(pool: pg.Pool): RequestWrites {
  const write = coalesced(async (writes: Write[]): Promise<Answer[]> => {
    // Each key and each nonce once: a statement may not touch a row twice.
    const keys = new Map<string, { n: number; windowMs: number }>();
    const nonces = new Map<string, { signatureId: string; now: number }>();
    for (const item of writes) {
      if (item.kind === 'count') {
        const entry = keys.get(item.key);
        if (entry) entry.n += 1;
        else keys.set(item.key, { n: 1, windowMs: item.windowMs });
      } else if (!nonces.has(item.nonce)) nonces.set(item.nonce, { signatureId: item.signatureId, now: item.now });
    }
    const { rows } = await withRetries(pool, (client) => client.query<{ kind: 'count' | 'use'; name: string; count: number | null; ttl: number | null; signature_id: string | null }>({
      // Named: prepared once per connection.
      name: 'request-writes',
      text: WRITE,
      values: [
        [...keys.keys()], [...keys.values()].map((entry) => entry.n), [...keys.values()].map((entry) => entry.windowMs),
        [...nonces.keys()], [...nonces.values()].map((entry) => entry.signatureId), [...nonces.values()].map((entry) => entry.now),
      ],
    }), 5, onClient);
    const counts = new Map<string, { count: number; ttl: number }>();
    const firstUsers = new Map<string, string>();
    for (const row of rows) {
      if (row.kind === 'count') counts.set(row.name, { count: row.count!, ttl: row.ttl! });
      else firstUsers.set(row.name, row.signature_id!);
    }
    // The requests of one key take its last n places, in the order they came; a nonce twice in
    // one statement is a replay, whose first caller's id is the one recorded.
    const taken = new Map<string, number>();
    return writes.map((item) => {
      if (item.kind === 'use') return firstUsers.get(item.nonce) ?? item.signatureId;
      const { count, ttl } = counts.get(item.key)!;
      const place = taken.get(item.key) ?? 0;
      taken.set(item.key, place + 1);
      return { count: count - keys.get(item.key)!.n + 1 + place, ttlMs: Math.max(0, ttl) };
    });
  });
  return {
    count: (key, windowMs) => write({ kind: 'count', key, windowMs }) as Promise<CountAnswer>,
    use: (nonce, signatureId, now) => write({ kind: 'use', nonce, signatureId, now }) as Promise<string>,
  };
}
