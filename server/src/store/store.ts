/**
 * The receiver's storage as the routes, the CLI and the letter worker see it. Every method
 * returns a promise, so a networked store (PostgreSQL) can implement the same interface as the
 * embedded SQLite one (sqlite-store.ts).
 */
import type { OrganiserStore } from '../accounts/organisers.ts';
import type { CampaignInput, CampaignStatus } from '../campaigns/campaign-input.ts';
import type { LetterStatus } from '../letters/letter-types.ts';
import type { LetterQueue } from '../letters/letter-worker.ts';
import type { NewDigestEntry, NewLetter } from '../letters/letters-for-signature.ts';
import type { DigestStatus } from '../letters/sqlite-digest-queue.ts';
import type { ConfirmationCounts, ConfirmationView } from '../letters/sqlite-confirmations.ts';
import type { SignaturePayload } from '../signature-schema.ts';
import type { QuarantineReason } from '../bots/form-token.ts';
import type { SignerErasure } from './erasure.ts';
import type { QuarantinedSignature, QuarantineOutcome } from './sqlite-quarantine.ts';
import type { OverviewQueries } from './overview-queries.ts';
import type { InsertResult, SignatureFilter, SignatureRow, SubmissionFormat } from './sqlite-database.ts';

export type { InsertOutcome, InsertResult, SignatureFilter, SignatureRow, SubmissionFormat } from './sqlite-database.ts';
export type { QuarantinedSignature, QuarantineOutcome } from './sqlite-quarantine.ts';

/** A campaign as the receiver holds it. */
export interface StoredCampaign extends CampaignInput {
  id: string;
  sendingPaused: boolean;
  createdAt: string;
  updatedAt: string;
}

/** A campaign in the admin list. */
export interface CampaignSummary {
  id: string;
  status: CampaignStatus;
  title: string | undefined;
  count: number;
  sendingPaused: boolean;
  letters: Record<LetterStatus, number>;
  updatedAt: string;
}

/** A campaign's letters to one target, by status, with the last SMTP answer. */
export interface TargetLetterStatus {
  target: { name: string; email: string };
  counts: Record<LetterStatus, number>;
  lastResponse: string | null;
  lastAttemptAt: string | null;
  lastSentAt: string | null;
}

/**
 * One letter as the organiser's letter list shows it (`GET /api/admin/campaigns/:id/letters`):
 * enough to decide on a resend, nothing about the signer beyond what the export already gives
 * the organiser (no recipient: in test mode that is the signer's own address).
 */
export interface LetterSummary {
  id: string;
  target: { name: string; email: string };
  status: LetterStatus;
  attempts: number;
  lastResponse: string | null;
  createdAt: string;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
  sentAt: string | null;
}

/** A campaign's digests to one target (mode `digest`): signers waiting, digests by status, the last SMTP answer. */
export interface TargetDigestStatus {
  target: { name: string; email: string };
  /** Signers recorded since the last digest, waiting for the next one. */
  pendingSigners: number;
  counts: Record<DigestStatus, number>;
  lastResponse: string | null;
  lastAttemptAt: string | null;
  lastSentAt: string | null;
}

/** One digest as the organiser's list shows it (`GET /api/admin/campaigns/:id/digests`). */
export interface DigestSummary {
  id: string;
  target: { name: string; email: string };
  day: string;
  signers: number;
  status: DigestStatus;
  attempts: number;
  lastResponse: string | null;
  createdAt: string;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
  sentAt: string | null;
}

/** Requests per key in fixed windows, counted where several receivers see the same numbers. */
export interface RateLimitCounters {
  /** Counts one request for `key` in its window (a new one when the last ended); its place in the window and the ms left. */
  increment(key: string, windowMs: number): Promise<{ count: number; ttlMs: number }>;
}

export interface Store {
  /** Where the data lives, for the start-up line (a file path, a database name). */
  readonly path: string;
  /**
   * Records a signature and, if it is new, its letters, in one durable transaction; resolves only
   * once that is committed, so a 201 means "on disk".
   */
  insertSignature(payload: SignaturePayload, format: SubmissionFormat, letters?: readonly NewLetter[], digestEntries?: readonly NewDigestEntry[]): Promise<InsertResult>;
  countSignatures(campaign: string): Promise<number>;
  /** A page of a campaign's signatures in insertion order, after `afterSeq`, optionally only some (the console's export). */
  listSignatures(campaign: string, options?: { afterSeq?: number; limit?: number } & SignatureFilter): Promise<SignatureRow[]>;

