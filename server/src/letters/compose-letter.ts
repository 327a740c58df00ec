/**
 * The email a target receives (SPEC §9.2), built from a claimed letter. Pure: no clock, no I/O.
 *
 * What the signer typed can reach three places only: the Subject (cleaned to one line), the
 * display name of From (cleaned, next to OUR address) and the text body. Headers are built by
 * nodemailer from structured values, never from strings we concatenate, and every character that
 * could end a header line is removed first, so no input can add a header or a recipient.
 *
 * Headers we deliberately do NOT add:
 * - `Auto-Submitted`: RFC 3834 reserves it for messages no human asked for; each letter is sent
 *   at one person's request, and a target's ticket system may silently drop "auto" mail.
 * - `X-Campaign` / `Precedence` / `List-*`: no use to the reader, and a ready-made handle for a
 *   target's administrators to filter the whole campaign away. The Message-ID already lets us
 *   correlate bounces.
 * - `X-Mailer`: advertises software versions for nothing.
 * - `Content-Language`: the signer's interface language is not necessarily the letter's.
 */
import addressparser from 'nodemailer/lib/addressparser';
import type Mail from 'nodemailer/lib/mailer';
import { isStrictAddress } from './delivery-settings.ts';
import type { LetterToSend } from './letter-types.ts';

export const MAX_SUBJECT_LENGTH = 200;
export const MAX_DISPLAY_NAME_LENGTH = 120;

/** The parsed MAIL_FROM: the address letters are sent from and the organisation's name. */
export interface MailFrom {
  address: string;
  name: string;
}

/**
 * Parses MAIL_FROM (`"Free Erlan Baltabay" <letters@union.example>` or a bare address); pure.
 * Exactly one mailbox with a strict address; the name is cleaned like any header text.
 */
export function parseMailFrom(value: unknown): ({ ok: true } & MailFrom) | { ok: false; error: string } {
  if (typeof value !== 'string' || value.trim() === '') return { ok: false, error: 'MAIL_FROM is required, e.g. "Demo Union" <letters@union.example>' };
  if (/[\r\n\u2028\u2029\u0085]/.test(value)) return { ok: false, error: 'MAIL_FROM must be one line' };
  const parsed = addressparser(value);
  if (parsed.length !== 1 || !parsed[0]?.address || parsed[0].group) {
    return { ok: false, error: `MAIL_FROM must be exactly one address, e.g. "Demo Union" <letters@union.example>; got '${value}'` };
  }
  const { address, name } = parsed[0];
  if (!isStrictAddress(address)) return { ok: false, error: `MAIL_FROM's address '${address}' is not a plain address like letters@union.example` };
  return { ok: true, address, name: cleanLine(name, MAX_DISPLAY_NAME_LENGTH) };
}

/**
 * Header-safe single line: drops every control (Cc, which includes U+0085) and format (Cf)
 * character and the line/paragraph separators, collapses whitespace, trims, caps the length
 * in code points. ZWNJ/ZWJ (U+200C/U+200D) are kept: Persian spelling and emoji need them,
 * and they cannot end a line. Lone surrogates become U+FFFD.
 */
export function cleanLine(value: string, maxLength: number): string {
  const cleaned = value
    .toWellFormed()
    .replace(/[\p{Cc}\u2028\u2029]/gu, ' ')
    .replace(/(?![\u200C\u200D])\p{Cf}/gu, '')
    .replace(/\s+/gu, ' ')
    // `=?utf-8?q?…?=` would be decoded by the reader's mail program into any text (an address, a
    // control character the schema refused): broken apart, it shows as typed.
    .replaceAll('=?', '= ?')
    .trim();
  const codePoints = Array.from(cleaned);
  return codePoints.length > maxLength ? `${codePoints.slice(0, maxLength - 1).join('').trimEnd()}…` : cleaned;
}

/** Body text: the signer's letter with line breaks normalised and stray control characters removed. */
export function cleanBody(value: string): string {
  return value
    .toWellFormed()
    .replace(/\r\n?|[\u2028\u2029\u0085]/g, '\n')
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u0084\u0086-\u009F]/g, '')
    // trimEnd, not /\s+$/: the regex retries at every space of a long run, quadratic on signer text.
    .trimEnd();
}

