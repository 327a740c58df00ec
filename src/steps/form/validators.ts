import type { ControlSpec } from './fields.js';

/** A failed check: the message id and the values its wording needs. */
export interface ValidationError {
  key: string;
  values?: Record<string, string | number>;
}

/** One named check of a trimmed value; returns the message id of the problem, if any. */
export type Validator = (value: string, spec: ControlSpec) => ValidationError | undefined;

// Deliberately loose: one @, a dot in the domain, no spaces. The receiver and the mailbox decide the rest.
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
const PHONE = /^\+?[\d\s().\-/]{5,}$/;

export const required: Validator = (value, spec) =>
  spec.required && !value ? { key: spec.control === 'select' ? 'validation.choose' : 'validation.required' } : undefined;

export const maxLength: Validator = (value, spec) =>
  value.length > spec.maxLength ? { key: 'validation.tooLong', values: { max: spec.maxLength } } : undefined;

export const emailFormat: Validator = (value, spec) =>
  spec.type === 'email' && value && !EMAIL.test(value) ? { key: 'validation.email' } : undefined;

export const phoneFormat: Validator = (value, spec) =>
  spec.type === 'tel' && value && !PHONE.test(value) ? { key: 'validation.phone' } : undefined;

const VALIDATORS: readonly Validator[] = [required, maxLength, emailFormat, phoneFormat];

/** The first problem with `value` for the control `spec`, or undefined when it is acceptable. */
export function validateField(value: string, spec: ControlSpec): ValidationError | undefined {
  const trimmed = value.trim();
  for (const validator of VALIDATORS) {
    const error = validator(trimmed, spec);
    if (error) return error;
  }
  return undefined;
}
