/** The signature's payload, built from what the form knows (SPEC §4.1), and its url-encoded form (SPEC §4.2). */
import { SIGNATURE_LIMITS, type Consent, type Signer, type SignerKey, type SignaturePayload } from '../../contract/signature.js';
import { readUtm } from '../thanks/utm.js';

/** What the form knows when the signer submits. */
export interface PayloadInput {
  id: string;
  campaign: string;
  locale: string;
  /** The fields the form shows; they always include the email (setup/read-config.ts adds it when left out). */
  signer: Partial<Record<SignerKey, string>>;
  consent: Consent;
  message?: { subject: string; body: string };
  pageUrl: string;
  referrer: string;
  now?: Date;
  formToken?: string;
  honeypot?: string;
}

/**
 * Where the signer was, without query or fragment: those can hold reset tokens or the address from a
 * newsletter link. Cut to the receiver's URL limit, so a long path cannot block a signature.
 */
const place = (url: string) => url.replace(/[?#].*/, '').slice(0, SIGNATURE_LIMITS.url);

/** Builds the JSON payload: trimmed signer values, `message` and `utm` only when there are some. */
export function buildPayload(input: PayloadInput): SignaturePayload {
  const { id, campaign, locale, consent, message, pageUrl, referrer, now = new Date(), formToken, honeypot } = input;
  const utm = readUtm(pageUrl);
  return {
    id,
    campaign,
    createdAt: now.toISOString(),
    locale,
    signer: Object.fromEntries(Object.entries(input.signer).map(([key, value]) => [key, (value ?? '').trim()])) as Signer,
    consent,
    ...(message && { message }),
    // Of the query, only the utm_* values: how the signer came, not who they are.
    source: { url: place(pageUrl), referrer: place(referrer), ...(Object.keys(utm).length && { utm }) },
    ...(formToken && { formToken }),
    ...(honeypot && { honeypot }),
  };
}

/**
 * The payload flattened to the snake_case form of SPEC §4.2: `signer.firstName` → `first_name`,
 * `consent.updates` → `consent_updates=yes|no`, `consent.replyTo` → `consent_reply_to=yes|no`, `source.utm.source` → `utm_source`.
 */
export function toFormBody(payload: SignaturePayload): URLSearchParams {
  const flatten = (value: unknown, path: string): [string, string][] =>
    value && typeof value === 'object'
      ? Object.entries(value).flatMap(([key, inner]) => flatten(inner, path ? `${path}_${key}` : key))
      : [[path, value === true ? 'yes' : value === false ? 'no' : String(value ?? '')]];
  return new URLSearchParams(
    flatten(payload, '').map(([path, value]) => [
      path.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`).replace(/^signer_|^source_(?=utm|referrer)/, ''),
      value,
    ]),
  );
}
