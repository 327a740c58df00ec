/**
 * The form format (SPEC §4.2): a urlencoded body of snake_case fields turned into the JSON
 * payload shape, which the schema (signature-schema.ts) then checks like any JSON payload.
 */
import { errorKey } from '../../src/contract/signature.ts';
import type { FieldErrors } from './signature-schema.ts';

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
  ['form_token', ['formToken']],
  ['honeypot', ['honeypot']],
  ['pow', ['pow']],
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
