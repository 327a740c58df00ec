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
  {
    // Step 4: the signature batch as one statement (postgres-signatures.ts says why).
    name: 'the signature batch in one round trip',
    sql: `
  -- Inserts one batch of signatures with the letters, digest entries and confirmations of those
  -- that are new, in the caller's transaction (or as one statement's own), and answers each
  -- item's outcome and the count after it. "item" is a row's place in the batch, from 1; each
  -- letter, entry and confirmation row carries the item it belongs to.
  CREATE FUNCTION insert_signature_batch(batch json, letter_rows json, entry_rows json, confirmation_rows json)
    RETURNS TABLE (batch_item bigint, batch_outcome text, count_after bigint)
    LANGUAGE plpgsql AS $fn$
  DECLARE
    ids text[];
    campaigns text[];
    new_ids text[];
    created bigint[];
  BEGIN
    SELECT array_agg(e.value->>'id' ORDER BY e.item), array_agg(e.value->>'campaign' ORDER BY e.item) INTO ids, campaigns
    FROM json_array_elements(batch) WITH ORDINALITY AS e(value, item);

    -- The ids' advisory locks (signature-id-lock.ts), in hash order: a quarantine of one of these
    -- ids on another receiver cannot interleave, and two batches cannot deadlock.
    PERFORM pg_advisory_xact_lock(1718, k) FROM (SELECT DISTINCT hashtext(id) AS k FROM unnest(ids) AS id ORDER BY k) AS keys;

    -- In arrival order, so a retry within the batch is a duplicate of its first; a held id stays held.
    WITH added AS (
      INSERT INTO signatures (id, campaign, email_normalised, created_at, received_at, locale,
        first_name, last_name, name, email, country, postcode, organisation, phone, comment,
        consent_updates, consent_text, consent_reply_to, consent_reply_to_text, message_subject, message_body,
        source_url, referrer, utm_source, utm_medium, utm_campaign, utm_term, utm_content, format, payload_json)
      SELECT r.id, r.campaign, r.email_normalised, r.created_at, r.received_at, r.locale,
        r.first_name, r.last_name, r.name, r.email, r.country, r.postcode, r.organisation, r.phone, r.comment,
        r.consent_updates, r.consent_text, r.consent_reply_to, r.consent_reply_to_text, r.message_subject, r.message_body,
        r.source_url, r.referrer, r.utm_source, r.utm_medium, r.utm_campaign, r.utm_term, r.utm_content, r.format, r.payload_json
      FROM json_populate_recordset(NULL::signatures, batch) WITH ORDINALITY AS r
      WHERE NOT EXISTS (SELECT 1 FROM quarantined_signatures q WHERE q.id = r.id)
      ORDER BY r.ordinality
      ON CONFLICT DO NOTHING
      RETURNING id)
    SELECT coalesce(array_agg(id), '{}') INTO new_ids FROM added;
    -- Which item made each new row: the first with its id (later ones are its retries).
    SELECT coalesce(array_agg(made.item), '{}') INTO created
    FROM (SELECT min(u.item) AS item FROM unnest(ids) WITH ORDINALITY AS u(id, item) WHERE u.id = ANY (new_ids) GROUP BY u.id) AS made;

    IF cardinality(created) > 0 AND json_array_length(letter_rows) > 0 THEN
      INSERT INTO letters (id, signature_id, campaign, target_name, target_email, recipient_email, subject, body, reply_to, status, created_at, next_attempt_at)
      SELECT r.id, r.signature_id, r.campaign, r.target_name, r.target_email, r.recipient_email, r.subject, r.body, r.reply_to, r.status, r.created_at, r.next_attempt_at
      FROM json_array_elements(letter_rows) AS e, json_populate_record(NULL::letters, e) AS r
      WHERE (e->>'item')::bigint = ANY (created)
      ON CONFLICT DO NOTHING;
    END IF;
    IF cardinality(created) > 0 AND json_array_length(entry_rows) > 0 THEN
      INSERT INTO digest_entries (signature_id, campaign, target_name, target_email, edited_subject, edited_body, created_at)
      SELECT r.signature_id, r.campaign, r.target_name, r.target_email, r.edited_subject, r.edited_body, r.created_at
      FROM json_array_elements(entry_rows) AS e, json_populate_record(NULL::digest_entries, e) AS r
      WHERE (e->>'item')::bigint = ANY (created)
      ON CONFLICT DO NOTHING;
    END IF;
    IF cardinality(created) > 0 AND json_array_length(confirmation_rows) > 0 THEN
      INSERT INTO confirmations (signature_id, campaign, subject, status, created_at, expires_at, next_attempt_at)
      SELECT r.signature_id, r.campaign, r.subject, r.status, r.created_at, r.expires_at, r.next_attempt_at
      FROM json_array_elements(confirmation_rows) AS e, json_populate_record(NULL::confirmations, e) AS r
      WHERE (e->>'item')::bigint = ANY (created)
      ON CONFLICT DO NOTHING;
    END IF;

    -- A repeated address (not new, and its id stored nowhere) gets the same durable write as a
    -- new signature, so its answer takes as long and does not tell that the person signed
    -- (SPEC §7). The ids are locked: what this reads of them cannot change before the answer.
    IF cardinality(created) < cardinality(ids) THEN
      INSERT INTO campaign_count_shards AS c (campaign, shard, repeats)
      SELECT u.campaign, pg_backend_pid() % 32, count(*)
      FROM unnest(ids, campaigns) WITH ORDINALITY AS u(id, campaign, item)
      WHERE NOT (u.item = ANY (created))
        AND NOT EXISTS (SELECT 1 FROM signatures s WHERE s.id = u.id)
        AND NOT EXISTS (SELECT 1 FROM quarantined_signatures q WHERE q.id = u.id)
      GROUP BY u.campaign ORDER BY u.campaign
      ON CONFLICT (campaign, shard) DO UPDATE SET repeats = c.repeats + excluded.repeats;
    END IF;

    -- Each item's count: its campaign's count now (this batch's rows included) less the new
    -- rows after it in the batch.
    RETURN QUERY
    SELECT u.item,
      CASE WHEN u.item = ANY (created) THEN 'created'
           WHEN EXISTS (SELECT 1 FROM signatures s WHERE s.id = u.id)
             OR EXISTS (SELECT 1 FROM quarantined_signatures q WHERE q.id = u.id) THEN 'duplicate-id'
           ELSE 'duplicate-email' END,
      coalesce((SELECT sum(sh.count) FROM campaign_count_shards sh WHERE sh.campaign = u.campaign), 0)::bigint
        - coalesce(count(*) FILTER (WHERE u.item = ANY (created)) OVER (
            PARTITION BY u.campaign ORDER BY u.item DESC ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
    FROM unnest(ids, campaigns) WITH ORDINALITY AS u(id, campaign, item)
    ORDER BY u.item;
  END
  $fn$;
`,
  },
];
