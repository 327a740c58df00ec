/**
 * The signature payload (SPEC §4): its JSON schema (checked by Fastify's ajv), the checks that
 * need the schema to have passed (using signer-text.ts's named validators), and the mapping of
 * validation failures to `{"<payload key>": "reason"}` with the widget's error keys. The form
 * format's conversion to this shape is signature-form.ts.
 *
 * What the widget and this receiver agree on lives in one module, src/contract/signature.ts: the
 * limits, the payload's type and the error keys (`errorKey`: signer fields by their bare name,
 * other fields by dotted path, an unknown field by its own name, a body that is not an object as
 * `body`). This schema is built from those limits, its type is derived from the schema itself,
 * and `WidgetPayloadAccepted` below fails the type check if the widget's payload stops fitting it.
 */
import {
  SIGNATURE_LIMITS,
  errorKey,
  type SignaturePayload as WidgetSignaturePayload,
} from '../../src/contract/signature.ts';
import { ISO_COUNTRIES } from './iso-countries.ts';
import { codePointName, isIsoDateTime, isPlausibleEmail, refusedCharacter } from './signer-text.ts';

export type FieldErrors = Record<string, string>;

/** Campaign identifiers: a lowercase slug of 1–64 characters, so it is safe in a URL path. */
export const CAMPAIGN_PATTERN = '^[a-z0-9][a-z0-9_-]{0,63}$';
const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
const ISO_DATE_TIME_PATTERN = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2})$';
/** BCP 47-ish: `fr`, `pt-BR`, `zh-Hant-TW-u-nu-hanidec`; lenient, it only labels the row. */
const LOCALE_PATTERN = '^([A-Za-z]{1,8}(-[A-Za-z0-9]{1,8}){0,8})?$';
/** Country: empty (not chosen) or one of the ISO 3166-1 alpha-2 codes, not any two capitals. */
const COUNTRY_PATTERN = `^(${ISO_COUNTRIES.join('|')})?$`;
/** Single-line text: no control characters. */
const SINGLE_LINE_PATTERN = '^[^\\u0000-\\u001F\\u007F]*$';
/** Multi-line text: no control characters except tab, line feed and carriage return. */
const MULTI_LINE_PATTERN = '^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F]*$';

/**
 * Longest value of each field, in characters (code points), sized to what a person writes, so
 * that no one can fill the disk with maximal payloads (see PAYLOAD_MAX_BYTES). The signer's
 * fields are the contract's limits (src/contract/signature.ts, one source for both), so a signer
 * can never type what this receiver refuses; the rest only the widget's code writes.
 */
export const LIMITS = {
  id: 36,
  campaign: 64,
  createdAt: 40,
  locale: 64,
  // The reply-to question's wording; the widget's own limit, once it names one, takes over.
  replyToText: 1000,
  ...SIGNATURE_LIMITS,
} as const;

/** Largest stored payload, in UTF-8 bytes of its JSON: the largest valid payload in a 3-byte script fits. */
export const PAYLOAD_MAX_BYTES = 32 * 1024;

/**
 * A URL as `location.href` / `document.referrer` give it: empty, or http(s) with only printable
 * ASCII (browsers percent-encode the rest), so it is a URL and not 2 KB of free text.
 */
const URL_PATTERN = '^(https?://[\\x21-\\x7E]+)?$';

const singleLine = (maxLength: number) => ({ type: 'string', maxLength, pattern: SINGLE_LINE_PATTERN }) as const;
const multiLine = (maxLength: number) => ({ type: 'string', maxLength, pattern: MULTI_LINE_PATTERN }) as const;

