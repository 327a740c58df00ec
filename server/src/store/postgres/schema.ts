/**
 * The PostgreSQL schema, step by step: the same tables, columns and constraints as SQLite's
 * (store/sqlite-migrations.ts, letters/sqlite-schema.ts, accounts/sqlite-organisers.ts), written
 * as one first step because PostgreSQL starts where SQLite's history ended. A step that ran is
 * history: a change is a new step at the end, never an edit of an old one.
 *
 * Differences that matter: times in ms are BIGINT; `seq` is an identity column; counts are kept
 * by statement-level triggers (one counter update per INSERT or DELETE statement, not one per
 * row) in per-connection shards that the `campaign_counts` view sums; target addresses are
 * compared by lower() where SQLite used COLLATE NOCASE.
 */

/** The schema steps, applied in order by migrations.ts; `schema_migrations` records each one. */
export const POSTGRES_MIGRATIONS: readonly { name: string; sql: string }[] = [
  {
    name: 'receiver schema (signatures, counts, campaigns, letters, digests, confirmations, receipts, organisers)',
    sql: `
  CREATE TABLE signatures (
    seq              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
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
    consent_updates  SMALLINT CHECK (consent_updates IN (0, 1)),
    consent_text     TEXT,
    consent_reply_to SMALLINT CHECK (consent_reply_to IN (0, 1)),
    consent_reply_to_text TEXT,
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
  );

  -- Counts in shards: each transaction adds to the shard of its own connection, so concurrent
  -- batches (of one receiver, or of several) never wait on one counter row. A hot single row
  -- held each batch's lock through its commit's WAL flush, so batches committed one at a time.
  -- campaign_counts sums a campaign's shards (at most 32 rows: still O(1) in signatures).
  CREATE TABLE campaign_count_shards (
    campaign TEXT NOT NULL,
    shard    SMALLINT NOT NULL,
    count    BIGINT NOT NULL DEFAULT 0,
    repeats  BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (campaign, shard)
  );
  CREATE VIEW campaign_counts AS
    SELECT campaign, sum(count)::bigint AS count, sum(repeats)::bigint AS repeats FROM campaign_count_shards GROUP BY campaign;

  CREATE FUNCTION signatures_counted() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO campaign_count_shards (campaign, shard, count)
      SELECT campaign, pg_backend_pid() % 32, count(*) FROM new_rows GROUP BY campaign ORDER BY campaign
      ON CONFLICT (campaign, shard) DO UPDATE SET count = campaign_count_shards.count + excluded.count;
    RETURN NULL;
  END $$;
  CREATE TRIGGER signatures_counted AFTER INSERT ON signatures
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION signatures_counted();

  CREATE FUNCTION signatures_uncounted() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO campaign_count_shards (campaign, shard, count)
      SELECT campaign, pg_backend_pid() % 32, -count(*) FROM old_rows GROUP BY campaign ORDER BY campaign
      ON CONFLICT (campaign, shard) DO UPDATE SET count = campaign_count_shards.count + excluded.count;
    RETURN NULL;
  END $$;
  CREATE TRIGGER signatures_uncounted AFTER DELETE ON signatures
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION signatures_uncounted();

  -- A signature never changes campaign (nothing updates it); refused rather than miscounted.
  CREATE FUNCTION signatures_campaign_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    RAISE EXCEPTION 'a signature''s campaign cannot change (seq %)', OLD.seq;
  END $$;
  CREATE TRIGGER signatures_campaign_fixed BEFORE UPDATE OF campaign ON signatures
    FOR EACH ROW WHEN (NEW.campaign IS DISTINCT FROM OLD.campaign) EXECUTE FUNCTION signatures_campaign_fixed();

  CREATE TABLE campaigns (
    id             TEXT PRIMARY KEY,
    status         TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    document_json  TEXT NOT NULL,
    delivery_json  TEXT NOT NULL,
    sending_paused SMALLINT NOT NULL DEFAULT 0 CHECK (sending_paused IN (0, 1)),
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
  );

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
    created_at       BIGINT NOT NULL,
    first_attempt_at BIGINT,
    next_attempt_at  BIGINT NOT NULL,
    last_attempt_at  BIGINT,
    lease_until      BIGINT,
    sent_at          BIGINT,
    last_response    TEXT,
    UNIQUE (signature_id, target_email)
  );
  CREATE INDEX letters_due ON letters (next_attempt_at) WHERE status = 'queued';
  CREATE INDEX letters_to_target_recently ON letters (lower(target_email), last_attempt_at) WHERE last_attempt_at IS NOT NULL;
  CREATE INDEX letters_by_campaign ON letters (campaign, target_email, status);
  CREATE INDEX letters_sending ON letters (lease_until) WHERE status = 'sending';
  CREATE INDEX letters_last_answer ON letters (campaign, target_email, last_attempt_at) WHERE last_attempt_at IS NOT NULL;

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
    status           TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'unknown', 'cancelled')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    created_at       BIGINT NOT NULL,
    first_attempt_at BIGINT,
    next_attempt_at  BIGINT NOT NULL,
    last_attempt_at  BIGINT,
    lease_until      BIGINT,
    sent_at          BIGINT,
    last_response    TEXT,
    part             INTEGER NOT NULL DEFAULT 1,
    parts            INTEGER NOT NULL DEFAULT 1,
    first_number     INTEGER NOT NULL DEFAULT 1
  );
  CREATE TABLE digest_entries (
    signature_id   TEXT NOT NULL REFERENCES signatures (id) ON DELETE CASCADE,
    campaign       TEXT NOT NULL,
    target_name    TEXT NOT NULL,
    target_email   TEXT NOT NULL,
    edited_subject TEXT,
    edited_body    TEXT,
    created_at     BIGINT NOT NULL,
    digest_id      TEXT REFERENCES digests (id),
    PRIMARY KEY (signature_id, target_email)
  );
  CREATE INDEX digest_entries_pending ON digest_entries (campaign, target_email, created_at) WHERE digest_id IS NULL;
  CREATE INDEX digest_entries_by_digest ON digest_entries (digest_id, created_at);
  CREATE INDEX digests_due ON digests (next_attempt_at) WHERE status = 'queued';
  CREATE INDEX digests_to_target_recently ON digests (lower(target_email), last_attempt_at) WHERE last_attempt_at IS NOT NULL;
  CREATE INDEX digests_by_campaign ON digests (campaign, target_email, status);
  CREATE INDEX digests_sending ON digests (lease_until) WHERE status = 'sending';

  CREATE TABLE confirmations (
    signature_id     TEXT PRIMARY KEY REFERENCES signatures (id) ON DELETE CASCADE,
    campaign         TEXT NOT NULL,
    subject          TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'unknown')),
    token_hash       TEXT UNIQUE,
    attempts         INTEGER NOT NULL DEFAULT 0,
    created_at       BIGINT NOT NULL,
    expires_at       BIGINT NOT NULL,
    first_attempt_at BIGINT,
    next_attempt_at  BIGINT NOT NULL,
    last_attempt_at  BIGINT,
    lease_until      BIGINT,
    sent_at          BIGINT,
    last_response    TEXT,
    confirmed_at     BIGINT
  );
  CREATE INDEX confirmations_due ON confirmations (next_attempt_at) WHERE status = 'queued';
  CREATE INDEX confirmations_open ON confirmations (expires_at) WHERE confirmed_at IS NULL;

  CREATE TABLE receipts (
    signature_id     TEXT PRIMARY KEY REFERENCES signatures (id) ON DELETE CASCADE,
    campaign         TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'unknown')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    created_at       BIGINT NOT NULL,
    first_attempt_at BIGINT,
    next_attempt_at  BIGINT NOT NULL,
    last_attempt_at  BIGINT,
    lease_until      BIGINT,
    sent_at          BIGINT,
    last_response    TEXT
  );
  CREATE INDEX receipts_due ON receipts (next_attempt_at) WHERE status = 'queued';

  CREATE TABLE organisers (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email               TEXT NOT NULL UNIQUE,
    password_hash       TEXT NOT NULL,
    created_at          BIGINT NOT NULL,
    password_changed_at BIGINT NOT NULL,
    last_login_at       BIGINT
  );
  CREATE TABLE organiser_sessions (
    token_hash   TEXT PRIMARY KEY,
    organiser_id BIGINT NOT NULL REFERENCES organisers (id) ON DELETE CASCADE,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
  );
  CREATE INDEX organiser_sessions_by_organiser ON organiser_sessions (organiser_id);
  CREATE TABLE console_log (
    seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          BIGINT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    campaign    TEXT,
    detail_json TEXT
  );

  -- Not SQLite's covering index: a btree entry is capped at ~2.7 kB, and source_url alone may be 2 kB.
  CREATE INDEX signatures_by_received ON signatures (campaign, received_at);
  CREATE INDEX signatures_consenting ON signatures (campaign) WHERE consent_updates = 1;
`,
  },
  {
    // Step 2 (helper B, issue 17 steps 5–6): limits kept in the database, and what erasure needs.
    name: 'rate limits, login attempts, no planner statistics of signers, erasure of migrated duplicates',
    sql: `
  -- @fastify/rate-limit's counters for every receiver (postgres-rate-limits.ts). UNLOGGED: no WAL,
  -- so a request's count costs no fsync; a crash of the database empties the table, which forgets
  -- at most one window of counts (what a receiver restart did with the in-memory store).
  CREATE UNLOGGED TABLE rate_limits (
    key        TEXT PRIMARY KEY,
    count      BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
  );
  CREATE INDEX rate_limits_ended ON rate_limits (expires_at);

  -- The console's login limits (login-limiter.ts), as SQLite's migration 12: logged, they survive a crash.
  CREATE TABLE login_attempts (
    kind     TEXT NOT NULL CHECK (kind IN ('address', 'account')),
    key_hash TEXT NOT NULL,
    count    INTEGER NOT NULL,
    reset_at BIGINT NOT NULL,
    PRIMARY KEY (kind, key_hash)
  );
  CREATE INDEX login_attempts_ended ON login_attempts (reset_at);

  -- ANALYZE (and autovacuum's auto-analyze) copies sample values of every column into
  -- pg_statistic: most common values and histogram bounds, i.e. signers' addresses and names,
  -- where an erasure cannot reach them. The planner needs none of these columns' statistics
  -- (addresses are found through the unique index), so none are collected.
  ALTER TABLE signatures
    ALTER COLUMN email SET STATISTICS 0, ALTER COLUMN email_normalised SET STATISTICS 0,
    ALTER COLUMN first_name SET STATISTICS 0, ALTER COLUMN last_name SET STATISTICS 0,
    ALTER COLUMN name SET STATISTICS 0, ALTER COLUMN postcode SET STATISTICS 0,
    ALTER COLUMN organisation SET STATISTICS 0, ALTER COLUMN phone SET STATISTICS 0,
    ALTER COLUMN comment SET STATISTICS 0, ALTER COLUMN message_subject SET STATISTICS 0,
    ALTER COLUMN message_body SET STATISTICS 0, ALTER COLUMN referrer SET STATISTICS 0,
    ALTER COLUMN source_url SET STATISTICS 0, ALTER COLUMN payload_json SET STATISTICS 0;
  ALTER TABLE letters
    ALTER COLUMN recipient_email SET STATISTICS 0, ALTER COLUMN subject SET STATISTICS 0,
    ALTER COLUMN body SET STATISTICS 0, ALTER COLUMN reply_to SET STATISTICS 0,
    ALTER COLUMN last_response SET STATISTICS 0;
  ALTER TABLE digest_entries ALTER COLUMN edited_subject SET STATISTICS 0, ALTER COLUMN edited_body SET STATISTICS 0;

  -- Rows SQLite's migration 2 renamed "<address> duplicate-of-seq-<n>" (an import from a SQLite
  -- file may bring them): erasure finds them by prefix through this index, empty otherwise.
  CREATE INDEX signatures_migrated_duplicates ON signatures (campaign, email_normalised text_pattern_ops)
    WHERE email_normalised LIKE '% duplicate-of-seq-%';
`,
  },
  {
    // Step 3 (issue 18 on PostgreSQL): SQLite's migration 11 (store/sqlite-quarantine.ts says why
    // held signatures live apart from \`signatures\`).
    name: 'quarantined signatures, used form tokens, receiver secrets',
    sql: `
  CREATE TABLE quarantined_signatures (
    id               TEXT PRIMARY KEY,
    campaign         TEXT NOT NULL,
    email_normalised TEXT NOT NULL,
    reason           TEXT NOT NULL,
    received_at      TEXT NOT NULL,
    format           TEXT NOT NULL CHECK (format IN ('json', 'form')),
    payload_json     TEXT NOT NULL
  );
  CREATE INDEX quarantined_by_campaign ON quarantined_signatures (campaign, received_at);
  CREATE INDEX quarantined_by_email ON quarantined_signatures (email_normalised);
  -- As for signatures (step 2): no samples of held signers' addresses in pg_statistic.
  ALTER TABLE quarantined_signatures
    ALTER COLUMN email_normalised SET STATISTICS 0, ALTER COLUMN payload_json SET STATISTICS 0;

  CREATE TABLE form_token_uses (
    nonce        TEXT PRIMARY KEY,
    signature_id TEXT NOT NULL,
    used_at      BIGINT NOT NULL
  );
  CREATE INDEX form_token_uses_by_time ON form_token_uses (used_at);

  CREATE TABLE receiver_secrets (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
`,
  },
];
