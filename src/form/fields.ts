/** The fields a site owner can ask for (`fields` attribute), with what a browser needs to autofill them. */

/** Field names as written in the `fields` attribute. */
export type FieldName =
  | 'first-name'
  | 'last-name'
  | 'name'
  | 'email'
  | 'country'
  | 'postcode'
  | 'organisation'
  | 'phone'
  | 'comment';

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

/** How one field is rendered and checked. */
export interface FieldDefinition {
  key: SignerKey;
  control: 'input' | 'select' | 'textarea';
  type?: 'text' | 'email' | 'tel';
  autocomplete?: string;
  /** Longest accepted value, matching the reference receiver's limits. */
  maxLength: number;
}

/** Every field the widget knows, keyed by its attribute name. */
export const FIELD_DEFINITIONS: Readonly<Record<FieldName, FieldDefinition>> = {
  'first-name': { key: 'firstName', control: 'input', type: 'text', autocomplete: 'given-name', maxLength: 200 },
  'last-name': { key: 'lastName', control: 'input', type: 'text', autocomplete: 'family-name', maxLength: 200 },
  name: { key: 'name', control: 'input', type: 'text', autocomplete: 'name', maxLength: 200 },
  email: { key: 'email', control: 'input', type: 'email', autocomplete: 'email', maxLength: 254 },
  country: { key: 'country', control: 'select', autocomplete: 'country', maxLength: 2 },
  postcode: { key: 'postcode', control: 'input', type: 'text', autocomplete: 'postal-code', maxLength: 20 },
  organisation: { key: 'organisation', control: 'input', type: 'text', autocomplete: 'organization', maxLength: 200 },
  phone: { key: 'phone', control: 'input', type: 'tel', autocomplete: 'tel', maxLength: 40 },
  comment: { key: 'comment', control: 'textarea', maxLength: 2000 },
};

/** One field as configured on a widget. */
export interface FieldSpec extends FieldDefinition {
  field: FieldName;
  required: boolean;
}

/** Whether `name` is a field the widget knows. */
export function isFieldName(name: string): name is FieldName {
  return Object.hasOwn(FIELD_DEFINITIONS, name);
}
