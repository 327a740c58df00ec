/**
 * Named checks of a signer's text that the JSON schema cannot say: a plausible address, a real
 * calendar date, the characters a field refuses, and the normalised address the database
 * de-duplicates on. Run after the schema passed (signature-schema.ts checkSignatureSemantics).
 */
import { domainToASCII } from 'node:url';
import { SIGNATURE_LIMITS } from '../../src/contract/signature.ts';

/** A sane address: one @, no spaces, a dotted domain; checked on the trimmed value. */
export function isPlausibleEmail(value: string): boolean {
  const email = value.trim();
  if (email.length === 0 || email.length > SIGNATURE_LIMITS.email) return false;
  const at = email.lastIndexOf('@');
  if (at < 1 || at !== email.indexOf('@')) return false;
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  if (local.length > 64 || /[\s<>()[\]\\,;:"]/.test(email)) return false;
  const labels = domain.split('.');
  return labels.length >= 2 && labels.every((label) => label.length > 0 && label.length <= 63 && !/^-|-$/.test(label));
}

/** A real calendar date-time (the pattern already fixed the shape). */
export function isIsoDateTime(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(value);
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0)) as number[];
  if (month! < 1 || month! > 12 || day! < 1 || hour! > 23 || minute! > 59 || second! > 59) return false;
  const daysInMonth = new Date(Date.UTC(year!, month!, 0)).getUTCDate();
  return day! <= daysInMonth && !Number.isNaN(Date.parse(value));
}

/** Control and format characters (Cc, Cf): invisible, so never part of how an address reads. */
const INVISIBLE = /[\p{Cc}\p{Cf}]/gu;

/**
 * Email address normalised for de-duplication, so that one mailbox counts once however it is
 * typed: invisible characters removed, trimmed, NFKC (fullwidth ａ → a, NFD → composed), lower
 * case, and the domain in IDNA ASCII (bücher.example = xn--bcher-kva.example). `toLowerCase`
 * keeps ß (it is not folded to ss: they may be two mailboxes, as IDNA 2008 keeps them apart too).
 */
export function normaliseEmail(email: string): string {
  const folded = email.replace(INVISIBLE, '').normalize('NFKC').trim().toLowerCase();
  const at = folded.lastIndexOf('@');
  if (at < 0) return folded;
  const domain = folded.slice(at + 1);
  const ascii = domainToASCII(domain);
  return `${folded.slice(0, at + 1)}${ascii === '' ? domain : ascii}`;
}

/**
 * Characters refused in single-line fields (names, email, postcode, phone, subject, URLs, utm):
 * C0/C1 controls, format characters (zero-width, bidi embeddings, overrides AND isolates, BOM,
 * soft hyphen) and U+2028/2029. A single-line value is shown alone in a cell or a field where the
 * browser already isolates its direction, so a bidi control there only serves to make one value
 * look like another. ZWNJ and ZWJ (U+200C/U+200D) stay where people's names need them.
 */
const SINGLE_LINE_REFUSED = /[\p{Cc}\p{Cf}\u2028\u2029]/u;
const NAME_JOINERS = /[\u200C\u200D]/u;
/**
 * Refused in multi-line text (comment, consent text, letter): controls other than TAB/LF/CR, bidi
 * embeddings and overrides (U+202A–202E, the "Trojan Source" reordering; UAX #9 recommends
 * isolates instead) and U+2028/2029. Isolates (U+2066–2069) and marks (LRM, RLM, ALM) stay:
 * paragraphs that mix Arabic or Hebrew with Latin legitimately use them.
 */
const MULTI_LINE_REFUSED = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2028\u2029]/u;

/** Payload paths of the multi-line fields; every other string field is single-line. */
const MULTI_LINE_FIELDS = new Set(['signer.comment', 'consent.text', 'consent.replyToText', 'message.body']);
/** Single-line fields where ZWNJ/ZWJ are part of the text (Persian, Indic scripts, emoji). */
const JOINER_FIELDS = new Set(['signer.firstName', 'signer.lastName', 'signer.name', 'signer.organisation', 'message.subject']);

/** The first refused character of a field's value, or undefined. */
export function refusedCharacter(path: readonly string[], value: string): string | undefined {
  const joined = path.join('.');
  if (MULTI_LINE_FIELDS.has(joined)) return MULTI_LINE_REFUSED.exec(value)?.[0];
  const candidate = JOINER_FIELDS.has(joined) ? value.replace(new RegExp(NAME_JOINERS.source, 'gu'), '') : value;
  return SINGLE_LINE_REFUSED.exec(candidate)?.[0];
}

/** U+XXXX, for a reason that names a refused character. */
export function codePointName(char: string): string {
  return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}