export const signatureSchema = {
  $id: 'appeal-widget/signature',
  type: 'object',
  additionalProperties: false,
  required: ['id', 'campaign', 'createdAt', 'signer'],
  properties: {
    id: { type: 'string', maxLength: LIMITS.id, pattern: UUID_PATTERN },
    campaign: { type: 'string', maxLength: LIMITS.campaign, pattern: CAMPAIGN_PATTERN },
    createdAt: { type: 'string', maxLength: LIMITS.createdAt, pattern: ISO_DATE_TIME_PATTERN },
    locale: { type: 'string', maxLength: LIMITS.locale, pattern: LOCALE_PATTERN },
    signer: {
      type: 'object',
      additionalProperties: false,
      required: ['email'],
      properties: {
        firstName: singleLine(LIMITS.personName),
        lastName: singleLine(LIMITS.personName),
        name: singleLine(LIMITS.personName),
        email: singleLine(LIMITS.email),
        country: { type: 'string', maxLength: 2, pattern: COUNTRY_PATTERN },
        postcode: singleLine(LIMITS.postcode),
        organisation: singleLine(LIMITS.organisation),
        phone: singleLine(LIMITS.phone),
        comment: multiLine(LIMITS.comment),
      },
    },
    consent: {
      type: 'object',
      additionalProperties: false,
      properties: {
        updates: { type: 'boolean' },
        text: multiLine(LIMITS.consentText),
        replyTo: { type: 'boolean' },
        replyToText: multiLine(LIMITS.replyToText),
      },
    },
    message: {
      type: 'object',
      additionalProperties: false,
      properties: {
        subject: singleLine(LIMITS.messageSubject),
        body: multiLine(LIMITS.messageBody),
      },
    },
    source: {
      type: 'object',
      additionalProperties: false,
      properties: {
        url: { type: 'string', maxLength: LIMITS.url, pattern: URL_PATTERN },
        referrer: { type: 'string', maxLength: LIMITS.url, pattern: URL_PATTERN },
        utm: {
          type: 'object',
          additionalProperties: false,
          properties: {
            source: singleLine(LIMITS.utm),
            medium: singleLine(LIMITS.utm),
            campaign: singleLine(LIMITS.utm),
            term: singleLine(LIMITS.utm),
            content: singleLine(LIMITS.utm),
          },
        },
      },
    },
    // The bot checks (server/src/bots/): the form token the receiver issued, and the field
    // humans never see. Optional: a signature without them is held back, not refused.
    formToken: { type: 'string', maxLength: 200, pattern: '^[A-Za-z0-9._-]*$' },
    honeypot: singleLine(200),
    // The ALTCHA payload (base64 JSON) when the campaign asks for a proof of work.
    pow: { type: 'string', maxLength: 4000, pattern: '^[A-Za-z0-9+/=]*$' },
  },
} as const;

/** The keys of an object schema's `required` list. */
type RequiredKeys<Schema> = Schema extends { required: readonly (infer Key)[] } ? Key : never;

/**
 * The TypeScript type of a value that passes `Schema`, for the part of JSON Schema written here:
 * objects with `properties` and `required`, strings and booleans.
 */
type FromSchema<Schema> = Schema extends { type: 'string' }
  ? string
  : Schema extends { type: 'boolean' }
    ? boolean
    : Schema extends { type: 'object'; properties: infer Properties }
      ? {
          -readonly [Key in keyof Properties as Key extends RequiredKeys<Schema> ? Key : never]: FromSchema<Properties[Key]>;
        } & {
          -readonly [Key in keyof Properties as Key extends RequiredKeys<Schema> ? never : Key]?: FromSchema<Properties[Key]>;
        }
      : never;

/** A payload that passed the schema: derived from it, so the type cannot say more than ajv checked. */
export type SignaturePayload = FromSchema<typeof signatureSchema>;

/** `Sent`, with `never` at any key, however deep, that `Accepted` does not have. */
type KnownKeysOnly<Sent, Accepted> = Sent extends object
  ? { [Key in keyof Sent]: Key extends keyof Accepted ? KnownKeysOnly<Sent[Key], NonNullable<Accepted[Key]>> : never }
  : Sent;
type Assert<Holds extends true> = Holds;

/**
 * Compiles only while every payload the widget builds (src/contract/signature.ts) is one this
 * schema's type accepts, with no field the schema does not know: a field renamed or added on
 * either side fails `npm run typecheck`, not a signer.
 */
export type WidgetPayloadAccepted = Assert<
  WidgetSignaturePayload extends SignaturePayload & KnownKeysOnly<WidgetSignaturePayload, SignaturePayload> ? true : false
>;

/** The options the schema is written for: report every error, never coerce or strip silently. */
export const AJV_OPTIONS = {
  allErrors: true,
  coerceTypes: false,
  removeAdditional: false,
  useDefaults: false,
} as const;

// ---------------------------------------------------------------------------------------------
// Mapping ajv errors to payload keys

/** The subset of an ajv ErrorObject this module reads. */
export interface SchemaError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string | undefined;
}

const PATTERN_REASONS: Record<string, string> = {
  id: 'must be a UUID',
  campaign: 'must be a lowercase identifier of 1–64 letters, digits, - or _ (for example free-baltabay)',
  createdAt: 'must be an ISO 8601 date-time such as 2026-11-27T18:00:00.000Z',
  locale: 'must be a language tag such as fr or pt-BR',
  country: 'must be a two-letter ISO 3166-1 country code in capitals, such as KZ',
  url: 'must be an http(s) URL',
  referrer: 'must be an http(s) URL (or empty)',
};

