// The receiver's LIMITS take the signer's fields from the contract (src/contract/signature.ts);
// these check that every field and letter of the widget stays within them, so a signer can never
// type what the receiver refuses, and that each error the receiver names lands at its control.
// Node, not the browser tests: the receiver's schema module needs node:url.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LIMITS, schemaErrorsToFieldErrors } from '../../server/src/signature-schema.ts';
import { LETTER_ERROR_KEYS } from '../../src/contract/signature.ts';
import { FIELD_DEFINITIONS, LETTER_SPECS } from '../../src/steps/form/fields.ts';

test('no field, nor the letter, accepts more than the receiver', () => {
  const receiver: Record<string, number> = {
    firstName: LIMITS.personName, lastName: LIMITS.personName, name: LIMITS.personName, email: LIMITS.email, country: 2,
    postcode: LIMITS.postcode, organisation: LIMITS.organisation, phone: LIMITS.phone, comment: LIMITS.comment,
    messageSubject: LIMITS.messageSubject, messageBody: LIMITS.messageBody,
  };
  for (const spec of [...Object.values(FIELD_DEFINITIONS), ...LETTER_SPECS]) {
    assert.ok(receiver[spec.key] !== undefined, `${spec.key}: no receiver limit known`);
    assert.ok(spec.maxLength <= receiver[spec.key]!, `${spec.key}: ${spec.maxLength} > ${receiver[spec.key]}`);
  }
});

test('every consent wording, with the longest organiser name the widget keeps, fits the receiver’s consent text', () => {
  const folder = fileURLToPath(new URL('../../locales/', import.meta.url));
  for (const file of readdirSync(folder).filter((name) => name.endsWith('.json'))) {
    const consent = (JSON.parse(readFileSync(folder + file, 'utf8')) as { consent: Record<string, string> }).consent;
    for (const [key, wording] of Object.entries(consent)) {
      // The widget cuts `organiser` to an organisation's length (consentText in the component).
      const text = wording.replace('{{organiser}}', 'O'.repeat(LIMITS.organisation));
      assert.ok([...text].length <= LIMITS.consentText, `${file} consent.${key}: ${[...text].length} characters`);
    }
  }
});

test('each control of the form is the one the receiver’s error names: signer fields by name, the letter’s parts through the contract', () => {
  const controls = [...Object.values(FIELD_DEFINITIONS).map((spec) => ['signer', spec.key]), ['message', 'subject'], ['message', 'body']];
  const errors = controls.map((path) => ({ keyword: 'maxLength', instancePath: `/${path.join('/')}`, params: { limit: 1 } }));
  const shownAt = Object.keys(schemaErrorsToFieldErrors(errors)).map((key) => LETTER_ERROR_KEYS.get(key) ?? key);
  assert.deepEqual(shownAt, [...Object.values(FIELD_DEFINITIONS), ...LETTER_SPECS].map((spec) => spec.key));
});
