/**
 * Quarantine in SQLite (README "Bots and floods"): signatures that failed a bot check, kept apart
 * from `signatures` so they are not counted, exported, de-duplicated against or sent, until the
 * organiser releases or deletes them. Beside them, the form tokens already used (one token, one
 * signature id) and the receiver's generated secrets.
 *
 * Apart, not a status column of `signatures`: a quarantined row there would take the UNIQUE
 * (campaign, email) place of the real person, so a bot posting known addresses first would make
 * their own later signature a "repeat" that is never counted.
 */
import type Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import type { QuarantineReason } from '../bots/form-token.ts';
import type { SignaturePayload } from '../signature-schema.ts';
import { normaliseEmail } from '../signer-text.ts';
import type { SubmissionFormat } from './sqlite-database.ts';

/** Migration 11: the quarantine, the used form tokens and the receiver's secrets. */
export const QUARANTINE_SCHEMA = `
  CREATE TABLE quarantined_signatures (
    id               TEXT PRIMARY KEY,
    campaign         TEXT NOT NULL,
    email_normalised TEXT NOT NULL,
    reason           TEXT NOT NULL,
    received_at  TEXT NOT NULL,
    format       TEXT NOT NULL CHECK (format IN ('json', 'form')),
    payload_json TEXT NOT NULL
  ) STRICT;
  CREATE INDEX quarantined_by_campaign ON quarantined_signatures (campaign, received_at);
  CREATE INDEX quarantined_by_email ON quarantined_signatures (email_normalised);

  CREATE TABLE form_token_uses (
    nonce        TEXT PRIMARY KEY,
    signature_id TEXT NOT NULL,
    used_at      INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX form_token_uses_by_time ON form_token_uses (used_at);

  CREATE TABLE receiver_secrets (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) STRICT;
`;

/** A quarantined signature as the organiser reviews it. */
export interface QuarantinedSignature {
  id: string;
  campaign: string;
  status: 'quarantined';
  reason: QuarantineReason;
  receivedAt: string;
  format: SubmissionFormat;
  payload: SignaturePayload;
}

/** What quarantining a signature came to: held, or an id already stored (a retry), counted or held. */
export type QuarantineOutcome = 'quarantined' | 'duplicate-id';

/** The columns of quarantined_signatures both stores read back (the address is kept for erasure only). */
export interface QuarantinedRow {
  id: string;
  campaign: string;
  reason: string;
  received_at: string;
  format: SubmissionFormat;
  payload_json: string;
}

/** A held signature as the console shows it. */
export const toQuarantined = (row: QuarantinedRow): QuarantinedSignature => ({
  id: row.id,
  campaign: row.campaign,
  status: 'quarantined',
  reason: row.reason as QuarantineReason,
  receivedAt: row.received_at,
  format: row.format,
  payload: JSON.parse(row.payload_json) as SignaturePayload,
});

/** The quarantine's statements on `db` (synchronous). */
export function createSqliteQuarantine(db: Database.Database) {
  const inSignatures = db.prepare<[string], { n: number }>('SELECT 1 AS n FROM signatures WHERE id = ?');
  const insert = db.prepare<[string, string, string, string, string, string, string]>(
    `INSERT INTO quarantined_signatures (id, campaign, email_normalised, reason, received_at, format, payload_json)
     VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  );
  const one = db.prepare<[string], QuarantinedRow>('SELECT * FROM quarantined_signatures WHERE id = ?');
  const list = db.prepare<[string, number], QuarantinedRow>('SELECT * FROM quarantined_signatures WHERE campaign = ? ORDER BY received_at DESC, id LIMIT ?');
  const count = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM quarantined_signatures WHERE campaign = ?');
  const remove = db.prepare<[string]>('DELETE FROM quarantined_signatures WHERE id = ?');
  const useToken = db.prepare<[string, string, number]>('INSERT INTO form_token_uses (nonce, signature_id, used_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
  const tokenUser = db.prepare<[string], { signature_id: string }>('SELECT signature_id FROM form_token_uses WHERE nonce = ?');
  const forgetTokens = db.prepare<[number]>('DELETE FROM form_token_uses WHERE used_at < ?');
  const secret = db.prepare<[string], { value: string }>('SELECT value FROM receiver_secrets WHERE name = ?');
  const putSecret = db.prepare<[string, string]>('INSERT INTO receiver_secrets (name, value) VALUES (?, ?) ON CONFLICT DO NOTHING');

  const quarantine = db.transaction((payload: SignaturePayload, format: SubmissionFormat, reason: QuarantineReason, receivedAt: Date): QuarantineOutcome => {
    if (inSignatures.get(payload.id)) return 'duplicate-id';
    const added = insert.run(payload.id, payload.campaign, normaliseEmail(payload.signer.email), reason, receivedAt.toISOString(), format, JSON.stringify(payload)).changes === 1;
    return added ? 'quarantined' : 'duplicate-id';
  });
  const tokenUse = db.transaction((nonce: string, signatureId: string, now: number, forgetBefore: number): string => {
    useToken.run(nonce, signatureId, now);
    // Tokens past every use are forgotten now and then, so the table stays small.
    if (Math.random() < 0.01) forgetTokens.run(forgetBefore);
    return tokenUser.get(nonce)!.signature_id;
  });
  const namedSecret = db.transaction((name: string): string => {
    putSecret.run(name, randomBytes(32).toString('base64url'));
    return secret.get(name)!.value;
  });

  return {
    /** Holds `payload` back; an id already stored (counted or held) stays as it is. */
    quarantine: (payload: SignaturePayload, format: SubmissionFormat, reason: QuarantineReason, receivedAt: Date) =>
      quarantine.immediate(payload, format, reason, receivedAt),
    get: (id: string): QuarantinedSignature | undefined => {
      const row = one.get(id);
      return row && toQuarantined(row);
    },
    list: (campaign: string, limit: number): QuarantinedSignature[] => list.all(campaign, limit).map(toQuarantined),
    count: (campaign: string): number => count.get(campaign)!.n,
    remove: (id: string): boolean => remove.run(id).changes === 1,
    /** Records that `signatureId` used the token `nonce`; returns the id that used it first. */
    recordTokenUse: (nonce: string, signatureId: string, now: number, forgetBefore: number): string =>
      tokenUse.immediate(nonce, signatureId, now, forgetBefore),
    /** The secret called `name`, generated and stored at its first use, so it survives restarts. */
    secret: (name: string): string => secret.get(name)?.value ?? namedSecret.immediate(name),
  };
}
