/**
 * Letters to the target (SPEC §9): the types the queues, the worker and the composers share.
 * How a campaign's delivery settings are checked and what they default to: delivery-settings.ts.
 */

// campaign-input.ts still imports the validator from here; drop this line once it imports delivery-settings.ts.
export { parseDeliverySettings } from './delivery-settings.ts';

/** Where a letter is in its life. The last three belong to confirmation and cancelling (later). */
export type LetterStatus =
  | 'queued'
  | 'sending'
  | 'sent'
  | 'failed'
  | 'unknown'
  | 'awaiting-confirmation'
  | 'expired'
  | 'cancelled';

/** Every status, in the order the admin API lists them. */
export const LETTER_STATUSES: readonly LetterStatus[] = [
  'queued', 'sending', 'sent', 'failed', 'unknown', 'awaiting-confirmation', 'expired', 'cancelled',
];

/** A recipient named by the organiser. */
export interface Target {
  name: string;
  email: string;
}

/** Office hours in the target's time zone; letters are held outside them. */
export interface SendingWindow {
  /** IANA zone, e.g. `Asia/Almaty`. */
  timeZone: string;
  /** Local `HH:MM`, inclusive. */
  start: string;
  /** Local `HH:MM` (or `24:00`), exclusive; must be after `start`. */
  end: string;
  /** ISO weekdays, 1 = Monday … 7 = Sunday; default Monday–Friday. */
  days?: number[];
}

/** A campaign's private delivery settings (SPEC §9.1), defaults filled in. */
export interface DeliverySettings {
  mode: 'each' | 'digest' | 'mailto' | 'off';
  targets: Target[];
  confirm: boolean;
  replyTo: 'none' | 'signer-if-agreed';
  test: boolean;
  /**
   * With `test`: the organisers' own addresses. Only their signatures make (test) letters, so a
   * campaign in test mode cannot be used to send the union's mail to any address someone types.
   */
  testers?: string[];
  /**
   * Mode `each`: one receipt email to the signer once all their letters reached a final state
   * and at least one was sent. Present (true) only when on; default off.
   */
  receipt?: boolean;
  /**
   * Bot checks: the form asks the signer's browser for a proof of work (ALTCHA) before it sends,
   * for a campaign under attack (README "Bots and floods"). Present (true) only when on.
   */
  proofOfWork?: boolean;
  /** Letters per target per rolling hour, 1–10000; default 30. */
  hourlyCap: number;
  window?: SendingWindow;
  /** Mode `digest`: the local hour (0–23) the day's digest leaves; default 18. */
  digestHour?: number;
  /** Mode `digest`: the IANA zone of `digestHour`; default the window's zone, else `UTC`. */
  timeZone?: string;
  /** Mode `digest`: which language of the document's letter the digest holds; default `en`, else the first. */
  digestLanguage?: string;
}

/** One signer as a digest lists them: never their address, so it cannot reach the target. */
export interface DigestSigner {
  name: string;
  organisation?: string;
  /** ISO 3166 code. */
  country?: string;
  /** Their own words, only where they differ from the campaign's letter in their language. */
  edited?: { subject?: string; body?: string };
}

/** What the worker gets for one claimed digest (SPEC §9.1 mode `digest`). */
export interface DigestToSend {
  /** The digest's uuid (also its Message-ID's local part). */
  id: string;
  campaign: string;
  /** Attempts so far, counting the one this claim starts. */
  attempts: number;
  createdAt: number;
  firstAttemptAt: number | null;
  recipient: Target;
  /** The local date (YYYY-MM-DD, in `timeZone`) on which the digest was closed. */
  day: string;
  timeZone: string;
  /** The campaign's letter, held once, as it was when the digest was closed. */
  letter: { subject: string; body: string };
  /** In signing order. */
  signers: DigestSigner[];
}

/** What the worker gets for one claimed letter. */
export interface LetterToSend {
  /** The letter's uuid (also its Message-ID's local part). */
  id: string;
  campaign: string;
  /** Attempts made so far, counting the one this claim starts (so ≥ 1 from the SQLite queue). */
  attempts: number;
  /** ms since the epoch. */
  createdAt: number;
  /** When the first attempt started (the one just claimed, if it is the first); ms. */
  firstAttemptAt: number | null;
  /** Name and address the letter goes to (the signer's own address in test mode). */
  recipient: Target;
  subject: string;
  body: string;
  signer: { name: string; email: string; organisation?: string; country?: string; postcode?: string };
  locale?: string;
  /** The signer's address, only when they agreed that the target may answer them. */
  replyTo?: string;
}

/** What every email to the signer themself (confirmation, receipt) carries for the worker. */
export interface EmailToSigner {
  /** The signature's id (also the Message-ID's local part). */
  id: string;
  campaign: string;
  attempts: number;
  firstAttemptAt: number | null;
  /** The signer's own address and name. */
  recipient: { name: string; email: string };
  locale?: string;
}