  getCampaign(id: string): Promise<StoredCampaign | undefined>;
  listCampaigns(): Promise<CampaignSummary[]>;
  /** Creates or replaces a campaign; letters already recorded are kept. */
  putCampaign(id: string, input: CampaignInput, now?: Date): Promise<'created' | 'updated'>;
  /** Pauses or resumes a campaign's sending; false when there is no such campaign. */
  setSendingPaused(id: string, paused: boolean): Promise<boolean>;
  letterStatusByTarget(campaign: string): Promise<TargetLetterStatus[]>;
  /** A campaign's letters, newest first, optionally of one status; at most `limit` (default 100, max 1000). */
  listLetters(campaign: string, options?: { status?: LetterStatus; limit?: number }): Promise<LetterSummary[]>;
  /** The organiser's choice for a letter whose outcome was unknown, or that failed: send it again. */
  resendLetter(letterId: string): Promise<boolean>;
  /** Mode `digest`, per target: signers waiting and digests by status. */
  digestStatusByTarget(campaign: string): Promise<TargetDigestStatus[]>;
  /** A campaign's digests, newest first; at most `limit` (default 100, max 1000). */
  listDigests(campaign: string, options?: { limit?: number }): Promise<DigestSummary[]>;
  /** The organiser's "send the digest now": queues one digest per target with signers waiting, and says what was queued. */
  sendDigestNow(campaign: string, now?: number): Promise<{ target: { name: string; email: string }; signers: number }[]>;
  /** Sends again a digest whose outcome was unknown, or that failed. */
  resendDigest(digestId: string): Promise<boolean>;

  /** Mode confirm: what the page may say about a token, by its SHA-256; changes nothing. */
  confirmationView(tokenHash: string, now: number): Promise<ConfirmationView>;
  /** Mode confirm: the signer pressed the button: their held letters become 'queued', once; a second press changes nothing. */
  confirmSignature(tokenHash: string, now: number): Promise<ConfirmationView>;
  /** Mode confirm: a campaign's confirmation emails by status, and how many signers confirmed. */
  confirmationCounts(campaign: string): Promise<ConfirmationCounts>;

  /**
   * Bot checks (README "Bots and floods"): holds a suspect signature back, uncounted and without
   * letters. An id already stored, counted or held, is left as it is ('duplicate-id'). The count
   * is the campaign's, unchanged.
   */
  quarantineSignature(payload: SignaturePayload, format: SubmissionFormat, reason: QuarantineReason): Promise<{ outcome: QuarantineOutcome; count: number }>;
  /** A campaign's held signatures, newest first; at most `limit` (default 100, max 1000). */
  listQuarantined(campaign: string, options?: { limit?: number }): Promise<QuarantinedSignature[]>;
  /** How many signatures of a campaign are held. */
  countQuarantined(campaign: string): Promise<number>;
  /** One held signature, by id. */
  getQuarantined(id: string): Promise<QuarantinedSignature | undefined>;
  /**
   * The organiser's "release": the held signature is stored as if it had just arrived, with
   * `letters`, in one transaction (a repeat of an address already counted is not counted again).
   * Undefined when nothing with that id is held.
   */
  releaseQuarantined(id: string, letters?: readonly NewLetter[], digestEntries?: readonly NewDigestEntry[]): Promise<InsertResult | undefined>;
  /** The organiser's "delete": the held signature is gone for good; false when nothing was held. */
  deleteQuarantined(id: string): Promise<boolean>;
  /**
   * Records that `signatureId` used the form token `nonce` and returns the id that used it first
   * (the same one for a retry). Uses older than `forgetBefore` (ms) may be forgotten.
   */
  recordFormTokenUse(nonce: string, signatureId: string, now: number, forgetBefore: number): Promise<string>;
  /** The receiver's secret called `name`: generated at first use and kept, so it survives restarts. */
  receiverSecret(name: string): Promise<string>;

  /** The queue the letter worker takes letters from. */
  readonly letters: LetterQueue;
  /** The console's organiser accounts, sessions and audit log (accounts/organisers.ts). */
  readonly organisers: OrganiserStore;
  /** Finding and erasing a signer on request (erasure.ts). */
  readonly erasure: SignerErasure;
  /** The console's campaigns list and overview (overview-queries.ts). */
  readonly overview: OverviewQueries;
  /**
   * Request counters every receiver on this database shares (the HTTP rate limits, app.ts);
   * absent for SQLite, whose one receiver counts in its own memory.
   */
  readonly rateLimits?: RateLimitCounters;
  /** Writes what is pending and closes. */
  close(): Promise<void>;
}
