import type { SignerKey } from '../form/fields.js';
import { readUtm } from '../share/utm.js';

/** The signature as an endpoint receives it in JSON (SPEC §4.1). */
export interface SignaturePayload {
  id: string;
  campaign: string;
  createdAt: string;
  locale: string;
  signer: Partial<Record<SignerKey, string>>;
  consent: { updates: boolean; text: string };
  message?: { subject: string; body: string };
  source: { url: string; referrer: string; utm?: Record<string, string> };
}

/** What the form knows when the signer submits. */
export interface PayloadInput {
  id: string;
  campaign: string;
  locale: string;
  signer: Partial<Record<SignerKey, string>>;
  consent: { updates: boolean; text: string };
  message?: { subject: string; body: string };
  pageUrl: string;
  referrer: string;
  now?: Date;
}

/** Builds the JSON payload: trimmed signer values, `message` and `utm` only when there are some. */
export function buildPayload(input: PayloadInput): SignaturePayload {
  const { id, campaign, locale, consent, message, pageUrl, referrer, now = new Date() } = input;
  const utm = readUtm(pageUrl);
  return {
    id,
    campaign,
    createdAt: now.toISOString(),
    locale,
    signer: Object.fromEntries(Object.entries(input.signer).map(([key, value]) => [key, (value ?? '').trim()])),
    consent,
    ...(message && { message }),
    source: { url: pageUrl, referrer, ...(Object.keys(utm).length && { utm }) },
  };
}

/** The payload flattened to snake_case for `format="form"` (SPEC §4.2): `signer.firstName` → `first_name`. */
export function toFormBody(payload: SignaturePayload): URLSearchParams {
  const { signer, consent, message, source } = payload;
  const body = new URLSearchParams({
    id: payload.id,
    campaign: payload.campaign,
    created_at: payload.createdAt,
    locale: payload.locale,
  });
  for (const [key, value] of Object.entries(signer)) body.set(key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`), value);
  body.set('consent_updates', consent.updates ? 'yes' : 'no');
  body.set('consent_text', consent.text);
  if (message) {
    body.set('message_subject', message.subject);
    body.set('message_body', message.body);
  }
  body.set('source_url', source.url);
  body.set('referrer', source.referrer);
  for (const [key, value] of Object.entries(source.utm ?? {})) body.set(`utm_${key}`, value);
  return body;
}
