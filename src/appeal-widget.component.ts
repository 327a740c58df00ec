import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import { live } from 'lit/directives/live.js';
import { styleMap } from 'lit/directives/style-map.js';
import { styles } from './appeal-widget.styles.js';
import {
  httpUrl,
  parseConsent,
  parseFields,
  parseFormat,
  parseGoal,
  parseShareChannels,
  parseUrl,
  type ConfigProblem,
} from './config/attributes.js';
import {
  documentLanguages,
  letterFor,
  loadCampaignDocument,
  pickLanguage,
  type CampaignDocument,
  type CampaignTexts,
} from './campaign/campaign-document.js';
import { renderPlainText } from './campaign/plain-text.js';
import { CountController } from './counter/count-controller.js';
import { currentGoal } from './counter/goal.js';
import { emit, type AppealErrorKind } from './events.js';
import { countryOfLocale, countryOptions } from './form/countries.js';
import type { FieldSpec, SignerKey } from './form/fields.js';
import { validateField, type ValidationError } from './form/validators.js';
import { requestedLanguages } from './i18n/choose-language.js';
import { LocaleController } from './i18n/locale-controller.js';
import { DeliveryController } from './send/delivery-controller.js';
import { buildPayload, type SignaturePayload } from './send/payload.js';
import type { SendOutcome } from './send/send-signature.js';
import { uuidV4 } from './send/uuid.js';
import type { ShareChannel } from './share/share-links.js';
import { withShareUtm, withoutUtm } from './share/utm.js';
import { controlId, renderField } from './views/form-field.js';
import { renderShareList } from './views/share-list.js';

type Step = 'form' | 'sending' | 'thanks';

/** A message shown under the form after a send that did not go through at once. */
type Notice =
  | { kind: 'queued' | 'unsaved' | 'invalid' }
  | { kind: 'rate-limited'; seconds: number }
  | { kind: 'rejected'; status: number };

/** Extra keys the form validates besides the signer's fields. */
type FormKey = SignerKey | 'consent' | 'messageSubject' | 'messageBody';

/** An error at a field: a message id to translate, or a message the endpoint sent as is. */
type FieldError = ValidationError | { text: string };

const CONSENT_RADIO_ID = 'appeal-consent-yes';

/** The attributes, read and checked. */
interface WidgetConfig {
  endpoint: URL | undefined;
  format: 'json' | 'form';
  fields: FieldSpec[];
  share: ShareChannel[];
  goal: number | undefined;
  consent: 'checkbox' | 'radio' | 'none';
  problems: ConfigProblem[];
}

/**
 * An appeal with a signature form, a thank-you step with share links and a live counter.
 *
 * @slot title - The appeal's title (an `<h2>` or similar), written in the host page.
 * @slot - The appeal text, written in the host page.
 *
 * @fires appeal-submit - A valid form is about to be sent; `detail.payload` may be extended; cancelable.
 * @fires appeal-signed - The endpoint accepted the signature; `detail: { payload, response }`.
 * @fires appeal-error - A send failed or the configuration is broken; `detail: { kind, message }`.
 * @fires appeal-share - The signer used a share channel; `detail: { channel, url }`.
 *
 * @csspart base - The widget's card.
 * @csspart title - The title area.
 * @csspart appeal - The appeal text.
 * @csspart counter - The signature count and progress bar.
 * @csspart progress - The progress bar track.
 * @csspart form - The signature form.
 * @csspart field - One field: label, control and error.
 * @csspart label - A field's label.
 * @csspart control - Every input, select and textarea.
 * @csspart error - A field's error message.
 * @csspart error-summary - The list of problems shown after a failed submit.
 * @csspart consent - The consent question.
 * @csspart letter - The letter to the target.
 * @csspart submit - The submit button.
 * @csspart notice - The message shown when a signature is waiting to be sent.
 * @csspart thanks - The thank-you step.
 * @csspart share-list - The list of share channels.
 * @csspart share-button - One share link or button.
 * @csspart config-error - The message shown to the site owner when the configuration is broken.
 *
 * @cssproperty --appeal-accent - Buttons, links, progress and focus colour.
 * @cssproperty --appeal-accent-text - Text on the accent colour.
 * @cssproperty --appeal-text - Body text colour.
 * @cssproperty --appeal-muted - Secondary text colour.
 * @cssproperty --appeal-background - Card background.
 * @cssproperty --appeal-surface - Background of inputs and share buttons.
 * @cssproperty --appeal-border - Borders of inputs and the card.
 * @cssproperty --appeal-error - Error text and borders.
 * @cssproperty --appeal-success - Confirmation colour.
 * @cssproperty --appeal-focus - Focus ring colour.
 * @cssproperty --appeal-font - Font family (inherits the page's by default).
 * @cssproperty --appeal-font-size - Base font size.
 * @cssproperty --appeal-radius - Corner radius of the card and controls.
 * @cssproperty --appeal-space - Base spacing unit.
 * @cssproperty --appeal-max-width - Largest width of the card.
 */
