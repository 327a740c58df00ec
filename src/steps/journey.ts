/**
 * The signer's journey as one value: on the form, sending, thanked, or before a closed campaign.
 * Each step holds only what means something there, and `next` is the only way from one state to
 * the next: a pure function of the state and what happened, tested without a browser
 * (test/journey/). Words, focus and events are the step modules' business: the state holds
 * message ids and kinds, never translated text.
 */
import { LETTER_ERROR_KEYS, type SignaturePayload } from '../contract/signature.js';
import type { ValidationError } from './form/validators.js';
import type { SendOutcome } from './sending/send-signature.js';

/** An error at a control: a message id to translate, or a message the endpoint sent as it is. */
export type FieldError = ValidationError | { text: string };

/** What the signer has answered so far; kept from the form to the thank-you step. */
export interface Answers {
  /** Each control's value by its name (`firstName`, `messageBody`); absent until typed. */
  readonly values: Readonly<Record<string, string>>;
  readonly consent?: 'yes' | 'no';
  /** Ticked "the authorities may reply to me". */
  readonly replyTo?: boolean;
}

/** The message under the form when a send did not go through at once. */
export interface Notice {
  readonly key: 'notice.queued' | 'notice.unsaved' | 'notice.invalid' | 'notice.rateLimited' | 'notice.rejected';
  readonly values?: Readonly<Record<string, number>>;
}

/** What the live region says after the last transition; worded by the view. */
export type Announcement = 'sending' | 'signed' | 'notice' | 'closed' | 'linkCopied' | 'letterCopied';

/** What the letter does next, as the endpoint answered (SPEC §9.5). */
export type LetterNext = 'queued' | 'awaiting-confirmation' | 'mailto';

/** Filling in the form. */
export interface FormStep {
  readonly step: 'form';
  readonly answers: Answers;
  readonly errors: Readonly<Record<string, FieldError>>;
  /** Controls the signer has left with something typed: their errors show from then on. */
  readonly visited: readonly string[];
  /** After a submit that found problems: every error shows, and the summary lists them. */
  readonly showSummary: boolean;
  readonly notice?: Notice;
  /** The signature that failed and waits to be retried: sending again keeps its id. */
  readonly retrying?: SignaturePayload;
  readonly announcement?: Announcement;
}

/** The signature is on its way; the form stays as it was, to come back to. */
export interface SendingStep {
  readonly step: 'sending';
  readonly form: FormStep;
  readonly signature: SignaturePayload;
  readonly announcement: 'sending';
}

/** Signed (or signed before): thanks, what becomes of the letter, and sharing. */
export interface ThanksStep {
  readonly step: 'thanks';
  readonly answers: Answers;
  /** The endpoint answered 409: this address had signed already. */
  readonly alreadySigned: boolean;
  readonly letter?: LetterNext;
  readonly linkCopied: boolean;
  readonly letterCopied: boolean;
  /** The question for the signer's Mastodon server is open. */
  readonly askingMastodon: boolean;
  readonly mastodonInvalid: boolean;
  readonly announcement?: Announcement;
}

/** The endpoint answered 410: the campaign takes no more signatures, and what was typed is gone. */
export interface ClosedStep {
  readonly step: 'closed';
  readonly announcement: 'closed';
}

/** Where the signer is. */
export type Journey = FormStep | SendingStep | ThanksStep | ClosedStep;

/** Something the signer did, or that happened to their signature. */
export type JourneyEvent =
  /** Typed into a control; `error` is what its check says of the new value. */
  | { readonly type: 'input'; readonly key: string; readonly value: string; readonly error?: FieldError }
  /** Left a control; `error` as for input. */
  | { readonly type: 'leave'; readonly key: string; readonly empty: boolean; readonly error?: FieldError }
  | { readonly type: 'consent'; readonly answer: 'yes' | 'no' }
  | { readonly type: 'replyTo'; readonly ticked: boolean }
  /** A submit found these problems. */
  | { readonly type: 'invalid'; readonly errors: Readonly<Record<string, FieldError>> }
  /** A valid submit that the host page let through: `signature` leaves now. */
  | { readonly type: 'send'; readonly signature: SignaturePayload }
  /**
   * What became of a send of `signature`: the signer's own (`background` unset), or a retry from
   * the queue. `mailto`: the campaign document lists addresses for the signer's own mail program.
   * `saved`: failed signatures wait in the browser's storage.
   */
  | {
      readonly type: 'outcome';
      readonly signature: SignaturePayload;
      readonly outcome: SendOutcome;
      readonly background?: boolean;
      readonly mailto: boolean;
      readonly saved: boolean;
    }
  | { readonly type: 'copied'; readonly what: 'link' | 'letter' }
  | { readonly type: 'askMastodon' }
  | { readonly type: 'mastodonServer'; readonly valid: boolean };

/** Where every journey starts: an empty form. */
export const START: FormStep = { step: 'form', answers: { values: {} }, errors: {}, visited: [], showSummary: false };

