/**
 * One advisory lock per signature id, held to the end of the caller's transaction: taken by
 * whatever puts an id into `signatures` or `quarantined_signatures` (postgres-quarantine.ts says
 * why), so the two tables never both hold an id, whichever receivers write them.
 */
import type pg from 'pg';

/**
 * The first key of the two-key advisory locks on signature ids (the one-key space holds the
 * migration lock: PostgreSQL keeps the two spaces apart).
 */
const SIGNATURE_ID_LOCK = 1_718;

/**
 * Locks `ids` for the caller's transaction, in one order (by hash), so two batches sharing ids
 * cannot deadlock each other; re-entrant within one transaction.
 */
export async function lockSignatureIds(client: pg.PoolClient, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await client.query(
    `SELECT pg_advisory_xact_lock(${SIGNATURE_ID_LOCK}, k)
     FROM (SELECT DISTINCT hashtext(id) AS k FROM unnest($1::text[]) AS id ORDER BY k) AS keys`,
    [ids],
  );
}
