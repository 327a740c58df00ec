/**
 * The signature as the widget sends it and the reference receiver takes it (SPEC §4): its type,
 * the longest value of each part, and the keys a receiver names in `{"errors": {…}}`.
 *
 * One module for both sides: the widget's fields and payload are built from it, and
 * server/src/signature-schema.ts builds its JSON schema from the same limits, derives its type
 * from that schema and checks at compile time that every payload typed here fits it. So a signer
 * can never type what the receiver refuses, and a field renamed on one side fails the type check.
 * Plain numbers, strings and types, free of DOM and Node types, so both sides can import it.
 */

/**
 * The longest value of each part of a signature, in characters. The widget counts UTF-16 units
 * (`maxlength`, `String.length`), the receiver code points: the widget is never the more lenient.
 */
export const SIGNATURE_LIMITS = {
  personName: 100,
  email: 254,
  postcode: 32,
  organisation: 150,
  phone: 50,
  comment: 1000,
  consentText: 1000,
  messageSubject: 200,
  messageBody: 5000,
  url: 2048,
  utm: 200,
} as const;

/** Keys of `signer` in the payload, and the `name` of each input. */
export type SignerKey =
  | 'firstName'
  | 'lastName'
  | 'name'
  | 'email'
  | 'country'
  | 'postcode'
  | 'organisation'
  | 'phone'
  | 'comment';

/** The signer's answers: only the fields the form showed, and always the email, the de-duplication key. */
export type Signer = { email: string } & { [key in Exclude<SignerKey, 'email'>]?: string };

/** What the signer agreed to, and the exact wording of each question they saw. */
export interface Consent {
  updates: boolean;
  text: string;
  replyTo?: boolean;
  replyToText?: string;
}

/** The signature as an endpoint receives it in JSON (SPEC §4.1). */
export interface SignaturePayload {
  id: string;
  campaign: string;
  createdAt: string;
  locale: string;
  signer: Signer;
  /** `replyTo` and `replyToText` (the wording shown) only when the form asked whether the target may reply (SPEC §9.1). */
  consent: Consent;
  message?: { subject: string; body: string };
  source: { url: string; referrer: string; utm?: { source?: string; medium?: string; campaign?: string } };
  /** The form token the reference receiver issued with the campaign document or the count, when there was one. */
  formToken?: string;
  /** The form's hidden trap field: empty for a person, filled by scripts that fill every input. */
  honeypot?: string;
  /** The proof of work (ALTCHA's payload), when the campaign asks for one. */
  pow?: string;
}

/**
 * The key of a part of the payload, given as its path (`['signer', 'email']`), in a receiver's
 * `{"errors": {…}}`: a signer field by its bare name (`email`), any other part by its dotted path
 * (`consent.text`, `message.body`), the body itself as `body`.
 */
export function errorKey(path: readonly string[]): string {
  if (!path.length) return 'body';
  return (path[0] === 'signer' && path.length > 1 ? path.slice(1) : path).join('.');
}

/**
 * The form's controls whose error key is not their own name: the letter's subject and body, and
 * the letter as a whole (`message`), shown at its body. Every signer field's key is its name.
 */
export const LETTER_ERROR_KEYS = new Map([
  ['message', 'messageBody'],
  ['message.subject', 'messageSubject'],
  ['message.body', 'messageBody'],
]);