function pointerSegments(instancePath: string): string[] {
  if (instancePath === '') return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function schemaErrorsToFieldErrors(errors: readonly SchemaError[]): FieldErrors {
  const result = new Map<string, string>();
  const put = (key: string, reason: string) => {
    if (!result.has(key)) result.set(key, reason);
  };
  for (const error of errors) {
    const segments = pointerSegments(error.instancePath);
    const key = errorKey(segments);
    const last = segments.at(-1) ?? '';
    switch (error.keyword) {
      case 'required':
        put(errorKey([...segments, String(error.params.missingProperty)]), 'is required');
        break;
      case 'additionalProperties':
        put(errorKey([...segments, String(error.params.additionalProperty)]), 'is not a known field');
        break;
      case 'type':
        put(key, segments.length === 0 ? 'must be a JSON object' : `must be ${article(String(error.params.type))}`);
        break;
      case 'maxLength':
        put(key, `must be at most ${String(error.params.limit)} characters`);
        break;
      case 'pattern':
        put(key, PATTERN_REASONS[last] ?? 'must not contain control characters');
        break;
      default:
        put(key, error.message ?? 'is invalid');
    }
  }
  return Object.fromEntries(result);
}

function article(type: string): string {
  return type === 'object' ? 'an object' : type === 'array' ? 'an array' : `a ${type}`;
}


// The named validators for what the schema cannot say are in signer-text.ts.

/** Checks that need the schema to have passed; returns the same key → reason map. */
export function checkSignatureSemantics(payload: SignaturePayload): FieldErrors {
  const errors = new Map<string, string>();
  if (!isPlausibleEmail(payload.signer.email)) errors.set('email', 'must be a valid email address');
  if (!isIsoDateTime(payload.createdAt)) errors.set('createdAt', PATTERN_REASONS.createdAt!);
  if (payload.consent?.updates === true && !payload.consent.text?.trim()) {
    errors.set('consent.text', 'is required when consent.updates is true (the wording the signer agreed to)');
  }
  if (payload.consent?.replyTo === true && !payload.consent.replyToText?.trim()) {
    errors.set('consent.replyToText', 'is required when consent.replyTo is true (the question the signer answered)');
  }
  forEachString(payload, (path, value) => {
    // Lone surrogates cannot be stored as UTF-8: they would come back altered.
    if (!value.isWellFormed()) {
      errors.set(errorKey(path), 'must be valid Unicode text');
      return;
    }
    const refused = refusedCharacter(path, value);
    if (refused !== undefined) {
      errors.set(errorKey(path), `must not contain invisible or control characters (found ${codePointName(refused)})`);
    }
  });
  if (errors.size === 0) {
    const bytes = Buffer.byteLength(JSON.stringify(payload));
    if (bytes > PAYLOAD_MAX_BYTES) errors.set('body', `is ${bytes} bytes once stored; at most ${PAYLOAD_MAX_BYTES} are kept per signature`);
  }
  return Object.fromEntries(errors);
}

/** Most errors echoed in one 422, and longest key echoed: an answer stays small whatever was sent. */
export const MAX_REPORTED_ERRORS = 20;
export const MAX_REPORTED_KEY_LENGTH = 64;

/**
 * Caps a 422's errors: at most MAX_REPORTED_ERRORS entries, keys cut to MAX_REPORTED_KEY_LENGTH
 * characters (plus …), and a `"…": "and N more"` entry, keeping the `{"errors": {...}}` shape.
 */
export function capFieldErrors(errors: FieldErrors): FieldErrors {
  const entries = Object.entries(errors);
  const shortKey = (key: string) => ([...key].length > MAX_REPORTED_KEY_LENGTH ? `${[...key].slice(0, MAX_REPORTED_KEY_LENGTH).join('')}…` : key);
  const kept = new Map(entries.slice(0, MAX_REPORTED_ERRORS).map(([key, reason]) => [shortKey(key), reason]));
  if (entries.length > MAX_REPORTED_ERRORS) kept.set('…', `and ${entries.length - MAX_REPORTED_ERRORS} more`);
  return Object.fromEntries(kept);
}

function forEachString(value: unknown, visit: (path: string[], value: string) => void, path: string[] = []): void {
  if (typeof value === 'string') visit(path, value);
  else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) forEachString(child, visit, [...path, key]);
  }
}