export class AppealWidget extends LitElement {
  static override styles = styles;

  /** URL the signature is POSTed to (http or https). Required. */
  @property() endpoint?: string;
  /** How the signature is sent: `json` (default) or `form` (url-encoded, no CORS preflight). */
  @property() format?: string;
  /** Campaign identifier, sent with every signature and used in share tracking. */
  @property() campaign = '';
  /** URL of a campaign document with texts per language, goal and letter. */
  @property({ attribute: 'campaign-url' }) campaignUrl?: string;
  /** UI language (BCP 47); defaults to the closest `[lang]`, then the browser's languages. */
  @property() override lang = '';
  /** Fields to show, in order, comma-separated; a trailing `*` makes one required. */
  @property() fields?: string;
  /** Signature goal for the progress bar. */
  @property() goal?: string;
  /** URL answering `{"count": N}` for the live counter. */
  @property({ attribute: 'count-url' }) countUrl?: string;
  /** Share channels, in order, comma-separated. */
  @property() share?: string;
  /** URL to share; defaults to the page's canonical URL, else its address. */
  @property({ attribute: 'share-url' }) shareUrl?: string;
  /** Text to share; defaults to the campaign title. */
  @property({ attribute: 'share-text' }) shareText?: string;
  /** Name of the organising group, used in the consent wording. */
  @property() organiser?: string;
  /** Link to the organiser's privacy policy, shown beside the consent. */
  @property({ attribute: 'privacy-url' }) privacyUrl?: string;
  /** Consent mode: `checkbox` (default), `radio` or `none`. */
  @property() consent?: string;

  @state() private step: Step = 'form';
  @state() private values: Partial<Record<FormKey, string>> = {};
  @state() private consentAnswer: 'yes' | 'no' | undefined;
  @state() private errors: Partial<Record<FormKey, FieldError>> = {};
  @state() private touched = new Set<FormKey>();
  @state() private showSummary = false;
  @state() private notice: Notice | undefined;
  @state() private alreadySigned = false;
  @state() private announcement = '';
  @state() private copied = false;
  @state() private campaignDocument: CampaignDocument | undefined;
  @state() private documentProblem: ConfigProblem | undefined;

  private config!: WidgetConfig;
  private readonly locale = new LocaleController(this);
  private readonly counter = new CountController(this);
  private readonly delivery = new DeliveryController(this, (payload, outcome) => this.onRetried(payload, outcome));
  /** The signature being sent: its id stays the same on every retry. */
  private pending: SignaturePayload | undefined;
  private documentLoad: Promise<void> | undefined;
  private documentLoadedFor: string | undefined;
  private reportedProblems = '';

  override connectedCallback(): void {
    super.connectedCallback();
    void this.prepare();
  }

