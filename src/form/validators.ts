import type { FieldSpec } from './fields.js';

/** A failed check: the message id and the values its wording needs. */
export interface ValidationError {
  key: string;
  values?: Record<string, string | number>;
}

/** One named check of a field value. */
export type Validator = (value: string, spec: FieldSpec) => ValidationError | undefined;

// Deliberately loose: one @, a dot in the domain, no spaces. The receiver and the mailbox decide the rest.
const EMAIL = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/;
const PHONE = /^\+?[\d\s().\-/]{5,}$/;

export const required: Validator = (value, spec) =>
  spec.required && !value.trim() ? { key: spec.control === 'select' ? 'validation.choose' : 'validation.required' } : undefined;

export const maxLength: Validator = (value, spec) =>
  value.trim().length > spec.maxLength ? { key: 'validation.tooLong', values: { max: spec.maxLength } } : undefined;

export const emailFormat: Validator = (value, spec) =>
  spec.key === 'email' && value.trim() && !EMAIL.test(value.trim()) ? { key: 'validation.email' } : undefined;

export const phoneFormat: Validator = (value, spec) =>
  spec.key === 'phone' && value.trim() && !PHONE.test(value.trim()) ? { key: 'validation.phone' } : undefined;

const VALIDATORS: readonly Validator[] = [required, maxLength, emailFormat, phoneFormat];

/** The first problem with `value` for the field `spec`, or undefined when it is acceptable. */
export function validateField(value: string, spec: FieldSpec): ValidationError | undefined {
  for (const validator of VALIDATORS) {
    const error = validator(value, spec);
    if (error) return error;
  }
  return undefined;
}
