/**
 * The signatures database's schema, step by step: `PRAGMA user_version` records how many steps
 * ran, and opening a database runs the rest in one immediate transaction, so a receiver never
 * sees half a schema. A step that ran is history: a change is a new step at the end.
 */
import type Database from 'better-sqlite3';
import { LOGIN_ATTEMPTS_SCHEMA, ORGANISERS_SCHEMA } from '../accounts/sqlite-organisers.ts';
import { CONFIRMATIONS_SCHEMA, DIGEST_PARTS_SCHEMA, DIGESTS_SCHEMA, LETTERS_SCHEMA, RECEIPTS_SCHEMA } from '../letters/sqlite-schema.ts';
import { normaliseEmail } from '../signer-text.ts';
import { OVERVIEW_INDEXES } from './sqlite-overview.ts';
import { QUARANTINE_SCHEMA } from './sqlite-quarantine.ts';

/** A schema step: SQL, or a function for what SQL alone cannot compute. */
type Migration = string | ((db: Database.Database) => void);

/** Schema versions, applied in order; `PRAGMA user_version` records how many ran. */
const MIGRATIONS: readonly Migration[] = [
  `
  CREATE TABLE signatures (
    seq              INTEGER PRIMARY KEY,
    id               TEXT NOT NULL UNIQUE,
    campaign         TEXT NOT NULL,
    email_normalised TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    received_at      TEXT NOT NULL,
    locale           TEXT,
    first_name       TEXT,
    last_name        TEXT,
    name             TEXT,
    email            TEXT NOT NULL,
    country          TEXT,
    postcode         TEXT,
    organisation     TEXT,
    phone            TEXT,
    comment          TEXT,
    consent_updates  INTEGER CHECK (consent_updates IN (0, 1)),
    consent_text     TEXT,
    message_subject  TEXT,
    message_body     TEXT,
    source_url       TEXT,
    referrer         TEXT,
    utm_source       TEXT,
    utm_medium       TEXT,
    utm_campaign     TEXT,
    utm_term         TEXT,
    utm_content      TEXT,
    format           TEXT NOT NULL CHECK (format IN ('json', 'form')),
    payload_json     TEXT NOT NULL,
    UNIQUE (campaign, email_normalised)
  ) STRICT;

  CREATE TABLE campaign_counts (
    campaign TEXT PRIMARY KEY,
    count    INTEGER NOT NULL
  ) STRICT;

  CREATE TRIGGER signatures_counted AFTER INSERT ON signatures BEGIN
    INSERT INTO campaign_counts (campaign, count) VALUES (NEW.campaign, 1)
      ON CONFLICT (campaign) DO UPDATE SET count = count + 1;
  END;

  CREATE TRIGGER signatures_uncounted AFTER DELETE ON signatures BEGIN
    UPDATE campaign_counts SET count = count - 1 WHERE campaign = OLD.campaign;
  END;

  CREATE TRIGGER signatures_recounted AFTER UPDATE OF campaign ON signatures
    WHEN NEW.campaign IS NOT OLD.campaign BEGIN
    UPDATE campaign_counts SET count = count - 1 WHERE campaign = OLD.campaign;
    INSERT INTO campaign_counts (campaign, count) VALUES (NEW.campaign, 1)
      ON CONFLICT (campaign) DO UPDATE SET count = count + 1;
  END;
  `,
  // 2: email_normalised under the stricter normal form (NFKC, invisible characters removed, IDNA
  // domain). Rows that now collide were distinct signatures when they were counted, so none is
  // deleted: the first keeps the normal form (new inserts of that mailbox are duplicates of it),
  // later ones get it with a suffix that no normalised address can contain (no spaces), so the
  // organiser can find them: WHERE email_normalised LIKE '% duplicate-of-seq-%'.
  recomputeNormalisedEmails,
  // 3: how often a campaign's signers repeated their address (kept for the organiser, never
  // shown publicly); writing it also gives a repeat the same fsynced commit as a new signature.
  'ALTER TABLE campaign_counts ADD COLUMN repeats INTEGER NOT NULL DEFAULT 0;',
  // 4: campaigns held by the receiver (SPEC §8) and the letters to their targets (§9).
  LETTERS_SCHEMA,
  // 5: daily digests (mode `digest`): each signature's entry per target, and the digests sent.
  DIGESTS_SCHEMA,
  // 6: the reply-to question (delivery.replyTo "signer-if-agreed"): the signer's answer and the
  // wording they saw, kept like the consent's; and the confirmation emails of mode confirm.
  `ALTER TABLE signatures ADD COLUMN consent_reply_to INTEGER CHECK (consent_reply_to IN (0, 1));
   ALTER TABLE signatures ADD COLUMN consent_reply_to_text TEXT;
   ${CONFIRMATIONS_SCHEMA}`,
  // 7: digests in parts ("part k of n", each its own email) and the 'cancelled' status for entries
  // whose campaign left mode digest or dropped the target (both tables rebuilt: a CHECK is fixed).
  DIGEST_PARTS_SCHEMA,
  // 8: receipts to the signer (delivery.receipt), one per signature.
  RECEIPTS_SCHEMA,
  // 9: the console's organiser accounts, their sessions (by token hash) and its audit log.
  ORGANISERS_SCHEMA,
  // 10: the console's overview and campaigns list: a campaign's signatures by reception time, its consenting signers.
  OVERVIEW_INDEXES,
  // 11: signatures held back by the bot checks, the form tokens used, the receiver's own secrets.
  QUARANTINE_SCHEMA,
  // 12: the console's login limits, counted in the database rather than in one process's memory (issue 17).
  LOGIN_ATTEMPTS_SCHEMA,
];

function recomputeNormalisedEmails(db: Database.Database): void {
  const rows = db.prepare<[], { seq: number; campaign: string; email: string }>(
    'SELECT seq, campaign, email FROM signatures ORDER BY seq',
  ).all();
  const update = db.prepare<[string, number]>('UPDATE signatures SET email_normalised = ? WHERE seq = ?');
  // Park every row on a unique placeholder first, so the UNIQUE constraint never sees a transient clash.
  db.prepare("UPDATE signatures SET email_normalised = 'migrating ' || seq").run();
  const firstSeq = new Map<string, number>();
  for (const row of rows) {
    const normal = normaliseEmail(row.email);
    const key = `${row.campaign}\n${normal}`;
    const first = firstSeq.get(key);
    if (first === undefined) firstSeq.set(key, row.seq);
    update.run(first === undefined ? normal : `${normal} duplicate-of-seq-${first}`, row.seq);
  }
}

/** Brings `db` to the newest schema; refuses a database written by a newer receiver. */
export function migrate(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    throw new Error(
      `database schema version ${version} is newer than this receiver knows (${MIGRATIONS.length}); upgrade the receiver`,
    );
  }
  db.transaction(() => {
    for (let index = version; index < MIGRATIONS.length; index++) {
      const migration = MIGRATIONS[index]!;
      if (typeof migration === 'string') db.exec(migration);
      else migration(db);
      db.pragma(`user_version = ${index + 1}`);
    }
  }).immediate();
}