  /** Resolves once the language (and campaign document, if any) are loaded and rendered. */
  override async getUpdateComplete(): Promise<boolean> {
    let complete = await super.getUpdateComplete();
    await this.prepare();
    while (this.isUpdatePending) complete = await super.getUpdateComplete();
    return complete;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    this.config = this.readConfig();
    if (changed.has('lang') || changed.has('campaignUrl')) void this.prepare();
    if (changed.has('countUrl')) void this.counter.load(httpUrl(this.countUrl)?.href);
    if (!this.values.country && this.locale.ready) {
      const country = countryOfLocale(this.requestedLanguages()[0]);
      if (country) this.values = { ...this.values, country };
    }
  }

  protected override updated(): void {
    if (this.locale.ready) this.setAttribute('dir', this.locale.dir);
    this.reportConfigProblems();
  }

  /** Loads the campaign document and the language; the first render waits for both. */
  private prepare(): Promise<void> {
    const url = httpUrl(this.campaignUrl)?.href;
    if (!this.documentLoad || (url ?? '') !== (this.documentLoadedFor ?? '')) {
      this.documentLoadedFor = url;
      this.documentLoad = this.loadDocument(url);
    }
    return this.documentLoad.then(() => this.locale.use(this.requestedLanguages()));
  }

  private async loadDocument(url: string | undefined): Promise<void> {
    this.campaignDocument = undefined;
    this.documentProblem = undefined;
    if (!url) return;
    const result = await loadCampaignDocument(url);
    if ('document' in result) this.campaignDocument = result.document;
    else this.documentProblem = result.error;
  }

  private requestedLanguages(): string[] {
    const document = this.campaignDocument;
    const fromPage = requestedLanguages(this);
    // Without an explicit choice, a document in one language suits better than a browser default.
    return document && !this.closest('[lang]') ? [...fromPage, ...documentLanguages(document)] : fromPage;
  }

  // ---- configuration -------------------------------------------------------------------------

  /** Reads every attribute once per update; problems are shown to the site owner. */
  private readConfig(): WidgetConfig {
    const endpoint = parseUrl('endpoint', this.endpoint, true);
    const format = parseFormat(this.format);
    const fields = parseFields(this.fields);
    const share = parseShareChannels(this.share);
    const goal = parseGoal(this.goal);
    const consent = parseConsent(this.consent);
    const problems = [
      ...endpoint.problems,
      ...format.problems,
      ...fields.problems,
      ...share.problems,
      ...goal.problems,
      ...consent.problems,
      ...parseUrl('count-url', this.countUrl).problems,
      ...parseUrl('campaign-url', this.campaignUrl).problems,
      ...parseUrl('privacy-url', this.privacyUrl).problems,
      ...parseUrl('share-url', this.shareUrl).problems,
      ...(this.documentProblem ? [this.documentProblem] : []),
    ];
    return {
      endpoint: endpoint.value,
      format: format.value,
      fields: fields.value,
      share: share.value,
      goal: goal.value ?? this.campaignDocument?.goal,
      consent: consent.value,
      problems,
    };
  }

  private reportConfigProblems(): void {
    if (!this.locale.ready) return;
    const messages = this.config.problems.map((problem) => this.t(problem.key, problem.values)).join(' ');
    if (!messages || messages === this.reportedProblems) return;
    this.reportedProblems = messages;
    console.error(`[appeal-widget] ${messages}`);
    this.fail('config', messages);
  }

  private fail(kind: AppealErrorKind, message: string): void {
    emit(this, 'appeal-error', { kind, message });
  }

  private t(key: string, values?: Record<string, unknown>): string {
    return this.locale.t(key, values);
  }

  // ---- texts ---------------------------------------------------------------------------------

  private get texts(): CampaignTexts | undefined {
    const texts = this.campaignDocument?.texts;
    return texts ? pickLanguage(texts, this.locale.language) : undefined;
  }

  private get letter() {
    return this.campaignDocument ? letterFor(this.campaignDocument, this.locale.language) : undefined;
  }

  private consentText(mode: 'checkbox' | 'radio'): string {
    const organiser = this.organiser?.trim();
    const key = `consent.${mode === 'checkbox' ? 'checkbox' : 'question'}${organiser ? 'Organiser' : ''}`;
    return this.t(key, { organiser });
  }

  // ---- rendering -----------------------------------------------------------------------------

