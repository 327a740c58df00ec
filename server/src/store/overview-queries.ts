/**
 * What the console's campaigns list and a campaign's overview ask of the store (SPEC §10), beyond
 * what the admin API already reads (store.ts): counts that need the signatures themselves, the
 * letters per target from indexes alone, and re-queuing a campaign's letters of unknown outcome at once. The SQLite version:
 * sqlite-overview.ts.
 *
 * Dates are the receiver's own reception time (`received_at`, stamped when the signature
 * arrived, ISO in UTC), never the payload's `createdAt`: that one is the signer's clock, and a
 * signature queued offline arrives days after it. The count the widget shows grows at reception.
 */
import type { LetterStatus } from '../letters/letter-types.ts';

/** Per campaign: what the list shows beside the admin API's summary. */
export interface CampaignStats {
  campaign: string;
  /** The document's goal, null without one. */
  goal: number | null;
  /** Signatures whose signer agreed to hear from the organiser (consent.updates). */
  consenting: number;
  /** ISO date-time of the newest signature's reception, null with none. */
  lastSignatureAt: string | null;
}

/** Received at or after `from`, before `until` (ISO instants in UTC). */
export interface ReceivedRange {
  from: string;
  until: string;
}

export interface KeyCount {
  key: string;
  count: number;
}

/** A campaign's signatures in a range, read in one snapshot so that every number agrees. */
export interface SignatureOverview {
  /** All-time count (campaign_counts, what the widget shows). */
  count: number;
  /** Signatures received before the range. */
  before: number;
  /** Days (YYYY-MM-DD, UTC) of the range that have signatures, in order. */
  days: { date: string; added: number }[];
  /** utm_source where utm_medium is "share", else "(none)"; most first. */
  channels: KeyCount[];
  /** The widget's language; "" when none was sent. */
  languages: KeyCount[];
  /** ISO 3166-1 code; "" when none was given. */
  countries: KeyCount[];
  /** source.url, most first, at most `topPages`; "" when none was sent. */
  pages: KeyCount[];
}

/** The key of signers who did not arrive through a share (or whose share named no channel). */
export const NO_CHANNEL = '(none)';

/** A campaign's letters to one target address, by status, and the last answer its mail server gave. */
export interface TargetLetterTally {
  email: string;
  /** The name the letters were recorded with (the campaign may name the target differently now). */
  name: string;
  counts: Partial<Record<LetterStatus, number>>;
  lastResponse: string | null;
  /** ms since the epoch. */
  lastAttemptAt: number | null;
}

export interface OverviewQueries {
  /** Every campaign the receiver holds. */
  campaignStats(): Promise<CampaignStats[]>;
  signatureOverview(campaign: string, range: ReceivedRange, topPages: number): Promise<SignatureOverview>;
  /**
   * Per target address that has letters of `campaign`. Like the admin API's letterStatusByTarget,
   * but from indexes alone: that one also reads each letter's row (for its last sending time),
   * half a second for a target with 90 000 letters.
   */
  targetLetters(campaign: string): Promise<TargetLetterTally[]>;
  /**
   * The organiser's "send again" for every letter of `campaign` whose outcome is unknown, in one
   * statement (as the admin API's resend does for one letter): queued, due at `now`, its retry
   * window started afresh. Returns how many.
   */
  resendUnknownLetters(campaign: string, now: number): Promise<number>;
}