/** The English (or `locale`) name of an ISO 3166 region code; the code itself if unknown. */
export function countryName(code: string, locale?: string): string {
  const locales = [locale, 'en'].filter((value): value is string => typeof value === 'string' && value !== '');
  for (const candidate of locales) {
    try {
      const name = new Intl.DisplayNames([candidate], { type: 'region', fallback: 'none' }).of(code);
      // CLDR names the placeholder code ZZ "Unknown Region"; the code says as much.
      if (name && code !== 'ZZ') return name;
    } catch {
      // An invalid locale tag or region code: try the next, then fall back to the code.
    }
  }
  return code;
}

/** The domain of an address, for the Message-ID. */
export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

/** `<letter-<id>@<MAIL_FROM domain>>`: the same for every attempt of one letter. */
export function letterMessageId(letterId: string, mailFromAddress: string): string {
  const safeId = letterId.replace(/[^A-Za-z0-9-]/g, '');
  return `<letter-${safeId}@${domainOf(mailFromAddress)}>`;
}

export interface ComposeOptions {
  /** Subject used when the signer's subject is empty after cleaning. */
  campaignTitle?: string;
  /**
   * Add the postcode under the country. Off by default: SPEC §9.2 names organisation and country,
   * and a postcode can locate a signer for authorities they are criticising.
   */
  includePostcode?: boolean;
}

/** Builds the nodemailer message for one letter (pure). `mailFrom` is MAIL_FROM as configured. */
export function composeLetter(letter: LetterToSend, mailFrom: string | MailFrom, options: ComposeOptions = {}): Mail.Options {
  const from = typeof mailFrom === 'string' ? parseMailFrom(mailFrom) : { ok: true as const, ...mailFrom };
  if (!from.ok) throw new Error(from.error);
  if (!isStrictAddress(letter.recipient.email)) throw new Error(`letter ${letter.id}: recipient is not a plain address`);

  const signerName = cleanLine(letter.signer.name, MAX_DISPLAY_NAME_LENGTH);
  const organisation = cleanLine(from.name, MAX_DISPLAY_NAME_LENGTH);
  // A name like `Eve <spy@evil.example>` is quoted safely, but some mail programs show it as the
  // sender's address: the display name keeps no address-like characters.
  const shownName = signerName.replace(/[<>@"]/g, '').trim();
  const displayName = cleanLine(
    shownName && organisation ? `${shownName} via ${organisation}` : shownName || organisation,
    MAX_DISPLAY_NAME_LENGTH,
  );
  const subject = cleanLine(letter.subject, MAX_SUBJECT_LENGTH)
    || cleanLine(options.campaignTitle ?? '', MAX_SUBJECT_LENGTH)
    || (signerName ? `A letter from ${signerName}` : 'A letter');
  const replyTo = letter.replyTo !== undefined && isStrictAddress(letter.replyTo) ? letter.replyTo : undefined;

  const signature: string[] = [];
  if (signerName) signature.push(signerName);
  const organisationLine = cleanLine(letter.signer.organisation ?? '', 200);
  if (organisationLine) signature.push(organisationLine);
  const postcode = options.includePostcode ? cleanLine(letter.signer.postcode ?? '', 32) : '';
  const country = letter.signer.country ? countryName(letter.signer.country, letter.locale) : '';
  if (postcode || country) signature.push([postcode, country].filter(Boolean).join(' '));
  if (replyTo) signature.push(replyTo);
  const body = cleanBody(letter.body);
  const text = `${[body, signature.join('\n')].filter((part) => part !== '').join('\n\n')}\n`;

  const message: Mail.Options = {
    from: { name: displayName, address: from.address },
    to: { name: cleanLine(letter.recipient.name, MAX_DISPLAY_NAME_LENGTH), address: letter.recipient.email },
    subject,
    text,
    messageId: letterMessageId(letter.id, from.address),
    // Spelled out so no header we (or a future change) add can ever become a recipient.
    envelope: { from: from.address, to: [letter.recipient.email] },
    disableFileAccess: true,
    disableUrlAccess: true,
    xMailer: false,
  };
  if (replyTo) message.replyTo = { name: signerName, address: replyTo };
  return message;
}