  override render(): TemplateResult {
    if (!this.locale.ready) {
      return html`<div class="card loading" part="base" aria-busy="true"></div>`;
    }
    const config = this.config;
    return html`<div class="card" part="base" lang=${this.locale.language} dir=${this.locale.dir}>
      <div class="visually-hidden" role="status" aria-live="polite" aria-atomic="true">${this.announcement}</div>
      ${config.problems.length ? this.renderConfigError(config.problems) : this.renderAppeal(config)}
    </div>`;
  }

  private renderConfigError(problems: ConfigProblem[]): TemplateResult {
    return html`<div class="config-error" part="config-error" role="alert">
      <h2 class="config-title">${this.t('config.title')}</h2>
      <p>${this.t('config.hint')}</p>
      <ul>
        ${problems.map((problem) => html`<li>${this.t(problem.key, problem.values)}</li>`)}
      </ul>
    </div>`;
  }

  private renderAppeal(config: WidgetConfig): TemplateResult {
    const texts = this.texts;
    return html`<div class="title" part="title">
        ${texts?.title ? html`<h2>${texts.title}</h2>` : html`<slot name="title"></slot>`}
      </div>
      <div class="appeal" part="appeal">${texts?.appeal ? renderPlainText(texts.appeal) : html`<slot></slot>`}</div>
      ${this.renderCounter(config.goal)}
      ${this.step === 'thanks' ? this.renderThanks(config.share) : this.renderForm(config)}`;
  }

  private renderCounter(goal: number | undefined): TemplateResult | typeof nothing {
    const count = this.counter.count;
    if (count === undefined) return nothing;
    const format = new Intl.NumberFormat(this.locale.language);
    const target = goal ? currentGoal(count, goal) : undefined;
    return html`<div class="counter" part="counter">
      <p class="count">${this.t('counter.signatures', { count, number: format.format(count) })}</p>
      ${target
        ? html`<div
              class="progress"
              part="progress"
              role="progressbar"
              aria-label=${this.t('counter.progressLabel')}
              aria-valuemin="0"
              aria-valuemax=${target}
              aria-valuenow=${Math.min(count, target)}
              aria-valuetext=${this.t('counter.progressValue', {
                number: format.format(count),
                goal: format.format(target),
              })}
            >
              <div
                class="progress-bar"
                style=${styleMap({ inlineSize: `${Math.min(100, (count / target) * 100).toFixed(1)}%` })}
              ></div>
            </div>
            <p class="goal">${this.t('counter.goal', { goal: format.format(target) })}</p>`
        : nothing}
    </div>`;
  }

  private renderForm(config: WidgetConfig): TemplateResult {
    const sending = this.step === 'sending';
    const letter = this.letter;
    const countries = config.fields.some((spec) => spec.key === 'country') ? countryOptions(this.locale.language) : [];
    return html`<form part="form" novalidate @submit=${this.onSubmit} aria-describedby="appeal-required-note">
      ${this.renderErrorSummary(config.fields)}
      ${letter ? this.renderLetter(letter) : nothing}
      ${config.fields.map((spec) =>
        renderField({
          spec,
          label: this.t(`field.${spec.key}`),
          value: this.values[spec.key] ?? '',
          error: this.visibleError(spec.key),
          optionalText: this.t('form.optional'),
          countries,
          choosePrompt: this.t('form.chooseCountry'),
          onInput: (event) => this.onInput(spec.key, event),
          onBlur: () => this.onBlur(spec.key),
        }),
      )}
      ${this.renderConsent(config.consent)}
      ${this.renderNotice()}
      <div class="actions">
        <button type="submit" part="submit" class="submit" aria-disabled=${sending ? 'true' : 'false'}>
          ${sending ? html`<span class="spinner" aria-hidden="true"></span>${this.t('form.sending')}` : letter
            ? this.t('form.submitLetter')
            : this.t('form.submit')}
        </button>
      </div>
    </form>`;
  }

