/** The fields a site owner can ask for (`fields` attribute), with what a browser needs to autofill them. */
import { SIGNATURE_LIMITS as MAX, type SignerKey } from '../../contract/signature.js';

/** How one control of the form is rendered and checked. */
export interface ControlSpec {
  /** The control's `name`: a payload key such as `email`, or `messageBody` for the letter. */
  key: keyof typeof LABELS;
  /** An `<input>` when absent: the default saves bytes of the embed's budget. */
  control?: 'select' | 'textarea';
  type?: 'email' | 'tel';
  autocomplete?: string;
  /** Longest accepted value: the reference receiver's limit (contract/signature.ts), never more. */
  maxLength: number;
  required: boolean;
  /** Visible lines of a textarea. */
  rows?: number;
}

/** What a signer field is, whoever configures it. */
type Definition = Omit<ControlSpec, 'required'> & { readonly key: SignerKey };

/** Every field the widget knows, keyed by its attribute name. */
export const FIELD_DEFINITIONS = {
  'first-name': { key: 'firstName', autocomplete: 'given-name', maxLength: MAX.personName },
  'last-name': { key: 'lastName', autocomplete: 'family-name', maxLength: MAX.personName },
  name: { key: 'name', autocomplete: 'name', maxLength: MAX.personName },
  email: { key: 'email', type: 'email', autocomplete: 'email', maxLength: MAX.email },
  country: { key: 'country', control: 'select', autocomplete: 'country', maxLength: 2 },
  postcode: { key: 'postcode', autocomplete: 'postal-code', maxLength: MAX.postcode },
  organisation: { key: 'organisation', autocomplete: 'organization', maxLength: MAX.organisation },
  phone: { key: 'phone', type: 'tel', autocomplete: 'tel', maxLength: MAX.phone },
  comment: { key: 'comment', control: 'textarea', maxLength: MAX.comment },
} satisfies Readonly<Record<string, Definition>>;

/** Field names as written in the `fields` attribute. */
export type FieldName = keyof typeof FIELD_DEFINITIONS;

/** One signer field as configured on a widget. */
export interface FieldSpec extends ControlSpec {
  key: SignerKey;
  field: FieldName;
}

/** The letter's subject and body, checked like any other field. */
export const LETTER_SPECS: readonly ControlSpec[] = [
  { key: 'messageSubject', maxLength: MAX.messageSubject, required: true },
  { key: 'messageBody', control: 'textarea', maxLength: MAX.messageBody, required: true, rows: 12 },
];

/** The message id of each control's label. */
export const LABELS = {
  firstName: 'field.firstName',
  lastName: 'field.lastName',
  name: 'field.name',
  email: 'field.email',
  country: 'field.country',
  postcode: 'field.postcode',
  organisation: 'field.organisation',
  phone: 'field.phone',
  comment: 'field.comment',
  messageSubject: 'letter.subject',
  messageBody: 'letter.body',
} as const;

/** Whether `name` is a field the widget knows. */
export function isFieldName(name: string): name is FieldName {
  return Object.hasOwn(FIELD_DEFINITIONS, name);
}
