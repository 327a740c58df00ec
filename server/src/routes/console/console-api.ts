/**
 * The console's data API (SPEC §10): the shapes the receiver answers under /api/console/ and the
 * console pages (console/) read. Types only, imported by both sides, so a change shows in both.
 *
 * Every route needs an organiser's session (session.ts `requireOrganiser`); every change also
 * needs the receiver's own origin. Errors are `{ error, message }`, or `{ errors: { <field path>:
 * reason } }` with 422 for an edit refused at its fields (as the admin API's PUT answers).
 *
 *   GET  /api/console/campaigns                          → CampaignList
 *   GET  /api/console/campaigns/:id                      → CampaignDetail
 *   PUT  /api/console/campaigns/:id                      CampaignEdit → CampaignDetail | 422
 *   GET  /api/console/campaigns/:id/overview?from&to     → Overview (dates YYYY-MM-DD, UTC, inclusive;
 *                                                          default: the last 30 days; at most 366;
 *                                                          a bad range → 400 {error, message})
 *   POST /api/console/campaigns/:id/pause | resume       → { paused: boolean }
 *   POST /api/console/campaigns/:id/letters/resend-unknown → { requeued: number }
 *   GET  /api/console/campaigns/:id/signatures.csv?signers=consenting|all&from&to
 *                                                        → CSV (the export's columns, with letter
 *                                                          statuses); default consenting only; from/to
 *                                                          YYYY-MM-DD, UTC, inclusive, by the day the
 *                                                          receiver got it; default all time; 400 with
 *                                                          a reason for a bad parameter
 *   GET  /api/console/campaigns/:id/quarantine           → QuarantineList (newest first, at most 500)
 *   POST /api/console/campaigns/:id/quarantine/:signature/release { confirm: true } → QuarantineDone
 *                                                          (counted, letters queued) | 400 (no confirm) | 404
 *   POST /api/console/campaigns/:id/quarantine/:signature/delete  { confirm: true } → QuarantineDone | 400 | 404
 *   POST /api/console/erasure/search  { email }          → ErasureMatches
 *   POST /api/console/erasure         ErasureRequest     → ErasureDone | 400 (no confirm: true) |
 *                                                          404 {error:'not-found'} (nothing changed) |
 *                                                          409 {error:'busy'} (a letter of that signer is
 *                                                          being handed to SMTP; nothing changed, Retry-After)
 *
 * And outside /api/console/: GET /embed/:campaign?lang=… → an HTML page holding only the widget,
 * for an iframe (the one page whose frame-ancestors are the ALLOWED_ORIGINS and the receiver
 * itself, not 'none'); 404 for a campaign the receiver does not hold.
 */

/** Letters of a campaign by status, all targets together. */
export interface LetterCounts {
  sent: number;
  /** queued or sending. */
  waiting: number;
  failed: number;
  unknown: number;
  /** Held until the signer confirms their address (delivery.confirm, SPEC §9.3, §9.5). */
  awaitingConfirmation: number;
}

/** One row of the campaigns list. */
export interface CampaignListItem {
  id: string;
  /** The title in English, else in the document's first language. */
  title: string;
  status: 'open' | 'closed';
  /** Sending paused by an organiser. */
  paused: boolean;
  count: number;
  goal: number | null;
  goalReached: boolean;
  /** Share of signers who agreed to hear from the organiser, 0–1 (0 with no signers). */
  consentingShare: number;
  /** ISO date-time of the newest signature, null with none. */
  lastSignatureAt: string | null;
  letters: LetterCounts;
}

export interface CampaignList {
  campaigns: CampaignListItem[];
}

/**
 * A campaign as the organiser edits it: the same document the admin API's PUT takes (SPEC §8:
 * texts per language, letter, goal, status and closed message, targets and delivery settings).
 */
export type CampaignEdit = Record<string, unknown>;

