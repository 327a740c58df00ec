/**
 * The daily digest a target receives in mode `digest` (SPEC §9.1): the campaign's letter once,
 * then that day's signers. Pure: no clock, no I/O, so the exact text is unit-tested.
 *
 * The same rules as compose-letter.ts, stricter where a digest allows it: nothing any signer
 * typed reaches a header (the subject is the organiser's letter subject, From is MAIL_FROM's own
 * name and address), and a digest never carries a signer's address, so none can leak to the
 * target. Signers' own words are quoted line by line under their name: a signer cannot forge
 * another entry of the list by typing "2. Someone Else" into their letter.
 *
 * Size: a day's digest to a target is split into parts (digest-closing.ts closes them), each
 * its own email with its own Message-ID and "part k of n" in the subject, so a big day never
 * makes one message a mail server refuses as too large (552). Limits below.
 */
import type Mail from 'nodemailer/lib/mailer';
import { cleanBody, cleanLine, countryName, domainOf, MAX_DISPLAY_NAME_LENGTH, MAX_SUBJECT_LENGTH, parseMailFrom, type MailFrom } from './compose-letter.ts';
import { isStrictAddress } from './delivery-settings.ts';
import type { DigestSigner, DigestToSend } from './letter-types.ts';

/** Most signers listed in one digest email; more make another part. */
export const MAX_DIGEST_PART_SIGNERS = 500;
/**
 * Most bytes (UTF-8) of text in one digest email: the letter, the heading and the entries. About
 * 2 MB, so the encoded message (quoted-printable or base64) stays well under the 10 MB that many
 * mail servers accept. One signer's entry is at most ~12 KB, so a part is never far over.
 */
export const MAX_DIGEST_PART_BYTES = 2_000_000;
/** Most characters of one signer's own words (their edited body) quoted in a digest. */
export const MAX_QUOTED_BODY_CHARS = 2_000;
/** Written under a signer's words cut at MAX_QUOTED_BODY_CHARS. */
export const SHORTENED_NOTE = '(shortened)';

/** Where a digest stands among its day's parts: part `part` of `parts`, its first signer numbered `firstNumber`. */
export interface DigestPart {
  part: number;
  parts: number;
  firstNumber: number;
}

/** A claimed digest as composed: DigestToSend, with its part when the day was split. */
export type DigestToCompose = DigestToSend & { part?: DigestPart };

/** `<digest-<id>@<MAIL_FROM domain>>`: the same for every attempt of one digest. */
export function digestMessageId(digestId: string, mailFromAddress: string): string {
  return `<digest-${digestId.replace(/[^A-Za-z0-9-]/g, '')}@${domainOf(mailFromAddress)}>`;
}

/** "1 signer" / "12 signers". */
function signersPhrase(count: number): string {
  return `${count} ${count === 1 ? 'signer' : 'signers'}`;
}

/** The digest's subject: the letter's subject, how many signed (in this part), the day, and "part k of n" if split. One clean line. */
export function digestSubject(letterSubject: string, signerCount: number, day: string, part?: DigestPart): string {
  const partPhrase = part && part.parts > 1 ? `, part ${part.part} of ${part.parts}` : '';
  const suffix = ` (${signersPhrase(signerCount)}, ${day}${partPhrase})`;
  const subject = cleanLine(letterSubject, MAX_SUBJECT_LENGTH - suffix.length) || 'A letter';
  return `${subject}${suffix}`;
}

/** Each line of `text` behind a quote mark, so it reads as the signer's and cannot pose as a list entry. */
function quoted(text: string): string[] {
  // Per line trimEnd (linear), never an anchored /\s+$/m regex on signer text (quadratic on a run of spaces).
  return text.split('\n').map((line) => line.trimEnd()).map((line) => (line === '' ? '   >' : `   > ${line}`));
}