  private renderLetter(letter: { to: string; subject: string; body: string }): TemplateResult {
    const subjectError = this.visibleError('messageSubject');
    const bodyError = this.visibleError('messageBody');
    return html`<fieldset class="letter" part="letter">
      <legend>${this.t('letter.legend')}</legend>
      <p class="letter-to">${this.t('letter.to', { to: letter.to })}</p>
      <p class="hint" id="appeal-letter-hint">${this.t('letter.hint')}</p>
      <div class="field" part="field">
        <label for=${controlId('messageSubject')} part="label">${this.t('letter.subject')}</label>
        <input id=${controlId('messageSubject')} name="messageSubject" type="text" maxlength="300" required
          part="control input" aria-invalid=${ifDefined(subjectError ? 'true' : undefined)}
          aria-describedby=${subjectError ? 'appeal-messageSubject-error' : 'appeal-letter-hint'}
          .value=${live(this.values.messageSubject ?? letter.subject)}
          @input=${(event: Event) => this.onInput('messageSubject', event)} @blur=${() => this.onBlur('messageSubject')} />
        ${subjectError ? html`<p class="error" id="appeal-messageSubject-error" part="error">${subjectError}</p>` : nothing}
      </div>
      <div class="field" part="field">
        <label for=${controlId('messageBody')} part="label">${this.t('letter.body')}</label>
        <textarea id=${controlId('messageBody')} name="messageBody" rows="8" maxlength="10000" required
          part="control textarea" aria-invalid=${ifDefined(bodyError ? 'true' : undefined)}
          aria-describedby=${bodyError ? 'appeal-messageBody-error' : 'appeal-letter-hint'}
          .value=${live(this.values.messageBody ?? letter.body)}
          @input=${(event: Event) => this.onInput('messageBody', event)} @blur=${() => this.onBlur('messageBody')}
        ></textarea>
        ${bodyError ? html`<p class="error" id="appeal-messageBody-error" part="error">${bodyError}</p>` : nothing}
      </div>
    </fieldset>`;
  }

  private renderConsent(mode: 'checkbox' | 'radio' | 'none'): TemplateResult {
    const privacy = httpUrl(this.privacyUrl);
    const privacyLink = privacy
      ? html`<p class="privacy">
          <a href=${privacy.href} target="_blank" rel="noopener noreferrer"
            >${this.t('consent.privacy')}<span class="visually-hidden"> ${this.t('common.newWindow')}</span></a
          >
        </p>`
      : nothing;
    if (mode === 'none') return html`${privacyLink}`;
    const error = this.visibleError('consent');
    if (mode === 'checkbox') {
      return html`<div class="consent consent-checkbox" part="consent">
        <input type="checkbox" id="appeal-consent" name="consentUpdates" .checked=${live(this.consentAnswer === 'yes')}
          @change=${(event: Event) => this.onConsent((event.target as HTMLInputElement).checked ? 'yes' : 'no')} />
        <label for="appeal-consent">${this.consentText('checkbox')}</label>
        ${privacyLink}
      </div>`;
    }
    return html`<fieldset class="consent consent-radio" part="consent"
        aria-describedby=${ifDefined(error ? 'appeal-consent-error' : undefined)}>
      <legend>${this.consentText('radio')}</legend>
      ${(['yes', 'no'] as const).map(
        (answer) => html`<div class="choice">
          <input type="radio" name="consentUpdates" id=${answer === 'yes' ? CONSENT_RADIO_ID : 'appeal-consent-no'}
            value=${answer} required .checked=${live(this.consentAnswer === answer)}
            aria-invalid=${ifDefined(error ? 'true' : undefined)} @change=${() => this.onConsent(answer)} />
          <label for=${answer === 'yes' ? CONSENT_RADIO_ID : 'appeal-consent-no'}>${this.t(`consent.${answer}`)}</label>
        </div>`,
      )}
      ${error ? html`<p class="error" id="appeal-consent-error" part="error">${error}</p>` : nothing}
      ${privacyLink}
    </fieldset>`;
  }

