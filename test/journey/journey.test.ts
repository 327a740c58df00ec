// The signer's journey (src/steps/journey.ts): every move from one step to the next, without a browser.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SignaturePayload } from '../../src/contract/signature.ts';
import type { SendOutcome } from '../../src/steps/sending/send-signature.ts';
import { START, next, type FormStep, type Journey, type JourneyEvent, type ThanksStep } from '../../src/steps/journey.ts';

const required = { key: 'validation.required' };

function signature(id = '3b7c1f0e-8a2d-4c6b-9e1f-2a3b4c5d6e7f'): SignaturePayload {
  return {
    id,
    campaign: 'free-baltabay',
    createdAt: '2026-11-27T18:00:00.000Z',
    locale: 'en',
    signer: { email: 'a@example.org' },
    consent: { updates: false, text: '' },
    source: { url: 'https://union.example/', referrer: '' },
  };
}

/** The state after each of `events`, from `state`. */
function after(state: Journey, ...events: JourneyEvent[]): Journey {
  return events.reduce(next, state);
}

function form(state: Journey): FormStep {
  assert.equal(state.step, 'form');
  return state as FormStep;
}

function thanks(state: Journey): ThanksStep {
  assert.equal(state.step, 'thanks');
  return state as ThanksStep;
}

const typed: JourneyEvent = { type: 'input', key: 'email', value: 'aigerim@' };
const sent = signature();
const sending = after(START, { type: 'send', signature: sent });
const outcome = (result: SendOutcome, changes: Partial<Extract<JourneyEvent, { type: 'outcome' }>> = {}): JourneyEvent => ({
  type: 'outcome',
  signature: sent,
  outcome: result,
  mailto: false,
  saved: true,
  ...changes,
});
const failed = after(sending, outcome({ kind: 'failed', reason: 'network' }));

describe('the form', () => {
  test('starts empty, with nothing to show', () => {
    assert.deepEqual(START, { step: 'form', answers: { values: {} }, errors: {}, visited: [], showSummary: false });
  });

  test('keeps what the signer types, and shows no error until they leave the control', () => {
    const state = form(after(START, { ...typed, error: { key: 'validation.email' } }));
    assert.deepEqual(state.answers.values, { email: 'aigerim@' });
    assert.deepEqual(state.errors, {});
    const left = form(next(state, { type: 'leave', key: 'email', empty: false, error: { key: 'validation.email' } }));
    assert.deepEqual(left.visited, ['email']);
    assert.deepEqual(left.errors, { email: { key: 'validation.email' } });
    // Corrected as they type once they have seen the error.
    const corrected = form(next(left, { type: 'input', key: 'email', value: 'aigerim@example.org' }));
    assert.deepEqual(corrected.errors, {});
    assert.deepEqual(form(next(corrected, { type: 'leave', key: 'email', empty: false })).visited, ['email']);
  });

  test('tabbing through an empty control is not yet a mistake', () => {
    assert.equal(next(START, { type: 'leave', key: 'firstName', empty: true, error: required }), START);
    const visited = form(after(START, { type: 'input', key: 'firstName', value: 'A' }, { type: 'leave', key: 'firstName', empty: false }));
    // Emptied after a visit: now it is worth a word.
    assert.deepEqual(form(next(visited, { type: 'leave', key: 'firstName', empty: true, error: required })).errors, { firstName: required });
  });

  test('answering the consent question clears its error; the reply question is kept', () => {
    const invalid = after(START, { type: 'invalid', errors: { consent: { key: 'validation.consent' }, email: required } });
    const answered = form(after(invalid, { type: 'consent', answer: 'no' }, { type: 'replyTo', ticked: true }));
    assert.deepEqual(answered.errors, { email: required });
    assert.deepEqual(answered.answers, { values: {}, consent: 'no', replyTo: true });
  });

  test('a submit with problems shows them all, with the summary, and silences the last notice', () => {
    const state = form(after(failed, { type: 'invalid', errors: { email: required } }));
    assert.equal(state.showSummary, true);
    assert.deepEqual(state.errors, { email: required });
    assert.equal(state.notice, undefined);
    assert.equal(state.announcement, undefined);
    // From then on every control is re-checked as the signer types.
    assert.deepEqual(form(next(state, { type: 'input', key: 'firstName', value: '', error: required })).errors, { email: required, firstName: required });
  });
});

