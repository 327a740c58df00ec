/**
 * Group commit: signatures that arrive in the same event-loop turn are written in one SQLite
 * transaction, so one fsync covers them all. Each caller's promise settles only after that
 * commit, so a 201 still means "on disk" (synchronous = FULL), at several times the throughput
 * of one fsync per signature under load; alone, a signature waits no longer than a setImmediate.
 *
 * Outcomes are per signature and identical to one-by-one inserts (the inserts run in arrival
 * order inside the transaction, so a retry within the same batch is a duplicate of the first).
 * If a batch fails as a whole, each signature is retried alone so one bad row cannot fail the
 * others, and only its own caller sees the error. Except when the database or disk is full
 * (SQLITE_FULL, SQLITE_IOERR): retrying row by row would only hammer a full disk, so every
 * waiting caller gets that same error at once (answered 503 by the app).
 */
import type { NewDigestEntry, NewLetter } from '../letters/letters-for-signature.ts';
import type { SignaturePayload } from '../signature-schema.ts';
import { isStorageFull, type InsertResult, type SignatureInsert, type SignatureStore, type SubmissionFormat } from './sqlite-database.ts';

interface Pending extends SignatureInsert {
  resolve: (result: InsertResult) => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitWriter {
  insert(payload: SignaturePayload, format: SubmissionFormat, letters?: readonly NewLetter[], digestEntries?: readonly NewDigestEntry[]): Promise<InsertResult>;
  /** Writes whatever is queued now (used on shutdown). */
  flush(): void;
}

export function createGroupCommitWriter(store: SignatureStore, maxBatch = 256): GroupCommitWriter {
  let queue: Pending[] = [];
  let scheduled = false;

  const flush = () => {
    scheduled = false;
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      let results: InsertResult[] | undefined;
      try {
        results = store.insertSignatures(batch);
      } catch (error) {
        if (isStorageFull(error)) {
          for (const item of batch) item.reject(error);
          continue;
        }
        results = undefined;
      }
      if (results) {
        batch.forEach((item, index) => item.resolve(results[index]!));
        continue;
      }
      for (const item of batch) {
        try {
          item.resolve(store.insertSignature(item.payload, item.format, item.receivedAt, item.letters, item.digestEntries));
        } catch (error) {
          item.reject(error);
        }
      }
    }
  };

  return {
    insert(payload, format, letters, digestEntries) {
      return new Promise<InsertResult>((resolve, reject) => {
        queue.push({ payload, format, receivedAt: new Date(), letters, digestEntries, resolve, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
    flush,
  };
}