/** The state after `event`; the same object when the event changes nothing where the signer is. */
export function next(state: Journey, event: JourneyEvent): Journey {
  switch (event.type) {
    case 'input':
    case 'leave':
    case 'consent':
    case 'replyTo':
      // The signer may go on typing while the signature is sent: what they type is kept.
      if (state.step === 'sending') return { ...state, form: editForm(state.form, event) };
      return state.step === 'form' ? editForm(state, event) : state;
    case 'invalid':
      return state.step === 'form' ? { ...state, errors: event.errors, showSummary: true, notice: undefined, announcement: undefined } : state;
    case 'send':
      return state.step === 'form'
        ? { step: 'sending', form: { ...state, errors: {}, showSummary: false, notice: undefined }, signature: event.signature, announcement: 'sending' }
        : state;
    case 'outcome':
      return settle(state, event);
    case 'copied':
      return state.step === 'thanks'
        ? { ...state, [event.what === 'link' ? 'linkCopied' : 'letterCopied']: true, announcement: event.what === 'link' ? 'linkCopied' : 'letterCopied' }
        : state;
    case 'askMastodon':
      return state.step === 'thanks' ? { ...state, askingMastodon: true, mastodonInvalid: false } : state;
    case 'mastodonServer':
      return state.step === 'thanks' ? { ...state, askingMastodon: !event.valid, mastodonInvalid: !event.valid } : state;
  }
}

type FormEvent = Extract<JourneyEvent, { type: 'input' | 'leave' | 'consent' | 'replyTo' }>;

function editForm(form: FormStep, event: FormEvent): FormStep {
  const { answers, visited } = form;
  switch (event.type) {
    case 'input': {
      const edited = { ...answers, values: { ...answers.values, [event.key]: event.value } };
      // Re-checked as the signer corrects a control, but only once they have seen its error.
      const shown = form.showSummary || visited.includes(event.key);
      return { ...form, answers: edited, errors: shown ? withError(form.errors, event.key, event.error) : form.errors };
    }
    case 'leave':
      // Tabbing through an empty control is not yet a mistake; leaving a half-typed one is worth a word.
      if (event.empty && !visited.includes(event.key)) return form;
      return {
        ...form,
        visited: visited.includes(event.key) ? visited : [...visited, event.key],
        errors: withError(form.errors, event.key, event.error),
      };
    case 'consent':
      return { ...form, answers: { ...answers, consent: event.answer }, errors: withError(form.errors, 'consent', undefined) };
    case 'replyTo':
      return { ...form, answers: { ...answers, replyTo: event.ticked } };
  }
}

function withError(errors: FormStep['errors'], key: string, error: FieldError | undefined): FormStep['errors'] {
  const { [key]: _previous, ...others } = errors;
  return error ? { ...others, [key]: error } : others;
}

/** Where a signature's outcome leads; see SPEC §4.3. */
function settle(state: Journey, event: Extract<JourneyEvent, { type: 'outcome' }>): Journey {
  const { signature, outcome } = event;
  // The signer's own send settles it. A retry from the queue settles only the signature this form
  // waits for, and only when it did not simply fail again: that changes nothing the signer needs to hear.
  const form = event.background
    ? state.step === 'form' && state.retrying?.id === signature.id && outcome.kind !== 'failed' && state
    : state.step === 'sending' && state.signature.id === signature.id && state.form;
  if (!form) return state;
  switch (outcome.kind) {
    case 'signed':
    case 'already-signed': {
      const alreadySigned = outcome.kind === 'already-signed';
      const letter = (outcome.body as { letter?: unknown } | null | undefined)?.letter;
      return {
        step: 'thanks',
        answers: form.answers,
        alreadySigned,
        // The document's addresses decide alone, so a plain endpoint works too; `none`, absent or
        // unknown say nothing more.
        letter:
          event.mailto || letter === 'mailto'
            ? 'mailto'
            : !alreadySigned && (letter === 'queued' || letter === 'awaiting-confirmation')
              ? letter
              : undefined,
        linkCopied: false,
        letterCopied: false,
        askingMastodon: false,
        mastodonInvalid: false,
        announcement: 'signed',
      };
    }
    case 'closed':
      // Nothing to send, keep or retry any more: what the signer typed goes with the form.
      return { step: 'closed', announcement: 'closed' };
    case 'invalid': {
      const errors: Record<string, FieldError> = {};
      // The receiver names the letter's parts `message.subject` and `message.body`; the form's controls differ.
      for (const [key, text] of Object.entries(outcome.errors)) errors[LETTER_ERROR_KEYS.get(key) ?? key] = { text };
      return { ...form, errors, showSummary: true, notice: { key: 'notice.invalid' }, retrying: undefined, announcement: 'notice' };
    }
    case 'rejected':
      // A refusal is final: sending again makes a new signature.
      return { ...form, notice: { key: 'notice.rejected', values: { status: outcome.status } }, retrying: undefined, announcement: 'notice' };
    case 'rate-limited':
      return { ...form, notice: { key: 'notice.rateLimited', values: { count: outcome.retryAfterSeconds } }, retrying: signature, announcement: 'notice' };
    case 'failed':
      return { ...form, notice: { key: event.saved ? 'notice.queued' : 'notice.unsaved' }, retrying: signature, announcement: 'notice' };
  }
}
