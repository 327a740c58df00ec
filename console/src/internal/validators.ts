/**
 * The console's own checks before a request is sent, each a small named function returning a
 * message id (as the widget's validators do). The receiver checks everything again and has the
 * last word (its 422 is shown at the fields too).
 */

export interface Problem {
  key: string;
  values?: Record<string, string | number>;
}
export type Validator = (value: string) => Problem | undefined;

// As loose as the widget's: one @, a dot in the domain, no spaces.
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

export const required: Validator = (value) => (value.trim() === '' ? { key: 'validation.required' } : undefined);

export const email: Validator = (value) => (value.trim() !== '' && !EMAIL.test(value.trim()) ? { key: 'validation.email' } : undefined);

/** A whole number from `min` to `max`; empty passes (pair with `required`). */
export const wholeNumber =
  (min: number, max = Number.MAX_SAFE_INTEGER): Validator =>
  (value) => {
    if (value.trim() === '') return undefined;
    const number = Number(value);
    return Number.isSafeInteger(number) && number >= min && number <= max ? undefined : { key: 'validation.wholeNumber', values: { min, max } };
  };

/** The first problem of `value` under `validators`. */
export function check(value: string, ...validators: Validator[]): Problem | undefined {
  for (const validator of validators) {
    const problem = validator(value);
    if (problem) return problem;
  }
  return undefined;
}