  private renderErrorSummary(fields: readonly FieldSpec[]): TemplateResult | typeof nothing {
    const keys = this.formKeys(fields).filter((key) => this.errors[key]);
    if (!this.showSummary || !keys.length) return nothing;
    return html`<div class="error-summary" part="error-summary" tabindex="-1" aria-labelledby="appeal-summary-title">
      <h3 id="appeal-summary-title">${this.t('form.summaryTitle', { count: keys.length })}</h3>
      <ul>
        ${keys.map(
          (key) => html`<li>
            <a href="#${this.controlIdFor(key)}" @click=${(event: Event) => this.focusControl(event, key)}
              >${this.fieldLabel(key)}: ${this.errorText(this.errors[key])}</a
            >
          </li>`,
        )}
      </ul>
    </div>`;
  }

  private renderNotice(): TemplateResult | typeof nothing {
    const notice = this.notice;
    if (!notice) return nothing;
    const text =
      notice.kind === 'rate-limited'
        ? this.t('notice.rateLimited', { count: notice.seconds })
        : notice.kind === 'rejected'
          ? this.t('notice.rejected', { status: notice.status })
          : this.t(`notice.${notice.kind}`);
    const retry = notice.kind === 'queued' || notice.kind === 'unsaved';
    return html`<div class="notice notice-${notice.kind}" part="notice">
      <p>${text}</p>
      ${retry
        ? html`<button type="button" class="secondary" @click=${() => this.submitForm()}>${this.t('notice.retryNow')}</button>`
        : nothing}
    </div>`;
  }

  private renderThanks(channels: readonly ShareChannel[]): TemplateResult {
    const texts = this.texts;
    const name = this.values.firstName?.trim() || this.values.name?.trim();
    const shareText = this.shareText?.trim() || texts?.shareText || texts?.title || this.slottedTitle() || '';
    return html`<section class="thanks" part="thanks" aria-labelledby="appeal-thanks-title">
      <h3 id="appeal-thanks-title" tabindex="-1">
        ${this.alreadySigned
          ? this.t('thanks.alreadyTitle')
          : name
            ? this.t('thanks.titleName', { name })
            : this.t('thanks.title')}
      </h3>
      ${this.alreadySigned
        ? html`<p>${this.t('thanks.alreadyText')}</p>`
        : texts?.thanks
          ? renderPlainText(texts.thanks)
          : html`<p>${this.t('thanks.text')}</p>`}
      ${channels.length
        ? html`<h4 class="share-title">${this.t('share.title')}</h4>
            <p>${this.t('share.ask')}</p>
            ${renderShareList({
              channels,
              urlFor: (channel) => withShareUtm(this.baseShareUrl(), channel, this.campaign),
              text: shareText,
              label: (channel) => this.t(`share.${channel}`),
              newWindowText: this.t('common.newWindow'),
              copied: this.copied,
              copiedText: this.t('share.copied'),
              onShare: (channel, url) => this.onShare(channel, url),
            })}
            ${this.copied ? html`<p class="copied" part="copied">${this.t('share.copied')}</p>` : nothing}`
        : nothing}
    </section>`;
  }

  // ---- form state ----------------------------------------------------------------------------

  private formKeys(fields: readonly FieldSpec[]): FormKey[] {
    const keys: FormKey[] = [];
    if (this.letter) keys.push('messageSubject', 'messageBody');
    keys.push(...fields.map((spec) => spec.key));
    if (this.config.consent === 'radio') keys.push('consent');
    return keys;
  }

  private controlIdFor(key: FormKey): string {
    return key === 'consent' ? CONSENT_RADIO_ID : controlId(key);
  }

  private fieldLabel(key: FormKey): string {
    if (key === 'consent') return this.consentText('radio');
    if (key === 'messageSubject') return this.t('letter.subject');
    if (key === 'messageBody') return this.t('letter.body');
    return this.t(`field.${key}`);
  }

  private errorText(error: FieldError | undefined): string | undefined {
    if (!error) return undefined;
    if ('text' in error) return error.text;
    return this.t(error.key, error.values);
  }

  private visibleError(key: FormKey): string | undefined {
    return this.touched.has(key) || this.showSummary ? this.errorText(this.errors[key]) : undefined;
  }

