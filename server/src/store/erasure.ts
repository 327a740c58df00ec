/**
 * Erasing a signer on request (SPEC §10, issue 15), as the console sees it: find where an address
 * signed, across campaigns, and anonymise or delete those signatures. The store implements it
 * (sqlite-erasure.ts) because only the store knows where copies of an address can lie: in the
 * rows, in their letters, and, for SQLite, in freed pages and the write-ahead log.
 *
 *   anonymise  the signature stays counted; every field that names or reaches the person is
 *              blanked, and what was still to be sent for them is cancelled.
 *   delete     the signature and everything of it is removed; the count goes down (for fake
 *              signatures).
 *
 * Addresses are matched on their normal form (signature-schema.ts `normaliseEmail`), the one the
 * receiver de-duplicates on, so `Aigerim@Example.org ` finds `aigerim@example.org`.
 */

export type ErasureAction = 'anonymise' | 'delete';

/** One signature of the address: where, when, and how many letters (single letters and digest entries). */
export interface ErasureMatchRow {
  campaign: string;
  /** When the receiver got it (ISO). */
  signedAt: string;
  letters: number;
}

/** What an erasure changed, by kind of row: the audit log records these counts, never the address. */
export interface ErasureCounts {
  signatures: number;
  campaigns: number;
  /** Letters that were still to be sent (or could be sent again) and are now cancelled. */
  lettersCancelled: number;
  /** Letters to the targets whose texts were blanked (anonymise) or that were removed (delete). */
  letters: number;
  /** Places in digests, removed or emptied of the signer's words. */
  digestEntries: number;
  confirmations: number;
  receipts: number;
}

export type ErasureResult =
  | {
      outcome: 'done';
      counts: ErasureCounts;
      /**
       * Set when the erasure is committed but old copies may remain in the file for now: the
       * write-ahead log could not be truncated or the file not rebuilt (another process had the
       * database open, the disk had no room for the rebuild). Never holds the address.
       */
      warning?: string;
    }
  /** No signature has that address; nothing changed. */
  | { outcome: 'not-found' }
  /** A letter or email of that signer is being handed to SMTP right now; nothing changed, try again shortly. */
  | { outcome: 'busy' };

export interface SignerErasure {
  /** Every signature of `email` (any spelling with the same normal form), oldest first. */
  find(email: string): Promise<ErasureMatchRow[]>;
  /**
   * Anonymises or deletes every signature of `email`, with its letters, digest entries,
   * confirmation and receipt, and logs the counts as `by.actor` in the console's audit log: all
   * in one transaction. Then clears the old copies out of the database file and its WAL.
   */
  erase(email: string, action: ErasureAction, by: { actor: string; now: number }): Promise<ErasureResult>;
}

/**
 * The placeholder an anonymised signature keeps for its address: unique per row (the
 * `(campaign, email_normalised)` constraint holds) and never a valid address (no `@`, and `:` is
 * refused in addresses), so no later signature can collide with it and no mail can reach it.
 */
export function erasedPlaceholder(seq: number): string {
  return `erased:${seq}`;
}
