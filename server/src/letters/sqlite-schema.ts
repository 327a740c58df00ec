/**
 * The SQL that creates the letters' tables: campaigns and letters (SPEC §8, §9), daily digests,
 * confirmation emails and receipts. Each constant is one step of store/sqlite-migrations.ts,
 * which applies them in order; a step that ran is history, so a change is a new step, never an
 * edit of an old one (DIGEST_PARTS_SCHEMA rebuilds the tables DIGESTS_SCHEMA made).
 *
 * The four outgoing-mail tables share the columns status … last_response that
 * sqlite-attempts.ts reads and writes.
 */

/**
 * Migration SQL: the campaigns the receiver holds (SPEC §8) and their letters (§9). Needs the
 * `signatures` table. Erasing a signature erases its letters (ON DELETE CASCADE).
 */
export const LETTERS_SCHEMA = `
  CREATE TABLE campaigns (
    id             TEXT PRIMARY KEY,
    status         TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    document_json  TEXT NOT NULL,
    delivery_json  TEXT NOT NULL,
    sending_paused INTEGER NOT NULL DEFAULT 0 CHECK (sending_paused IN (0, 1)),
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
  ) STRICT;

  CREATE TABLE letters (
    id               TEXT PRIMARY KEY,
    signature_id     TEXT NOT NULL REFERENCES signatures (id) ON DELETE CASCADE,
    campaign         TEXT NOT NULL,
    target_name      TEXT NOT NULL,
    target_email     TEXT NOT NULL,
    recipient_email  TEXT NOT NULL,
    subject          TEXT NOT NULL,
    body             TEXT NOT NULL,
    reply_to         TEXT,
    status           TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'unknown', 'awaiting-confirmation', 'expired', 'cancelled')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL,
    first_attempt_at INTEGER,
    next_attempt_at  INTEGER NOT NULL,
    last_attempt_at  INTEGER,
    lease_until      INTEGER,
    sent_at          INTEGER,
    last_response    TEXT,
    UNIQUE (signature_id, target_email)
  ) STRICT;

  CREATE INDEX letters_due ON letters (next_attempt_at) WHERE status = 'queued';
  CREATE INDEX letters_to_target_recently ON letters (target_email COLLATE NOCASE, last_attempt_at) WHERE last_attempt_at IS NOT NULL;
  CREATE INDEX letters_by_campaign ON letters (campaign, target_email, status);
  CREATE INDEX letters_sending ON letters (lease_until) WHERE status = 'sending';
`;

/** Migration SQL for digests; needs `signatures` and `campaigns`. */
export const DIGESTS_SCHEMA = `
  CREATE TABLE digests (
    id               TEXT PRIMARY KEY,
    campaign         TEXT NOT NULL,
    target_name      TEXT NOT NULL,
    target_email     TEXT NOT NULL,
    day              TEXT NOT NULL,
    time_zone        TEXT NOT NULL,
    subject          TEXT NOT NULL,
    body             TEXT NOT NULL,
    signers          INTEGER NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'unknown')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL,
    first_attempt_at INTEGER,
    next_attempt_at  INTEGER NOT NULL,
    last_attempt_at  INTEGER,
    lease_until      INTEGER,
    sent_at          INTEGER,
    last_response    TEXT
  ) STRICT;

  CREATE TABLE digest_entries (
    signature_id   TEXT NOT NULL REFERENCES signatures (id) ON DELETE CASCADE,
    campaign       TEXT NOT NULL,
    target_name    TEXT NOT NULL,
    target_email   TEXT NOT NULL,
    edited_subject TEXT,
    edited_body    TEXT,
    created_at     INTEGER NOT NULL,
    digest_id      TEXT REFERENCES digests (id),
    PRIMARY KEY (signature_id, target_email)
  ) STRICT;

  CREATE INDEX digest_entries_pending ON digest_entries (campaign, target_email, created_at) WHERE digest_id IS NULL;
  CREATE INDEX digest_entries_by_digest ON digest_entries (digest_id, created_at);
  CREATE INDEX digests_due ON digests (next_attempt_at) WHERE status = 'queued';
  CREATE INDEX digests_to_target_recently ON digests (target_email COLLATE NOCASE, last_attempt_at) WHERE last_attempt_at IS NOT NULL;
  CREATE INDEX digests_by_campaign ON digests (campaign, target_email, status);
  CREATE INDEX digests_sending ON digests (lease_until) WHERE status = 'sending';
`;

/**
 * Migration SQL (after DIGESTS_SCHEMA): digests in parts and the 'cancelled' status. SQLite cannot
 * change a CHECK, so both tables are rebuilt (entries too, so no foreign key ever points at a
 * dropped table): `part` of `parts` for the day and target, `first_number` the number of its first
 * signer; 'cancelled' for entries whose campaign left mode digest or dropped the target.
 */