describe('sending', () => {
  test('a valid submit sends, with the form as it was kept to come back to', () => {
    assert.equal(sending.step, 'sending');
    assert.equal(sending.step === 'sending' && sending.signature, sent);
    assert.equal(sending.announcement, 'sending');
  });

  test('sends once: a second submit while sending changes nothing', () => {
    assert.equal(next(sending, { type: 'send', signature: signature('0a000000-0000-4000-8000-000000000000') }), sending);
    assert.equal(next(sending, { type: 'invalid', errors: {} }), sending);
  });

  test('what the signer types while it is sent is kept', () => {
    const state = next(sending, typed);
    assert.equal(state.step === 'sending' && state.form.answers.values['email'], 'aigerim@');
  });

  test('an outcome for another signature changes nothing', () => {
    const other = signature('0a000000-0000-4000-8000-000000000000');
    assert.equal(next(sending, outcome({ kind: 'signed', status: 201, body: {} }, { signature: other })), sending);
  });
});

describe('after the send', () => {
  test('signed: thanks, with the answers kept for the thank-you step', () => {
    const typedThenSent = after(START, { type: 'input', key: 'firstName', value: 'Aigerim' }, { type: 'send', signature: sent });
    const state = thanks(next(typedThenSent, outcome({ kind: 'signed', status: 201, body: { ok: true } })));
    assert.deepEqual(state, {
      step: 'thanks',
      answers: { values: { firstName: 'Aigerim' } },
      alreadySigned: false,
      letter: undefined,
      linkCopied: false,
      letterCopied: false,
      askingMastodon: false,
      mastodonInvalid: false,
      announcement: 'signed',
    });
  });

  test('what the answer says of the letter: queued, awaiting confirmation, mailto; anything else says nothing', () => {
    const letterOf = (body: unknown, changes: Partial<Extract<JourneyEvent, { type: 'outcome' }>> = {}, kind: 'signed' | 'already-signed' = 'signed') =>
      thanks(next(sending, outcome({ kind, status: kind === 'signed' ? 201 : 409, body }, changes))).letter;
    assert.equal(letterOf({ letter: 'queued' }), 'queued');
    assert.equal(letterOf({ letter: 'awaiting-confirmation' }), 'awaiting-confirmation');
    assert.equal(letterOf({ letter: 'mailto' }), 'mailto');
    for (const body of [{ letter: 'none' }, { letter: 'carrier-pigeon' }, {}, null, undefined, 'text']) assert.equal(letterOf(body), undefined);
    // The document's addresses decide alone, so a plain endpoint works too.
    assert.equal(letterOf(undefined, { mailto: true }), 'mailto');
    // Signed before: their letter went then.
    assert.equal(letterOf({ letter: 'queued' }, {}, 'already-signed'), undefined);
    assert.equal(letterOf({}, { mailto: true }, 'already-signed'), 'mailto');
    assert.equal(thanks(next(sending, outcome({ kind: 'already-signed', status: 409, body: {} }))).alreadySigned, true);
  });

  test('closed: the closed step, and what was typed goes with the form', () => {
    assert.deepEqual(next(sending, outcome({ kind: 'closed', status: 410 })), { step: 'closed', announcement: 'closed' });
  });

  test('invalid: each message at its control, the letter’s parts under the form’s names; a new signature next time', () => {
    const errors = { email: 'bounces', 'message.body': 'too long', 'message.subject': 'empty', message: 'not an object', campaign: 'unknown' };
    const invalid = form(next(sending, outcome({ kind: 'invalid', status: 422, errors })));
    assert.deepEqual(invalid.errors, {
      email: { text: 'bounces' },
      messageBody: { text: 'not an object' },
      messageSubject: { text: 'empty' },
      campaign: { text: 'unknown' },
    });
    assert.equal(invalid.showSummary, true);
    assert.deepEqual(invalid.notice, { key: 'notice.invalid' });
    assert.equal(invalid.retrying, undefined);
    assert.equal(invalid.announcement, 'notice');
  });

  test('rejected: said with its status, and final', () => {
    const state = form(next(sending, outcome({ kind: 'rejected', status: 403, reason: 'no' })));
    assert.deepEqual(state.notice, { key: 'notice.rejected', values: { status: 403 } });
    assert.equal(state.retrying, undefined);
  });

  test('failed or rate-limited: the signature waits to be retried with its id, and the signer is told how', () => {
    const waiting = form(failed);
    assert.deepEqual(waiting.notice, { key: 'notice.queued' });
    assert.equal(waiting.retrying, sent);
    assert.equal(waiting.announcement, 'notice');
    assert.deepEqual(form(next(sending, outcome({ kind: 'failed', reason: 'timeout' }, { saved: false }))).notice, { key: 'notice.unsaved' });
    const limited = form(next(sending, outcome({ kind: 'rate-limited', status: 429, retryAfterSeconds: 30 })));
    assert.deepEqual(limited.notice, { key: 'notice.rateLimited', values: { count: 30 } });
    assert.equal(limited.retrying, sent);
  });
});

