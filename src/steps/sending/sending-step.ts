/**
 * The sending step: a valid form becomes a signature, the delivery controller sends it (and keeps
 * it until it is delivered), and its outcome moves the journey on (steps/journey.ts). Here too
 * what the host page and the site owner hear of it: the events, the console and the focus.
 */
import type { SignaturePayload } from '../../contract/signature.js';
import { emit } from '../../events.js';
import type { WidgetConfig } from '../../setup/read-config.js';
import { checkForm, consentText, replyToText, valueOf } from '../form/answers.js';
import type { FormStep } from '../journey.js';
import { focusAfterRender, type StepHost } from '../step-host.js';
import { buildPayload } from './payload.js';
import type { Destination, SendOutcome } from './send-signature.js';
import { uuidV4 } from './uuid.js';

/** Where the focus goes after each outcome; the notice of a failure leaves it where it is. */
const FOCUS_AFTER: Partial<Record<SendOutcome['kind'], string>> = {
  signed: '#appeal-thanks',
  'already-signed': '#appeal-thanks',
  closed: '#appeal-closed',
  invalid: '.error-summary',
};

/** Where and how this widget sends its signatures; undefined without a valid endpoint. */
export function destination(config: WidgetConfig | undefined): Destination | undefined {
  return config?.endpoint && { endpoint: config.endpoint.href, format: config.format };
}

/** Checks the form and, if it is valid and the host page agrees, sends the signature. */
export async function submit(host: StepHost): Promise<void> {
  const state = host._journey;
  const to = destination(host._config);
  // One submit sends once: clicks while sending, and clicks on a broken widget, do nothing.
  if (state.step !== 'form' || !to || host._problems.length) return;
  const errors = checkForm(host, state.answers);
  if (Object.keys(errors).length) {
    host._dispatch({ type: 'invalid', errors });
    return focusAfterRender(host, '.error-summary');
  }
  const signature = buildSignature(host, state);
  if (!emit(host, 'appeal-submit', { payload: signature }, true)) return;
  host._dispatch({ type: 'send', signature });
  // A campaign under attack asks for a proof of work (steps/form/proof-of-work.ts); solved once the form is sent.
  const pow = await host.renderRoot.querySelector<HTMLElement & { solve?(): Promise<string | undefined> }>('appeal-pow')?.solve?.();
  if (pow) signature.pow = pow;
  settle(host, signature, await host._delivery.send(signature, to));
}

/** The payload of what the form holds. */
function buildSignature(host: StepHost, form: FormStep): SignaturePayload {
  const { answers } = form;
  const config = host._config;
  const signer: Record<string, string> = {};
  for (const spec of config.fields) signer[spec.key] = valueOf(host, answers, spec.key);
  const letter = host._campaign.letter;
  const { token } = host._count;
  const trap = host.renderRoot.querySelector<HTMLInputElement>('.trap')?.value;
  return buildPayload({
    // The bot checks' fields (README "Bots and floods"), only when there is something to say.
    ...(typeof token == 'string' && { formToken: token }),
    ...(trap && { honeypot: trap }),
    // Editing after a failed send keeps the id, so the receiver can never count this signer twice.
    id: form.retrying?.id ?? uuidV4(),
    campaign: host._campaign.id,
    locale: host._language.locale,
    signer,
    consent: {
      ...(config.consent === 'none' ? { updates: false, text: '' } : { updates: answers.consent === 'yes', text: consentText(host) }),
      ...(host._campaign.document?.replyTo && { replyTo: !!answers.replyTo, replyToText: replyToText(host) }),
    },
    message: letter && { subject: valueOf(host, answers, 'messageSubject'), body: valueOf(host, answers, 'messageBody') },
    pageUrl: location.href,
    referrer: document.referrer,
  });
}

/**
 * Moves the journey on after a send of `signature`: the signer's own, or (`background`) a retry
 * from the queue, which may be of this widget's signature. Then tells the host page and the site
 * owner what they need to know, and moves the focus; after a retry only if it is in the widget,
 * since the signer may be busy elsewhere on the page.
 */
export function settle(host: StepHost, signature: SignaturePayload, outcome: SendOutcome, background = false): void {
  const before = host._journey;
  host._dispatch({
    type: 'outcome',
    signature,
    outcome,
    background,
    mailto: !!host._campaign.document?.letter?.mailto,
    saved: !!host._delivery.queueStore,
  });
  if (host._journey === before) return;
  const { kind } = outcome;
  if (kind === 'signed' || kind === 'already-signed') {
    host._count.report(outcome.count);
    if (kind === 'signed') emit(host, 'appeal-signed', { payload: signature, response: { status: outcome.status, body: outcome.body } });
  } else {
    const { status } = outcome;
    emit(host, 'appeal-error', { kind: kind === 'failed' ? outcome.reason : kind === 'invalid' ? 'rejected' : kind, message: status ? `HTTP ${status}` : 'no answer' });
    // Offline is the signer's business; failing while online is usually the site's: say so in the console.
    if (kind === 'failed' && navigator.onLine) {
      console.warn(`[appeal-widget] ${host.endpoint}: ${status ?? outcome.reason}. Check the URL and its CORS origins.`);
    }
  }
  const focus = FOCUS_AFTER[kind];
  if (focus && (!background || host.matches(':focus-within'))) void focusAfterRender(host, focus);
}
