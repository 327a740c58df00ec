/** The signer's answers read as the form shows them and checked: shared by the form and the sending step. */
import { SIGNATURE_LIMITS } from '../../contract/signature.js';
import type { Answers, FieldError } from '../journey.js';
import type { StepHost } from '../step-host.js';
import { LABELS, LETTER_SPECS, type ControlSpec } from './fields.js';
import { validateField } from './validators.js';

/** The controls the form checks, in the order they appear: the letter's, then the signer's fields. */
export function controls(host: StepHost): ControlSpec[] {
  return [...(host._campaign.letter ? LETTER_SPECS : []), ...host._config.fields];
}

/** What a control holds: what the signer typed, else the letter's own subject and body, else nothing. */
export function valueOf(host: StepHost, answers: Answers, key: string): string {
  const letter = host._campaign.letter;
  const initial = key === 'messageSubject' ? letter?.subject : key === 'messageBody' ? letter?.body : '';
  return answers.values[key] ?? initial ?? '';
}

/** The consent sentence as the signer reads it, which is also the wording sent with their answer. */
export function consentText(host: StepHost): string {
  // Cut like an organisation's name, so the wording sent stays within the receiver's limit and is what the signer saw.
  const organiser = host.organiser?.trim().slice(0, SIGNATURE_LIMITS.organisation);
  const radio = host._config.consent === 'radio';
  return host._t(
    organiser
      ? radio ? 'consent.radioOrganiser' : 'consent.checkboxOrganiser'
      : radio ? 'consent.radio' : 'consent.checkbox',
    { organiser },
  );
}

/** The reply question and its risk, as the signer reads them: recorded with the answer. */
export function replyToText(host: StepHost): string {
  return `${host._t('consent.replyTo')} ${host._t('consent.replyToRisk')}`;
}

/** The label of a control, or of the consent question. */
export function labelOf(host: StepHost, key: string): string {
  return key === 'consent' ? consentText(host) : host._t(LABELS[key as ControlSpec['key']]);
}

/** What is wrong with the control `key` (or the consent question) as answered, if anything. */
export function checkControl(host: StepHost, answers: Answers, key: string): FieldError | undefined {
  if (key === 'consent') return host._config.consent !== 'radio' || answers.consent ? undefined : { key: 'validation.consent' };
  const spec = controls(host).find((candidate) => candidate.key === key);
  return spec && validateField(valueOf(host, answers, key), spec);
}

/** Every problem of the form, by control, in form order; empty when it can be sent. */
export function checkForm(host: StepHost, answers: Answers): Record<string, FieldError> {
  const errors: Record<string, FieldError> = {};
  for (const key of [...controls(host).map((spec) => spec.key), 'consent']) {
    const error = checkControl(host, answers, key);
    if (error) errors[key] = error;
  }
  return errors;
}
