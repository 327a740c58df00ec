/**
 * The longest value of each part of a signature, in characters: one source for the widget's fields
 * and the reference receiver's schema (server/src/signature-schema.ts imports them), so a signer
 * can never type what the receiver refuses. Plain numbers and free of DOM types, like
 * document-problem.ts.
 *
 * The widget counts UTF-16 units (`maxlength`, `String.length`), the receiver code points: the
 * widget is never the more lenient of the two.
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