export interface CampaignDetail {
  id: string;
  /**
   * The campaign as stored, in the shape PUT takes: `{ document, status, delivery }` (delivery with
   * its defaults filled in), so the page can change it and send it back.
   */
  campaign: CampaignEdit;
  count: number;
  paused: boolean;
  /**
   * The origins widgets may be embedded from (ALLOWED_ORIGINS), for the embed page's warning; '*' for
   * any. Local development (ALLOWED_ORIGINS unset, or `local`) is listed as the patterns
   * `http://localhost:*`, `http://127.0.0.1:*` and `http://[::1]:*` (any port).
   */
  allowedOrigins: string[] | '*';
  /** This receiver as browsers reach it (PUBLIC_URL, else the request's origin), for the snippets. */
  publicUrl: string;
}

/** How many signatures have `key` (a channel, language, country or page). */
export interface BreakdownRow {
  key: string;
  count: number;
}

/** One day of the count, by the receiver's time of reception. */
export interface DayCount {
  /** YYYY-MM-DD, UTC. */
  date: string;
  /** Signatures that day. */
  added: number;
  /** The count at the end of that day (all signatures since the start, not only in the range). */
  total: number;
}

/** The letters to one target, by status, and the last answer its mail server gave. */
export interface TargetLetters {
  /** The target's name as the campaign names it. */
  name: string;
  email: string;
  counts: LetterCounts;
  /** The last SMTP answer for a letter to this target, e.g. "250 2.0.0 Ok: queued as 4F…". */
  lastAnswer: string | null;
  lastAttemptAt: string | null;
}

export interface Overview {
  id: string;
  from: string;
  to: string;
  goal: number | null;
  /** All-time count (what the widget shows). */
  count: number;
  /** Signatures in the range. */
  inRange: number;
  /** Every day of the range, in order, days without signatures included. */
  days: DayCount[];
  /** utm_source of signers who arrived through a share (utm_medium=share), most first; "(none)" for the rest (a share link without utm_source too). */
  channels: BreakdownRow[];
  languages: BreakdownRow[];
  /** ISO 3166-1 codes; "" for signers who gave none. */
  countries: BreakdownRow[];
  /** The embedding page (source.url), most first, the top 20. */
  pages: BreakdownRow[];
  /** The campaign's targets in mode each (in its order), then any other address that has letters of it. */
  targets: TargetLetters[];
  paused: boolean;
}

/** Where an address signed. */
export interface ErasureMatch {
  campaign: string;
  /** ISO date-time. */
  signedAt: string;
  letters: number;
}

export interface ErasureMatches {
  matches: ErasureMatch[];
}

export interface ErasureRequest {
  email: string;
  /** anonymise: the signature stays counted, every personal field blanked; delete: removed, the count goes down (fake signatures). */
  action: 'anonymise' | 'delete';
  /** Must be true: the page asked "are you sure". */
  confirm: true;
}

export interface ErasureDone {
  action: 'anonymise' | 'delete';
  signatures: number;
  campaigns: number;
  /**
   * Only when the erasure is saved but old copies could not all be cleared from the database file
   * yet (another process had it open, no room to rebuild it): what to tell the organiser.
   */
  warning?: string;
}

/** One signature held back by the bot checks, as the review page lists it. */
export interface QuarantinedItem {
  id: string;
  /** Why it was held: honeypot, no-token, bad-token, other-campaign, expired, too-fast, replayed-token, no-pow, bad-pow. */
  reason: string;
  receivedAt: string;
  /** The signer's name as given (first and last, or the one name field). */
  name: string;
  email: string;
  country: string;
  /** The page it came from, as the widget reported it. */
  sourceUrl: string;
  /** What the honeypot field held, when it was filled. */
  honeypot: string;
}

export interface QuarantineList {
  /** How many are held in all (the list shows at most 500). */
  total: number;
  signatures: QuarantinedItem[];
}

/** What a release or a delete did, and the campaign's count after it. */
export interface QuarantineDone {
  action: 'release' | 'delete';
  /** For a release: counted, or not counted again because that address had already signed. */
  outcome?: 'counted' | 'already-signed';
  count: number;
}