  private validate(key: FormKey): FieldError | undefined {
    if (key === 'consent') return this.consentAnswer ? undefined : { key: 'validation.consent' };
    const value = this.currentValue(key);
    if (key === 'messageSubject' || key === 'messageBody') {
      return value.trim() ? undefined : { key: 'validation.required' };
    }
    const spec = this.config.fields.find((field) => field.key === key);
    return spec ? validateField(value, spec) : undefined;
  }

  private currentValue(key: FormKey): string {
    const letter = this.letter;
    if (key === 'messageSubject') return this.values.messageSubject ?? letter?.subject ?? '';
    if (key === 'messageBody') return this.values.messageBody ?? letter?.body ?? '';
    return this.values[key] ?? '';
  }

  private setError(key: FormKey, error: FieldError | undefined): void {
    const errors = { ...this.errors };
    if (error) errors[key] = error;
    else delete errors[key];
    this.errors = errors;
  }

  private onInput(key: FormKey, event: Event): void {
    const value = (event.target as HTMLInputElement).value;
    this.values = { ...this.values, [key]: value };
    // Re-check as the signer corrects a field, but only once they have seen its error.
    if (this.touched.has(key) || this.showSummary) this.setError(key, this.validate(key));
  }

  private onBlur(key: FormKey): void {
    const value = this.currentValue(key);
    // Tabbing through an empty field is not yet a mistake; leaving a half-typed one is worth a word.
    if (!value && !this.touched.has(key) && !this.showSummary) return;
    this.touched = new Set(this.touched).add(key);
    this.setError(key, this.validate(key));
  }

  private onConsent(answer: 'yes' | 'no'): void {
    this.consentAnswer = answer;
    if (this.errors.consent) this.setError('consent', undefined);
  }

  private async focusControl(event: Event, key: FormKey): Promise<void> {
    event.preventDefault();
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(`#${this.controlIdFor(key)}`)?.focus();
  }

  // ---- submitting ----------------------------------------------------------------------------

  private onSubmit(event: Event): void {
    event.preventDefault();
    void this.submitForm();
  }

  private async submitForm(): Promise<void> {
    if (this.step !== 'form') return;
    const config = this.config;
    if (!config.endpoint || config.problems.length) return;
    const keys = this.formKeys(config.fields);
    const errors: Partial<Record<FormKey, FieldError>> = {};
    for (const key of keys) {
      const error = this.validate(key);
      if (error) errors[key] = error;
    }
    this.errors = errors;
    if (Object.keys(errors).length) {
      this.showSummary = true;
      this.notice = undefined;
      this.announcement = '';
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('.error-summary')?.focus();
      return;
    }
    this.showSummary = false;
    const payload = this.buildPayload(config);
    if (!emit(this, 'appeal-submit', { payload }, { cancelable: true })) return;
    this.pending = payload;
    this.step = 'sending';
    this.notice = undefined;
    this.announcement = this.t('status.sending');
    const outcome = await this.delivery.send(payload, { endpoint: config.endpoint.href, format: config.format });
    this.step = 'form';
    await this.handleOutcome(payload, outcome);
  }

  private buildPayload(config: WidgetConfig): SignaturePayload {
    const signer: Partial<Record<SignerKey, string>> = {};
    for (const spec of config.fields) signer[spec.key] = this.values[spec.key] ?? '';
    const letter = this.letter;
    const consentText = config.consent === 'none' ? '' : this.consentText(config.consent);
    return buildPayload({
      // Editing after a failed send keeps the id, so the receiver can never count this signer twice.
      id: this.pending?.id ?? uuidV4(),
      campaign: this.campaign,
      locale: this.locale.language,
      signer,
      consent: { updates: config.consent !== 'none' && this.consentAnswer === 'yes', text: consentText },
      message: letter
        ? { subject: this.currentValue('messageSubject'), body: this.currentValue('messageBody') }
        : undefined,
      pageUrl: location.href,
      referrer: document.referrer,
    });
  }

