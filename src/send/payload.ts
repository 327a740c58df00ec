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
  const signer: Partial<Record<SignerKey, string>> = {};
  for (const [key, value] of Object.entries(input.signer) as [SignerKey, string | undefined][]) {
    signer[key] = (value ?? '').trim();
  }
  const utm = readUtm(input.pageUrl);
  return {
    id: input.id,
    campaign: input.campaign,
    createdAt: (input.now ?? new Date()).toISOString(),
    locale: input.locale,
    signer,
    consent: { updates: input.consent.updates, text: input.consent.text },
    ...(input.message ? { message: { subject: input.message.subject, body: input.message.body } } : {}),
    source: { url: input.pageUrl, referrer: input.referrer, ...(Object.keys(utm).length ? { utm } : {}) },
  };
}

const SIGNER_FORM_KEYS: Readonly<Record<SignerKey, string>> = {
  firstName: 'first_name',
  lastName: 'last_name',
  name: 'name',
  email: 'email',
  country: 'country',
  postcode: 'postcode',
  organisation: 'organisation',
  phone: 'phone',
  comment: 'comment',
};

/** The payload flattened to snake_case for `format="form"` (SPEC §4.2). */
export function toFormBody(payload: SignaturePayload): URLSearchParams {
  const body = new URLSearchParams();
  body.set('id', payload.id);
  body.set('campaign', payload.campaign);
  body.set('created_at', payload.createdAt);
  body.set('locale', payload.locale);
  for (const [key, value] of Object.entries(payload.signer) as [SignerKey, string][]) {
    body.set(SIGNER_FORM_KEYS[key], value);
  }
  body.set('consent_updates', payload.consent.updates ? 'yes' : 'no');
  body.set('consent_text', payload.consent.text);
  if (payload.message) {
    body.set('message_subject', payload.message.subject);
    body.set('message_body', payload.message.body);
  }
  body.set('source_url', payload.source.url);
  body.set('referrer', payload.source.referrer);
  for (const [key, value] of Object.entries(payload.source.utm ?? {})) body.set(`utm_${key}`, value);
  return body;
}