describe('retries from the queue', () => {
  const retried = (result: SendOutcome, signed = sent) => outcome(result, { background: true, signature: signed });

  test('settle the signature the form waits for', () => {
    assert.equal(next(failed, retried({ kind: 'signed', status: 201, body: {} })).step, 'thanks');
    assert.equal(next(failed, retried({ kind: 'closed', status: 410 })).step, 'closed');
  });

  test('another failure changes nothing the signer needs to hear', () => {
    assert.equal(next(failed, retried({ kind: 'failed', reason: 'server', status: 503 })), failed);
  });

  test('leave alone a signature this form does not wait for, and a form being sent', () => {
    assert.equal(next(START, retried({ kind: 'signed', status: 201, body: {} })), START);
    assert.equal(next(failed, retried({ kind: 'signed', status: 201, body: {} }, signature('0a000000-0000-4000-8000-000000000000'))), failed);
    assert.equal(next(sending, retried({ kind: 'signed', status: 201, body: {} })), sending);
  });
});

describe('the thank-you step', () => {
  const thanked = next(sending, outcome({ kind: 'signed', status: 201, body: {} }));

  test('copying the link, then the letter: both confirmed, the last announced', () => {
    const link = thanks(next(thanked, { type: 'copied', what: 'link' }));
    assert.equal(link.linkCopied, true);
    assert.equal(link.announcement, 'linkCopied');
    const both = thanks(next(link, { type: 'copied', what: 'letter' }));
    assert.deepEqual([both.linkCopied, both.letterCopied, both.announcement], [true, true, 'letterCopied']);
  });

  test('asks for the Mastodon server until a valid one is given', () => {
    const asking = thanks(next(thanked, { type: 'askMastodon' }));
    assert.deepEqual([asking.askingMastodon, asking.mastodonInvalid], [true, false]);
    const invalid = thanks(next(asking, { type: 'mastodonServer', valid: false }));
    assert.deepEqual([invalid.askingMastodon, invalid.mastodonInvalid], [true, true]);
    const valid = thanks(next(invalid, { type: 'mastodonServer', valid: true }));
    assert.deepEqual([valid.askingMastodon, valid.mastodonInvalid], [false, false]);
  });

  test('the form’s events mean nothing here', () => {
    for (const event of [typed, { type: 'send', signature: sent }, { type: 'invalid', errors: {} }] as const) assert.equal(next(thanked, event), thanked);
  });

  test('and the thank-you step’s mean nothing on the form', () => {
    for (const event of [{ type: 'copied', what: 'link' }, { type: 'askMastodon' }, { type: 'mastodonServer', valid: true }] as const) {
      assert.equal(next(START, event), START);
    }
  });
});