export const DIGEST_PARTS_SCHEMA = `
  CREATE TABLE digests_v7 (
    id               TEXT PRIMARY KEY,
    campaign         TEXT NOT NULL,
    target_name      TEXT NOT NULL,
    target_email     TEXT NOT NULL,
    day              TEXT NOT NULL,
    time_zone        TEXT NOT NULL,
    subject          TEXT NOT NULL,
    body             TEXT NOT NULL,
    signers          INTEGER NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'unknown', 'cancelled')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL,
    first_attempt_at INTEGER,
    next_attempt_at  INTEGER NOT NULL,
    last_attempt_at  INTEGER,
    lease_until      INTEGER,
    sent_at          INTEGER,
    last_response    TEXT,
    part             INTEGER NOT NULL DEFAULT 1,
    parts            INTEGER NOT NULL DEFAULT 1,
    first_number     INTEGER NOT NULL DEFAULT 1
  ) STRICT;
  INSERT INTO digests_v7 (id, campaign, target_name, target_email, day, time_zone, subject, body, signers, status, attempts,
                          created_at, first_attempt_at, next_attempt_at, last_attempt_at, lease_until, sent_at, last_response)
    SELECT id, campaign, target_name, target_email, day, time_zone, subject, body, signers, status, attempts,
           created_at, first_attempt_at, next_attempt_at, last_attempt_at, lease_until, sent_at, last_response FROM digests;

  CREATE TABLE digest_entries_v7 (
    signature_id   TEXT NOT NULL REFERENCES signatures (id) ON DELETE CASCADE,
    campaign       TEXT NOT NULL,
    target_name    TEXT NOT NULL,
    target_email   TEXT NOT NULL,
    edited_subject TEXT,
    edited_body    TEXT,
    created_at     INTEGER NOT NULL,
    digest_id      TEXT REFERENCES digests_v7 (id),
    PRIMARY KEY (signature_id, target_email)
  ) STRICT;
  INSERT INTO digest_entries_v7 SELECT signature_id, campaign, target_name, target_email, edited_subject, edited_body, created_at, digest_id FROM digest_entries;

  DROP TABLE digest_entries;
  DROP TABLE digests;
  ALTER TABLE digests_v7 RENAME TO digests;
  ALTER TABLE digest_entries_v7 RENAME TO digest_entries;

  CREATE INDEX digest_entries_pending ON digest_entries (campaign, target_email, created_at) WHERE digest_id IS NULL;
  CREATE INDEX digest_entries_by_digest ON digest_entries (digest_id, created_at);
  CREATE INDEX digests_due ON digests (next_attempt_at) WHERE status = 'queued';
  CREATE INDEX digests_to_target_recently ON digests (target_email COLLATE NOCASE, last_attempt_at) WHERE last_attempt_at IS NOT NULL;
  CREATE INDEX digests_by_campaign ON digests (campaign, target_email, status);
  CREATE INDEX digests_sending ON digests (lease_until) WHERE status = 'sending';
`;

/** Migration SQL (needs `signatures`); erasing a signature erases its confirmation. */
export const CONFIRMATIONS_SCHEMA = `
  CREATE TABLE confirmations (
    signature_id     TEXT PRIMARY KEY REFERENCES signatures (id) ON DELETE CASCADE,
    campaign         TEXT NOT NULL,
    subject          TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'unknown')),
    token_hash       TEXT UNIQUE,
    attempts         INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL,
    expires_at       INTEGER NOT NULL,
    first_attempt_at INTEGER,
    next_attempt_at  INTEGER NOT NULL,
    last_attempt_at  INTEGER,
    lease_until      INTEGER,
    sent_at          INTEGER,
    last_response    TEXT,
    confirmed_at     INTEGER
  ) STRICT;

  CREATE INDEX confirmations_due ON confirmations (next_attempt_at) WHERE status = 'queued';
  CREATE INDEX confirmations_open ON confirmations (expires_at) WHERE confirmed_at IS NULL;
`;

/** Migration SQL (needs `signatures`, `letters`, `campaigns`); erasing a signature erases its receipt. */
export const RECEIPTS_SCHEMA = `
  CREATE TABLE receipts (
    signature_id     TEXT PRIMARY KEY REFERENCES signatures (id) ON DELETE CASCADE,
    campaign         TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'unknown')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL,
    first_attempt_at INTEGER,
    next_attempt_at  INTEGER NOT NULL,
    last_attempt_at  INTEGER,
    lease_until      INTEGER,
    sent_at          INTEGER,
    last_response    TEXT
  ) STRICT;

  CREATE INDEX receipts_due ON receipts (next_attempt_at) WHERE status = 'queued';
`;