  /** A queued signature was retried in the background; it may be this widget's pending one. */
  private onRetried(payload: SignaturePayload, outcome: SendOutcome): void {
    if (payload.id !== this.pending?.id || this.step === 'thanks') return;
    if (outcome.kind === 'signed' || outcome.kind === 'already-signed') void this.handleOutcome(payload, outcome);
  }

  private async handleOutcome(payload: SignaturePayload, outcome: SendOutcome): Promise<void> {
    switch (outcome.kind) {
      case 'signed':
      case 'already-signed':
        this.pending = undefined;
        this.notice = undefined;
        this.alreadySigned = outcome.kind === 'already-signed';
        this.counter.update(outcome.count);
        this.step = 'thanks';
        this.announcement = this.t(this.alreadySigned ? 'thanks.alreadyTitle' : 'status.signed');
        if (outcome.kind === 'signed') {
          emit(this, 'appeal-signed', { payload, response: { status: outcome.status, body: outcome.body } });
        }
        await this.updateComplete;
        this.renderRoot.querySelector<HTMLElement>('#appeal-thanks-title')?.focus();
        return;
      case 'invalid': {
        const errors: Partial<Record<FormKey, FieldError>> = {};
        for (const [key, text] of Object.entries(outcome.errors)) {
          const formKey = key === 'message' ? 'messageBody' : (key as FormKey);
          errors[formKey] = { text };
        }
        this.errors = errors;
        this.pending = undefined;
        this.showSummary = true;
        this.notice = { kind: 'invalid' };
        this.announcement = this.t('notice.invalid');
        this.fail('rejected', JSON.stringify(outcome.errors));
        await this.updateComplete;
        this.renderRoot.querySelector<HTMLElement>('.error-summary')?.focus();
        return;
      }
      case 'rate-limited':
        this.notice = { kind: 'rate-limited', seconds: outcome.retryAfterSeconds };
        this.fail('rate-limited', `HTTP 429, retrying in ${outcome.retryAfterSeconds} s`);
        break;
      case 'rejected':
        this.pending = undefined;
        this.notice = { kind: 'rejected', status: outcome.status };
        this.fail('rejected', `HTTP ${outcome.status} ${outcome.reason}`.trim());
        break;
      case 'failed':
        this.notice = { kind: this.delivery.persistent ? 'queued' : 'unsaved' };
        this.fail(
          outcome.reason === 'timeout' ? 'timeout' : outcome.reason === 'server' ? 'server' : 'network',
          outcome.status ? `HTTP ${outcome.status}` : `the ${outcome.reason === 'timeout' ? 'send timed out' : 'network failed'}`,
        );
        break;
    }
    // Announce exactly the notice the signer sees, once it is rendered.
    await this.updateComplete;
    this.announcement = this.renderRoot.querySelector('.notice p')?.textContent ?? '';
  }

  // ---- sharing -------------------------------------------------------------------------------

  private slottedTitle(): string {
    return this.querySelector('[slot="title"]')?.textContent?.trim() ?? '';
  }

  private baseShareUrl(): string {
    const configured = httpUrl(this.shareUrl);
    if (configured) return configured.href;
    const canonical = httpUrl(document.querySelector<HTMLLinkElement>('link[rel="canonical"]')?.getAttribute('href'));
    return canonical?.href ?? withoutUtm(location.href);
  }

  private async onShare(channel: ShareChannel, url: string): Promise<void> {
    emit(this, 'appeal-share', { channel, url });
    if (channel !== 'copy') return;
    try {
      await navigator.clipboard.writeText(url);
    } catch {
      copyWithSelection(url, this.renderRoot as ShadowRoot);
    }
    this.copied = true;
    this.announcement = this.t('share.copied');
  }
}

/** Copies `text` where the Clipboard API is refused (insecure page, permission denied). */
function copyWithSelection(text: string, root: ShadowRoot): void {
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  root.appendChild(area);
  area.select();
  // NOTE: execCommand is deprecated but remains the only synchronous copy where the Clipboard API is refused.
  document.execCommand('copy');
  area.remove();
}
