/**
 * The signature payload (SPEC §4): its JSON schema (checked by Fastify's ajv), the small named
 * validators the schema cannot express, the form → payload conversion, and the mapping of
 * validation failures to `{"<payload key>": "reason"}` with the widget's error keys.
 *
 * What the widget and this receiver agree on lives in one module, src/contract/signature.ts: the
 * limits, the payload's type and the error keys (`errorKey`: signer fields by their bare name,
 * other fields by dotted path, an unknown field by its own name, a body that is not an object as
 * `body`). This schema is built from those limits, its type is derived from the schema itself,
 * and `WidgetPayloadAccepted` below fails the type check if the widget's payload stops fitting it.
 */
import { domainToASCII } from 'node:url';
import {
  SIGNATURE_LIMITS,
  errorKey,
  type SignaturePayload as WidgetSignaturePayload,
} from '../../src/contract/signature.ts';
import { ISO_COUNTRIES } from './iso-countries.ts';

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

// ---------------------------------------------------------------------------------------------
// Named validators for what the schema cannot say (run after the schema passed)

/** A sane address: one @, no spaces, a dotted domain; checked on the trimmed value. */
export function isPlausibleEmail(value: string): boolean {
  const email = value.trim();
  if (email.length === 0 || email.length > LIMITS.email) return false;
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

function codePointName(char: string): string {
  return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

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

// ---------------------------------------------------------------------------------------------
// Form format (SPEC §4.2) → the JSON shape

/** Form field → path in the JSON payload. */
const FORM_FIELDS: ReadonlyMap<string, readonly string[]> = new Map([
  ['id', ['id']],
  ['campaign', ['campaign']],
  ['created_at', ['createdAt']],
  ['locale', ['locale']],
  ['first_name', ['signer', 'firstName']],
  ['last_name', ['signer', 'lastName']],
  ['name', ['signer', 'name']],
  ['email', ['signer', 'email']],
  ['country', ['signer', 'country']],
  ['postcode', ['signer', 'postcode']],
  ['organisation', ['signer', 'organisation']],
  ['phone', ['signer', 'phone']],
  ['comment', ['signer', 'comment']],
  ['consent_updates', ['consent', 'updates']],
  ['consent_text', ['consent', 'text']],
  ['consent_reply_to', ['consent', 'replyTo']],
  ['consent_reply_to_text', ['consent', 'replyToText']],
  ['message_subject', ['message', 'subject']],
  ['message_body', ['message', 'body']],
  ['source_url', ['source', 'url']],
  ['referrer', ['source', 'referrer']],
  ['utm_source', ['source', 'utm', 'source']],
  ['utm_medium', ['source', 'utm', 'medium']],
  ['utm_campaign', ['source', 'utm', 'campaign']],
  ['utm_term', ['source', 'utm', 'term']],
  ['utm_content', ['source', 'utm', 'content']],
]);

export type FormConversion = { ok: true; payload: Record<string, unknown> } | { ok: false; errors: FieldErrors };

/**
 * Converts a urlencoded body to the JSON payload shape. Only known keys are ever written (into
 * objects this function creates), so no form key can reach a prototype. Unknown and repeated
 * keys are errors. `consent_updates` and `consent_reply_to` are `yes` / `no` (empty = not given).
 */
export function formToPayload(body: string): FormConversion {
  const payload: Record<string, unknown> = {};
  const errors = new Map<string, string>();
  const seen = new Set<string>();
  for (const [key, value] of new URLSearchParams(body)) {
    const path = FORM_FIELDS.get(key);
    if (path === undefined) {
      if (!errors.has(key)) errors.set(key, 'is not a known field');
      continue;
    }
    const reportedAs = errorKey([...path]);
    if (seen.has(key)) {
      errors.set(reportedAs, 'must be sent once');
      continue;
    }
    seen.add(key);
    let converted: string | boolean = value;
    if (key === 'consent_updates' || key === 'consent_reply_to') {
      const answer = value.trim().toLowerCase();
      if (answer === '') continue;
      if (answer !== 'yes' && answer !== 'no') {
        errors.set(reportedAs, 'must be yes or no');
        continue;
      }
      converted = answer === 'yes';
    }
    setPath(payload, path, converted);
  }
  if (errors.size > 0) return { ok: false, errors: Object.fromEntries(errors) };
  return { ok: true, payload };
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const segment of path.slice(0, -1)) {
    const child = Object.hasOwn(node, segment) ? node[segment] : undefined;
    if (child === undefined) {
      const created: Record<string, unknown> = {};
      node[segment] = created;
      node = created;
    } else {
      node = child as Record<string, unknown>;
    }
  }
  node[path.at(-1)!] = value;
}
