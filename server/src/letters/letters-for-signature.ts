/**
 * Which letters a new signature makes (SPEC §9.1, §9.3): in mode `each`, one per target, its
 * recipient taken from the campaign's delivery settings only, never from the payload. Pure, so
 * the signature route can record the letters in the same transaction as the signature.
 */
import { randomUUID } from 'node:crypto';
import type { SignaturePayload } from '../signature-schema.ts';
import type { DeliverySettings } from './letter-types.ts';

/** A letter to record with its signature. */
export interface NewLetter {
  id: string;
  targetName: string;
  targetEmail: string;
  /** Where it goes: the target, or in test mode the signer's own address (§9.1). */
  recipientEmail: string;
  subject: string;
  body: string;
  createdAt: number;
  nextAttemptAt: number;
  /** 'awaiting-confirmation' when the campaign holds letters until the signer confirms (§9.3); default 'queued'. */
  status?: 'queued' | 'awaiting-confirmation';
  /** The signer's address for Reply-To: only with replyTo "signer-if-agreed" and the signer's yes. */
  replyTo?: string;
}

/** The signer's address for Reply-To, or undefined: both the campaign and the signer must have said yes. */
export function replyToFor(payload: SignaturePayload, delivery: Pick<DeliverySettings, 'replyTo'>): string | undefined {
  return delivery.replyTo === 'signer-if-agreed' && payload.consent?.replyTo === true ? payload.signer.email.trim() : undefined;
}

/** What the answer's `letter` field says about a signature's letters (SPEC §9.5). */
export type LetterAnswer = 'queued' | 'awaiting-confirmation' | 'mailto' | 'none';

type LetterVersions = Record<string, unknown>;

/** The document's letter in the language closest to `locale`: exact, base language, English, the first. */
export function documentLetter(document: Record<string, unknown>, locale: string | undefined): { subject: string; body: string } | undefined {
  const letter = document.letter as LetterVersions | undefined;
  if (!letter || typeof letter !== 'object') return undefined;
  const languages = Object.keys(letter).filter((key) => key !== 'to' && key !== 'mailto');
  const wanted = (locale ?? '').toLowerCase();
  const pick = languages.find((code) => code.toLowerCase() === wanted)
    ?? languages.find((code) => code.toLowerCase() === wanted.split('-')[0])
    ?? languages.find((code) => code === 'en')
    ?? languages[0];
  const version = pick === undefined ? undefined : (letter[pick] as { subject?: unknown; body?: unknown });
  return typeof version?.subject === 'string' && typeof version.body === 'string'
    ? { subject: version.subject, body: version.body }
    : undefined;
}

/**
 * What the signer is told will happen to their letter, for this campaign's settings and the
 * letters this payload makes (`lettersForSignature`'s result; in mode `each` none means no letter,
 * e.g. a payload without a message for a campaign without a letter). Computed from the payload,
 * never from whether the signature was new, so a repeated address answers like a new one.
 */
export function letterAnswer(delivery: DeliverySettings, letters?: readonly NewLetter[]): LetterAnswer {
  if (delivery.mode === 'mailto') return 'mailto';
  if (delivery.mode === 'off' || delivery.targets.length === 0) return 'none';
  if (delivery.mode === 'each' && letters !== undefined && letters.length === 0) return 'none';
  return delivery.confirm ? 'awaiting-confirmation' : 'queued';
}

/**
 * The letters of one signature. The subject and body are the signer's (as edited in the
 * widget), else the campaign's own letter in the signer's language; without either, none.
 */
export function lettersForSignature(
  payload: SignaturePayload,
  campaign: { delivery: DeliverySettings; document: Record<string, unknown> },
  now: number,
): NewLetter[] {
  const { delivery } = campaign;
  if (delivery.mode !== 'each') return [];
  // Test mode writes to the signer's own address: only to the organisers listed as testers.
  if (delivery.test && !delivery.testers?.includes(payload.signer.email.trim().toLowerCase())) return [];
  const fallback = documentLetter(campaign.document, payload.locale);
  const subject = payload.message?.subject?.trim() || fallback?.subject;
  const body = payload.message?.body?.trim() ? payload.message.body : fallback?.body;
  if (!subject || !body) return [];
  const replyTo = replyToFor(payload, delivery);
  return delivery.targets.map((target): NewLetter => ({
    id: randomUUID(),
    targetName: target.name,
    targetEmail: target.email,
    recipientEmail: delivery.test ? payload.signer.email.trim() : target.email,
    // Test mode: to the signer's own address, and marked so (SPEC §9.1).
    subject: delivery.test ? `[TEST] ${subject}` : subject,
    body,
    createdAt: now,
    nextAttemptAt: now,
    // Held until the signer confirms: the worker only takes 'queued' letters.
    status: delivery.confirm ? 'awaiting-confirmation' : 'queued',
    ...(replyTo === undefined ? {} : { replyTo }),
  }));
}

/** A signer's place in the next digest to one target, recorded with the signature (mode `digest`). */
export interface NewDigestEntry {
  targetName: string;
  targetEmail: string;
  /** The signer's subject, only when it differs from the document's for their language. */
  editedSubject: string | null;
  /** The signer's body, only when it differs from the document's for their language. */
  editedBody: string | null;
  createdAt: number;
}

/** Text compared as a reader sees it: line endings, trailing spaces and outer blank lines ignored. */
function comparable(text: string): string {
  // Per line trimEnd, not /[ \t]+$/gm: that regex is quadratic on a long run of spaces in signer text.
  return text.replace(/\r\n?/g, '\n').split('\n').map((line) => line.trimEnd()).join('\n').trim();
}

/**
 * What the signer changed in the campaign's letter (pure): their subject and body where they
 * differ from `original`; null for a part left as it was or left empty.
 */
export function editedWords(
  message: { subject?: string | undefined; body?: string | undefined } | undefined,
  original: { subject: string; body: string } | undefined,
): { subject: string | null; body: string | null } {
  const changed = (mine: string | undefined, theirs: string | undefined): string | null =>
    mine !== undefined && comparable(mine) !== '' && comparable(mine) !== comparable(theirs ?? '') ? mine : null;
  return { subject: changed(message?.subject, original?.subject), body: changed(message?.body, original?.body) };
}

/** The letter a digest holds once: the document's in `digestLanguage`, else `en`, else its first. */
export function digestLetter(document: Record<string, unknown>, delivery: Pick<DeliverySettings, 'digestLanguage'>): { subject: string; body: string } | undefined {
  return documentLetter(document, delivery.digestLanguage ?? 'en');
}

/**
 * The digest entries of one signature (pure): in mode `digest`, one per target, with the
 * signer's own words where they edited the letter. Every signer is listed, edited or not.
 */
export function digestEntriesForSignature(
  payload: SignaturePayload,
  campaign: { delivery: DeliverySettings; document: Record<string, unknown> },
  now: number,
): NewDigestEntry[] {
  if (campaign.delivery.mode !== 'digest') return [];
  const edited = editedWords(payload.message, documentLetter(campaign.document, payload.locale));
  return campaign.delivery.targets.map((target) => ({
    targetName: target.name,
    targetEmail: target.email,
    editedSubject: edited.subject,
    editedBody: edited.body,
    createdAt: now,
  }));
}
