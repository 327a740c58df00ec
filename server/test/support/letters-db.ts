/**
 * A fresh SQLite file with the letters schema and just enough of `signatures` for the join
 * (the real table comes from sqlite-migrations.ts's MIGRATIONS; this copy keeps the letter tests
 * independent of work in progress there). Helpers add campaigns, signers and their letters.
 */
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeliverySettings, Target } from '../../src/letters/letter-types.ts';
import { insertLettersFor, type NewLetterRow } from '../../src/letters/sqlite-letters.ts';
import { CONFIRMATIONS_SCHEMA, DIGEST_PARTS_SCHEMA, DIGESTS_SCHEMA, LETTERS_SCHEMA, RECEIPTS_SCHEMA } from '../../src/letters/sqlite-schema.ts';

const SIGNATURES_FOR_TESTS = `
  CREATE TABLE signatures (
    seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, campaign TEXT NOT NULL, locale TEXT,
    first_name TEXT, last_name TEXT, name TEXT, email TEXT NOT NULL,
    country TEXT, postcode TEXT, organisation TEXT
  ) STRICT;
`;

export interface LettersDb {
  db: Database.Database;
  path: string;
  addCampaign(id: string, delivery: Partial<DeliverySettings>, options?: { paused?: boolean }): void;
  /** A signer and one letter per target; returns the letter ids. */
  addSignature(campaign: string, targets: Target[], options?: {
    now?: number; signer?: Partial<{ firstName: string; lastName: string; email: string; country: string; organisation: string; postcode: string; locale: string }>;
    subject?: string; body?: string; replyTo?: string; recipientEmail?: string;
  }): string[];
  status(letterId: string): { status: string; attempts: number; next_attempt_at: number; last_response: string | null; sent_at: number | null };
  reopen(): LettersDb;
  close(): void;
}

let signerCounter = 0;

/** Opens (or creates) a letters database in `dir` (a new temp dir by default). */
export function openLettersDb(dir = mkdtempSync(join(tmpdir(), 'appeal-letters-test-')), create = true): LettersDb {
  const path = join(dir, 'letters.sqlite');
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  if (create) db.exec(SIGNATURES_FOR_TESTS + LETTERS_SCHEMA + DIGESTS_SCHEMA + CONFIRMATIONS_SCHEMA + DIGEST_PARTS_SCHEMA + RECEIPTS_SCHEMA);
  const insertLetters = insertLettersFor(db);
  const insertSignature = db.prepare(
    `INSERT INTO signatures (id, campaign, locale, first_name, last_name, email, country, postcode, organisation)
     VALUES (@id, @campaign, @locale, @firstName, @lastName, @email, @country, @postcode, @organisation)`,
  );
  const store: LettersDb = {
    db,
    path,
    addCampaign(id, delivery, { paused = false } = {}) {
      const settings = { mode: 'each', targets: [], confirm: false, replyTo: 'none', test: false, hourlyCap: 30, ...delivery };
      db.prepare(
        `INSERT INTO campaigns (id, status, document_json, delivery_json, sending_paused, created_at, updated_at)
         VALUES (?, 'open', ?, ?, ?, ?, ?)`,
      ).run(id, JSON.stringify({ id, title: `Campaign ${id}` }), JSON.stringify(settings), paused ? 1 : 0, new Date().toISOString(), new Date().toISOString());
    },
    addSignature(campaign, targets, options = {}) {
      const now = options.now ?? Date.now();
      signerCounter += 1;
      const signatureId = randomUUID();
      const signer = { firstName: 'Aigerim', lastName: 'N.', email: `signer-${process.pid}-${signerCounter}@example.org`, country: 'KZ', organisation: '', postcode: '', locale: 'en', ...options.signer };
      const rows: NewLetterRow[] = targets.map((target) => ({
        id: randomUUID(),
        signatureId,
        campaign,
        targetName: target.name,
        targetEmail: target.email,
        recipientEmail: options.recipientEmail ?? target.email,
        subject: options.subject ?? 'Free Erlan Baltabay',
        body: options.body ?? 'Dear Prosecutor General,\n\nRelease him.',
        replyTo: options.replyTo ?? null,
        createdAt: now,
        nextAttemptAt: now,
      }));
      db.transaction(() => {
        insertSignature.run({ id: signatureId, campaign, ...signer });
        insertLetters(rows);
      }).immediate();
      return rows.map((row) => row.id);
    },
    status(letterId) {
      return db.prepare('SELECT status, attempts, next_attempt_at, last_response, sent_at FROM letters WHERE id = ?').get(letterId) as ReturnType<LettersDb['status']>;
    },
    reopen() {
      db.close();
      return openLettersDb(dir, false);
    },
    close() {
      if (db.open) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return store;
}