/** A signer's own words, cleaned and cut at MAX_QUOTED_BODY_CHARS (code points); `shortened` if cut. */
function ownWords(body: string): { text: string; shortened: boolean } {
  const cleaned = cleanBody(body).trim();
  if (cleaned.length <= MAX_QUOTED_BODY_CHARS) return { text: cleaned, shortened: false };
  const codePoints = Array.from(cleaned);
  if (codePoints.length <= MAX_QUOTED_BODY_CHARS) return { text: cleaned, shortened: false };
  return { text: codePoints.slice(0, MAX_QUOTED_BODY_CHARS).join('').trimEnd(), shortened: true };
}

/** One signer's entry: number and name, organisation, country, then their own words if any. */
export function signerEntry(signer: DigestSigner, index: number): string {
  const name = cleanLine(signer.name, MAX_DISPLAY_NAME_LENGTH) || '(no name given)';
  const lines = [`${index + 1}. ${name}`];
  const organisation = cleanLine(signer.organisation ?? '', 200);
  if (organisation) lines.push(`   ${organisation}`);
  if (signer.country) lines.push(`   ${countryName(signer.country)}`);
  const subject = signer.edited?.subject === undefined ? '' : cleanLine(signer.edited.subject, MAX_SUBJECT_LENGTH);
  const body = signer.edited?.body === undefined ? { text: '', shortened: false } : ownWords(signer.edited.body);
  if (subject || body.text) {
    lines.push('   In their own words:');
    if (subject) lines.push(`   > Subject: ${subject}`, '   >');
    if (body.text) lines.push(...quoted(body.text));
    if (body.shortened) lines.push(`   ${SHORTENED_NOTE}`);
  }
  return lines.join('\n');
}

/** The heading above the list: how many signers, the day, and which part of the day's digest. */
export function digestHeading(signerCount: number, day: string, timeZone: string, part?: DigestPart): string {
  if (!part || part.parts <= 1) return `Signed by ${signersPhrase(signerCount)} (digest of ${day}, ${timeZone}):`;
  const range = signerCount === 1 ? `signer ${part.firstNumber}` : `signers ${part.firstNumber}–${part.firstNumber + signerCount - 1}`;
  return `Signed by ${signersPhrase(signerCount)} (digest of ${day}, ${timeZone}, part ${part.part} of ${part.parts}: ${range}):`;
}

/** The digest's plain text: the letter once, then every signer (of this part) in signing order. */
export function digestText(digest: Pick<DigestToCompose, 'letter' | 'signers' | 'day' | 'timeZone' | 'part'>): string {
  const heading = digestHeading(digest.signers.length, digest.day, digest.timeZone, digest.part);
  const offset = (digest.part?.firstNumber ?? 1) - 1;
  const entries = digest.signers.map((signer, index) => signerEntry(signer, offset + index));
  return `${[cleanBody(digest.letter.body), heading, ...entries].filter((part) => part !== '').join('\n\n')}\n`;
}

/** Builds the nodemailer message for one digest (pure). `mailFrom` is MAIL_FROM as configured. */
export function composeDigest(digest: DigestToCompose, mailFrom: string | MailFrom): Mail.Options {
  const from = typeof mailFrom === 'string' ? parseMailFrom(mailFrom) : { ok: true as const, ...mailFrom };
  if (!from.ok) throw new Error(from.error);
  if (!isStrictAddress(digest.recipient.email)) throw new Error(`digest ${digest.id}: recipient is not a plain address`);
  return {
    // The organisation's name only: a digest speaks for many signers, none of them in a header.
    from: { name: cleanLine(from.name, MAX_DISPLAY_NAME_LENGTH), address: from.address },
    to: { name: cleanLine(digest.recipient.name, MAX_DISPLAY_NAME_LENGTH), address: digest.recipient.email },
    subject: digestSubject(digest.letter.subject, digest.signers.length, digest.day, digest.part),
    text: digestText(digest),
    messageId: digestMessageId(digest.id, from.address),
    // Spelled out so no header can ever become a recipient.
    envelope: { from: from.address, to: [digest.recipient.email] },
    disableFileAccess: true,
    disableUrlAccess: true,
    xMailer: false,
  };
}
