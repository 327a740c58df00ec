/**
 * The form step: the letter, the signer's fields, consent, the reply question and the notice of a
 * send that did not go through at once, and what typing, leaving a control and answering do.
 * Submitting leads to the sending step (steps/sending/).
 */
import { html, nothing, type TemplateResult } from 'lit';
import { assetsFolder } from '../../setup/assets.js';
import { httpUrl } from '../../setup/read-config.js';
import { afterPaint } from '../after-paint.js';
import type { FormStep, SendingStep } from '../journey.js';
import { submit } from '../sending/sending-step.js';
import type { StepHost } from '../step-host.js';
import { loadShareIcons } from '../thanks/share-icons.js';
import { checkControl, consentText, controls, labelOf, valueOf } from './answers.js';
import { countryOptions, type CountryOption } from './countries.js';
import { LETTER_SPECS, type ControlSpec } from './fields.js';
import { renderProofOfWork } from './proof-of-work.js';

/** Id of the control for `key` inside the widget's shadow root. */
const controlId = (key: string) => `appeal-${key}`;

/** The form, as it is while the signer fills it in, and while their signature is being sent. */
export function renderForm(host: StepHost, state: FormStep | SendingStep): TemplateResult {
  const t = host._t;
  const form = state.step === 'sending' ? state.form : state;
  const letter = host._campaign.letter;
  const { fields } = host._config;
  const { locale, chosen } = host._language;
  // Filled in after the form's first paint; at once in a language the signer picked, as they look at the list.
  const countries = !fields.some((spec) => spec.key === 'country')
    ? []
    : chosen
      ? countryOptions(locale)
      : afterPaint(`countries ${locale}`, () => countryOptions(locale), () => host.requestUpdate());
  const field = (spec: ControlSpec, hintId?: string, lang?: string) => renderField(host, form, spec, countries, hintId, lang);
  const sending = state.step === 'sending';
  return html`<form part="form" novalidate @submit=${(event: Event) => {
      event.preventDefault();
      void submit(host);
    }}>
    ${renderErrorSummary(host, form)}
    ${letter
      ? // The letter's language is its controls': the legend and hints around them are the widget's own.
        html`<fieldset part="letter">
          <legend>${t('letter.legend')}</legend>
          <p><strong>${t('letter.to', { to: letter.to })}</strong></p>
          <p class="hint" id="appeal-letter-hint">${t('letter.hint')}</p>
          ${LETTER_SPECS.map((spec) => field(spec, 'appeal-letter-hint', letter.lang))}
        </fieldset>`
      : nothing}
    ${fields.map((spec) => field(spec))}
    <input class="trap" name="aw-extra" tabindex="-1" autocomplete="off" aria-hidden="true" />
    ${renderConsent(host, form)} ${renderProofOfWork(host)}
    ${host._campaign.document?.replyTo
      ? html`<div class="choice" part="reply-to">
          <input type="checkbox" id="appeal-reply-to" name="consentReplyTo" .checked=${!!form.answers.replyTo}
            aria-describedby="appeal-reply-to-risk"
            @change=${(event: Event) => host._dispatch({ type: 'replyTo', ticked: (event.target as HTMLInputElement).checked })} />
          <label for="appeal-reply-to">${t('consent.replyTo')}</label>
          <p class="hint" id="appeal-reply-to-risk">${t('consent.replyToRisk')}</p>
        </div>`
      : nothing}
    ${form.notice
      ? html`<div class="notice" part="notice">
          <p>${t(form.notice.key, form.notice.values)}</p>
        </div>`
      : nothing}
    <button type="submit" part="submit" class="submit" aria-disabled=${String(sending)}>
      ${t(sending ? 'form.sending' : letter ? 'form.submitLetter' : 'form.submit')}
    </button>
  </form>`;
}

/** One labelled control with its error message; ids are unique within the widget's shadow root. */
function renderField(
  host: StepHost,
  form: FormStep,
  spec: ControlSpec,
  countries: readonly CountryOption[] | undefined,
  hintId?: string,
  lang?: string,
): TemplateResult {
  const { key } = spec;
  const id = controlId(key);
  const errorId = `${id}-error`;
  const error = visibleError(host, form, key);
  const value = valueOf(host, form.answers, key);
  const describedBy = [error && errorId, hintId].filter(Boolean).join(' ') || nothing;
  const invalid = error ? 'true' : nothing;
  const input = (event: Event) => onInput(host, key, (event.target as HTMLInputElement).value);
  const leave = () => onLeave(host, key);
  const control =
    spec.control === 'select'
      ? html`<select id=${id} name=${key} autocomplete=${spec.autocomplete ?? nothing} ?required=${spec.required}
          aria-invalid=${invalid} aria-describedby=${describedBy} aria-busy=${countries ? nothing : 'true'} part="control"
          @change=${input} @blur=${leave}>
          <option value="">${host._t('form.chooseCountry')}</option>
          ${countries?.map(({ code, name }) => html`<option value=${code} ?selected=${code === value}>${name}</option>`)}
        </select>`
      : spec.control === 'textarea'
        ? html`<textarea id=${id} name=${key} lang=${lang ?? nothing} rows=${spec.rows ?? 4} maxlength=${spec.maxLength} ?required=${spec.required} dir="auto"
            aria-invalid=${invalid} aria-describedby=${describedBy} part="control" .value=${value}
            @input=${input} @blur=${leave}></textarea>`
        : // Addresses and phone numbers stay left to right even in an Arabic form; other text follows what is typed.
          html`<input id=${id} name=${key} lang=${lang ?? nothing} type=${spec.type ?? 'text'} dir=${spec.type ? 'ltr' : 'auto'}
            autocomplete=${spec.autocomplete ?? nothing} maxlength=${spec.maxLength} ?required=${spec.required}
            aria-invalid=${invalid} aria-describedby=${describedBy} part="control" .value=${value}
            @input=${input} @blur=${leave} />`;
  return html`<div class="field" part="field">
    <label for=${id} part="label"
      >${labelOf(host, key)}${spec.required
        ? nothing
        : // The space is an expression: the build's template minifier would trim a literal one.
          html`<span class="optional">${` ${host._t('form.optional')}`}</span>`}</label
    >
    ${control} ${error ? html`<p class="error" id=${errorId} part="error">${error}</p>` : nothing}
  </div>`;
}

