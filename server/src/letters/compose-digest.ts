/**
 * The daily digest a target receives in mode `digest` (SPEC §9.1): the campaign's letter once,
 * then that day's signers. Pure: no clock, no I/O, so the exact text is unit-tested.
 *
 * The same rules as compose-letter.ts, stricter where a digest allows it: nothing any signer
 * typed reaches a header (the subject is the organiser's letter subject, From is MAIL_FROM's own
 * name and address), and a digest never carries a signer's address, so none can leak to the
 * target. Signers' own words are quoted line by line under their name: a signer cannot forge
 * another entry of the list by typing "2. Someone Else" into their letter.
 */
import type Mail from 'nodemailer/lib/mailer';
import { cleanBody, cleanLine, countryName, domainOf, MAX_DISPLAY_NAME_LENGTH, MAX_SUBJECT_LENGTH, parseMailFrom, type MailFrom } from './compose-letter.ts';
import { isStrictAddress, type DigestSigner, type DigestToSend } from './letter-types.ts';

/** `<digest-<id>@<MAIL_FROM domain>>`: the same for every attempt of one digest. */
export function digestMessageId(digestId: string, mailFromAddress: string): string {
  return `<digest-${digestId.replace(/[^A-Za-z0-9-]/g, '')}@${domainOf(mailFromAddress)}>`;
}

/** "1 signer" / "12 signers". */
function signersPhrase(count: number): string {
  return `${count} ${count === 1 ? 'signer' : 'signers'}`;
}

/** The digest's subject: the letter's subject, how many signed, and the day. One clean line. */
export function digestSubject(letterSubject: string, signerCount: number, day: string): string {
  const suffix = ` (${signersPhrase(signerCount)}, ${day})`;
  const subject = cleanLine(letterSubject, MAX_SUBJECT_LENGTH - suffix.length) || 'A letter';
  return `${subject}${suffix}`;
}

/** Each line of `text` behind a quote mark, so it reads as the signer's and cannot pose as a list entry. */
function quoted(text: string): string[] {
  return cleanBody(text).split('\n').map((line) => (line === '' ? '   >' : `   > ${line}`));
}

/** One signer's entry: number and name, organisation, country, then their own words if any. */
export function signerEntry(signer: DigestSigner, index: number): string {
  const name = cleanLine(signer.name, MAX_DISPLAY_NAME_LENGTH) || '(no name given)';
  const lines = [`${index + 1}. ${name}`];
  const organisation = cleanLine(signer.organisation ?? '', 200);
  if (organisation) lines.push(`   ${organisation}`);
  if (signer.country) lines.push(`   ${countryName(signer.country)}`);
  const subject = signer.edited?.subject === undefined ? '' : cleanLine(signer.edited.subject, MAX_SUBJECT_LENGTH);
  const body = signer.edited?.body === undefined ? '' : cleanBody(signer.edited.body).trim();
  if (subject || body) {
    lines.push('   In their own words:');
    if (subject) lines.push(`   > Subject: ${subject}`, '   >');
    if (body) lines.push(...quoted(body));
  }
  return lines.join('\n');
}

/** The digest's plain text: the letter once, then every signer in signing order. */
export function digestText(digest: Pick<DigestToSend, 'letter' | 'signers' | 'day' | 'timeZone'>): string {
  const heading = `Signed by ${signersPhrase(digest.signers.length)} (digest of ${digest.day}, ${digest.timeZone}):`;
  const entries = digest.signers.map(signerEntry);
  return `${[cleanBody(digest.letter.body), heading, ...entries].filter((part) => part !== '').join('\n\n')}\n`;
}

/** Builds the nodemailer message for one digest (pure). `mailFrom` is MAIL_FROM as configured. */
export function composeDigest(digest: DigestToSend, mailFrom: string | MailFrom): Mail.Options {
  const from = typeof mailFrom === 'string' ? parseMailFrom(mailFrom) : { ok: true as const, ...mailFrom };
  if (!from.ok) throw new Error(from.error);
  if (!isStrictAddress(digest.recipient.email)) throw new Error(`digest ${digest.id}: recipient is not a plain address`);
  return {
    // The organisation's name only: a digest speaks for many signers, none of them in a header.
    from: { name: cleanLine(from.name, MAX_DISPLAY_NAME_LENGTH), address: from.address },
    to: { name: cleanLine(digest.recipient.name, MAX_DISPLAY_NAME_LENGTH), address: digest.recipient.email },
    subject: digestSubject(digest.letter.subject, digest.signers.length, digest.day),
    text: digestText(digest),
    messageId: digestMessageId(digest.id, from.address),
    // Spelled out so no header can ever become a recipient.
    envelope: { from: from.address, to: [digest.recipient.email] },
    disableFileAccess: true,
    disableUrlAccess: true,
    xMailer: false,
  };
}