function renderConsent(host: StepHost, form: FormStep): TemplateResult | typeof nothing {
  const t = host._t;
  const privacy = httpUrl(host.privacyUrl);
  const privacyLink = privacy
    ? html`<p>
        <a href=${privacy.href} target="_blank" rel="noopener noreferrer"
          >${t('consent.privacy')}<span class="visually-hidden"> ${t('common.newWindow')}</span></a
        >
      </p>`
    : nothing;
  const mode = host._config.consent;
  if (mode === 'none') return privacyLink;
  const error = visibleError(host, form, 'consent');
  const choice = (answer: 'yes' | 'no') => html`<div class="choice">
    <input type=${mode} id="appeal-consent-${answer}" name="consentUpdates" value=${answer}
      .checked=${form.answers.consent === answer} ?required=${mode === 'radio'}
      aria-invalid=${error ? 'true' : nothing}
      @change=${(event: Event) =>
        host._dispatch({ type: 'consent', answer: (event.target as HTMLInputElement).checked === (answer === 'yes') ? 'yes' : 'no' })} />
    <label for="appeal-consent-${answer}">${mode === 'radio' ? t(answer === 'yes' ? 'consent.yes' : 'consent.no') : consentText(host)}</label>
  </div>`;
  if (mode === 'checkbox') return html`<div part="consent">${choice('yes')}${privacyLink}</div>`;
  return html`<fieldset part="consent" aria-describedby=${error ? 'appeal-consent-error' : nothing}>
    <legend>${consentText(host)}</legend>
    ${choice('yes')}${choice('no')}
    ${error ? html`<p class="error" id="appeal-consent-error" part="error">${error}</p>` : nothing}
    ${privacyLink}
  </fieldset>`;
}

/** The problems listed after a submit that found some, each a link to its control. */
function renderErrorSummary(host: StepHost, form: FormStep): TemplateResult | typeof nothing {
  const ids = [...controls(host).map((spec) => spec.key), ...(host._config.consent === 'radio' ? ['consent'] : [])];
  // Controls in form order, then anything else the endpoint complained about (id, campaign, …).
  const keys = [...new Set([...ids, ...Object.keys(form.errors)])].filter((key) => form.errors[key]);
  if (!form.showSummary || !keys.length) return nothing;
  return html`<div class="error-summary" part="error-summary" tabindex="-1" aria-labelledby="appeal-summary">
    <h3 id="appeal-summary">${host._t('form.summaryTitle', { count: keys.length })}</h3>
    <ul>
      ${keys.map((key) => {
        const text = `${ids.includes(key) ? labelOf(host, key) : key}: ${errorMessage(host, form, key)}`;
        // The consent question is a fieldset: its first choice takes the focus.
        const id = controlId(key === 'consent' ? 'consent-yes' : key);
        return html`<li>
          ${ids.includes(key)
            ? html`<a
                href="#${id}"
                @click=${(event: Event) => {
                  // A `#id` link cannot navigate inside a shadow root: the focus moves by hand.
                  event.preventDefault();
                  host.renderRoot.querySelector<HTMLElement>(`#${id}`)?.focus();
                }}
                >${text}</a
              >`
            : text}
        </li>`;
      })}
    </ul>
  </div>`;
}

function errorMessage(host: StepHost, form: FormStep, key: string): string | undefined {
  const error = form.errors[key];
  return error && ('text' in error ? error.text : host._t(error.key, error.values));
}

/** A control's error, once the signer has left it with something typed, or submitted. */
function visibleError(host: StepHost, form: FormStep, key: string): string | undefined {
  return form.visited.includes(key) || form.showSummary ? errorMessage(host, form, key) : undefined;
}

/** The answers of the form the signer is on, while filling it in or while it is sent. */
function answersNow(host: StepHost) {
  const state = host._journey;
  return state.step === 'sending' ? state.form.answers : state.step === 'form' ? state.answers : { values: {} };
}

function onInput(host: StepHost, key: string, value: string): void {
  // The share step's icons are fetched while the signer types, so they are there when it shows.
  void loadShareIcons(assetsFolder(host.assetsUrl)).then((icons) => {
    if (icons === host._icons) return;
    host._icons = icons;
    host.requestUpdate();
  });
  const answers = answersNow(host);
  const edited = { ...answers, values: { ...answers.values, [key]: value } };
  host._dispatch({ type: 'input', key, value, error: checkControl(host, edited, key) });
}

function onLeave(host: StepHost, key: string): void {
  const answers = answersNow(host);
  host._dispatch({ type: 'leave', key, empty: !valueOf(host, answers, key), error: checkControl(host, answers, key) });
}
