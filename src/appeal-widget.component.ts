import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { styles } from './appeal-widget.styles.js';
import { httpUrl, readConfig, type ConfigProblem, type WidgetConfig } from './config/read-config.js';
import {
  letterFor,
  loadCampaignDocument,
  pickLanguage,
  type CampaignDocument,
  type LetterText,
} from './campaign/campaign-document.js';
import { renderPlainText } from './campaign/plain-text.js';
import { CountController, readCount } from './counter/count-controller.js';
import { currentGoal } from './counter/goal.js';
import { emit, type AppealErrorKind } from './events.js';
import { countryOfLocale, countryOptions } from './form/countries.js';
import { LETTER_SPECS, type ControlSpec, type SignerKey } from './form/fields.js';
import { mailtoLink } from './letter/mailto-link.js';
import { validateField, type ValidationError } from './form/validators.js';
import { requestedLanguages } from './i18n/choose-language.js';
import { LocaleController } from './i18n/locale-controller.js';
import { DeliveryController } from './send/delivery-controller.js';
import { buildPayload, type SignaturePayload } from './send/payload.js';
import type { Destination, SendOutcome } from './send/send-signature.js';
import { SIGNATURE_LIMITS } from './send/signature-limits.js';
import { uuidV4 } from './send/uuid.js';
import { rememberInstance, rememberedInstance } from './share/mastodon-instance.js';
import { loadShareIcons } from './share/share-icons.js';
import { parseMastodonInstance, shareHref, type ShareChannel } from './share/share-links.js';
import { withShareUtm } from './share/utm.js';
import { controlId, renderField } from './views/form-field.js';
import { renderShareList } from './views/share-list.js';

/** A message shown under the form when a send did not go through at once. */
type Notice = { kind: 'queued' | 'unsaved' | 'invalid' | 'rateLimited' | 'rejected'; values?: Record<string, unknown> };

/** An error at a field: a message id to translate, or a message the endpoint sent as it is. */
type FieldError = ValidationError | { text: string };

/**
 * An appeal with a signature form, a thank-you step with share links and a live counter.
 *
 * @slot title - The appeal's title (an `<h2>` or similar), written in the host page.
 * @slot - The appeal text, written in the host page.
 *
 * @fires appeal-submit - A valid form is about to be sent; `detail.payload` may be extended; cancelable.
 * @fires appeal-signed - The endpoint accepted the signature; `detail: { payload, response }`.
 * @fires appeal-error - A send failed (`kind: 'closed'` when the campaign no longer takes signatures) or the configuration is broken; `detail: { kind, message }`.
 * @fires appeal-share - The signer used a share channel; `detail: { channel, url }`.
 *
 * @csspart base - The widget's card.
 * @csspart title - The title area.
 * @csspart appeal - The appeal text.
 * @csspart counter - The signature count and progress bar.
 * @csspart progress - The progress bar toward the goal.
 * @csspart language - The language menu.
 * @csspart form - The signature form.
 * @csspart field - One field: label, control and error.
 * @csspart label - A field's label.
 * @csspart control - Every input, select and textarea of the form.
 * @csspart error - A field's error message.
 * @csspart error-summary - The list of problems shown after a failed submit.
 * @csspart consent - The consent question.
 * @csspart letter - The letter to the target.
 * @csspart submit - The submit button.
 * @csspart notice - The message shown when a signature waits to be sent.
 * @csspart thanks - The thank-you step.
 * @csspart closed - The notice shown instead of the form when the campaign is closed.
 * @csspart share-list - The list of share channels.
 * @csspart share-button - One share link or button.
 * @csspart copied - The confirmation that the link (or, in the mailto step, the letter) was copied.
 * @csspart reply-to - The question whether the authorities may reply to the signer.
 * @csspart mailto - The thank-you step's link to send the letter from the signer's own mail program.
 * @csspart mastodon - The question for the signer's Mastodon server.
 * @csspart config-error - The message shown to the site owner when the configuration is broken.
 *
 * @cssproperty --appeal-accent - Buttons, links and progress colour.
 * @cssproperty --appeal-accent-text - Text on the accent colour.
 * @cssproperty --appeal-text - Body text colour.
 * @cssproperty --appeal-muted - Secondary text colour.
 * @cssproperty --appeal-background - Card background.
 * @cssproperty --appeal-surface - Background of inputs and share buttons.
 * @cssproperty --appeal-border - Borders of inputs and the card.
 * @cssproperty --appeal-error - Error text and borders.
 * @cssproperty --appeal-focus - Focus ring colour.
 * @cssproperty --appeal-font - Font family (inherits the page's by default).
 * @cssproperty --appeal-font-size - Base font size.
 * @cssproperty --appeal-radius - Corner radius of the card and controls.
 * @cssproperty --appeal-space - Padding of the card.
 * @cssproperty --appeal-max-width - Largest width of the card.
 */
export class AppealWidget extends LitElement {
  static override styles = styles;

  // Declared without decorators: the decorator helpers cost bytes of the embed's 30 KB budget.
  static override properties = {
    endpoint: {},
    format: {},
    campaign: {},
    campaignUrl: { attribute: 'campaign-url' },
    lang: {},
    fields: {},
    goal: {},
    countUrl: { attribute: 'count-url' },
    share: {},
    shareUrl: { attribute: 'share-url' },
    shareText: { attribute: 'share-text' },
    organiser: {},
    privacyUrl: { attribute: 'privacy-url' },
    consent: {},
    ui: { state: true },
  };

  /** URL the signature is POSTed to (http or https). Required. */
  declare endpoint?: string;
  /** How the signature is sent: `json` (default) or `form` (url-encoded, no CORS preflight). */
  declare format?: string;
  /** Campaign identifier, sent with every signature and used in share tracking. */
  declare campaign?: string;
  /** URL of a campaign document with texts per language, goal and letter. */
  declare campaignUrl?: string;
  /** UI language (BCP 47); defaults to the closest `[lang]`, then `<html lang>`, then the browser's. */
  declare lang: string;
  /** Fields to show, in order, comma-separated; a trailing `*` makes one required. */
  declare fields?: string;
  /** Signature goal for the progress bar. */
  declare goal?: string;
  /** URL answering `{"count": N}` for the live counter. */
  declare countUrl?: string;
  /** Share channels, in order, comma-separated. */
  declare share?: string;
  /** URL to share; defaults to the page's canonical URL, else its address without `utm_*`. */
  declare shareUrl?: string;
  /** Text to share; defaults to the campaign title. */
  declare shareText?: string;
  /** Name of the organising group, used in the consent wording. */
  declare organiser?: string;
  /** Link to the organiser's privacy policy, shown beside the consent. */
  declare privacyUrl?: string;
  /** Consent mode: `checkbox` (default), `radio` or `none`. */
  declare consent?: string;

  /**
   * Everything the signer sees that is not an attribute; replaced, never mutated, so Lit re-renders.
   * @ignore
   */
  private declare ui: {
    stage: 'form' | 'sending' | 'thanks';
    values: Record<string, string>;
    consentAnswer?: 'yes' | 'no';
    errors: Record<string, FieldError>;
    visited: string[];
    showSummary?: boolean;
    notice?: Notice;
    alreadySigned?: boolean;
    /** What the answer's `letter` says happens to the letter next (SPEC §9.5); `mailto` too when the document has addresses. */
    letterOnItsWay?: 'queued' | 'awaiting-confirmation' | 'mailto';
    /** The signer ticked "the authorities may reply to me". */
    replyTo?: boolean;
    /** The letter was copied in the mailto step. */
    letterCopied?: boolean;
    /** The endpoint answered 410: the campaign takes no more signatures. */
    closed?: boolean;
    announcement: string;
    copied?: boolean;
    askingMastodon?: boolean;
    mastodonError?: string;
    icons?: Record<string, unknown>;
    /** A language picked in the menu, which wins over the page's. */
    chosenLanguage?: string;
  };

  private settings!: WidgetConfig;
  private campaignDocument: CampaignDocument | undefined;
  private documentError: ConfigProblem | undefined;
  private documentHref: string | undefined;
  private documentLoad: Promise<void> | undefined;
  private readonly lingo = new LocaleController(this);
  private readonly tally = new CountController(this);
  private readonly courier = new DeliveryController(
    this,
    (payload, outcome) => this.onRetried(payload, outcome),
    () => this.sendTo,
  );
  /** The signature being sent: its id stays the same on every retry. */
  private unsent: SignaturePayload | undefined;
  private reportedProblems = '';
  private countryPreset = false;

  constructor() {
    super();
    this.ui = { stage: 'form', values: {}, errors: {}, visited: [], announcement: '' };
  }

  /** Translates `key` in the widget's language. */
  private readonly t = (key: string, values?: Record<string, unknown>): string => this.lingo.t(key, values);

  private set(changes: Partial<AppealWidget['ui']>): void {
    this.ui = { ...this.ui, ...changes };
  }

  /** Resolves once the language (and campaign document, if any) are loaded and rendered. */
  override async getUpdateComplete(): Promise<boolean> {
    let complete = await super.getUpdateComplete();
    await this.loadAll();
    while (this.isUpdatePending) complete = await super.getUpdateComplete();
    return complete;
  }

  /** A bug inside the widget is reported, never thrown into the host page. */
  protected override scheduleUpdate(): void | Promise<unknown> {
    try {
      return super.scheduleUpdate();
    } catch (error) {
      console.error('[appeal-widget]', error);
      this.emitError('internal', String(error));
    }
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    this.settings = readConfig(this);
    if (this.documentError) this.settings.problems.push(this.documentError);
    this.settings.goal ??= this.campaignDocument?.goal;
    if (changed.has('lang') || changed.has('campaignUrl') || !this.documentLoad) void this.loadAll();
    // A campaign document that carries the count (the receiver's GET /api/campaigns/<id>) makes the count-url request needless.
    if (changed.has('countUrl')) void this.documentLoad!.then(() => void (readCount(this.campaignDocument) ?? this.tally.load(httpUrl(this.countUrl)?.href)));
  }

  protected override updated(): void {
    if (!this.lingo.ready) return;
    this.setAttribute('dir', this.lingo.dir);
    const messages = this.settings.problems.map((problem) => this.t(problem.key, problem.values)).join(' ');
    // Compared untranslated, so switching language does not report the same problems again.
    const reported = JSON.stringify(this.settings.problems);
    if (messages && reported !== this.reportedProblems) {
      this.reportedProblems = reported;
      console.error(`[appeal-widget] ${messages}`);
      this.emitError('config', messages);
    }
  }

  /** Loads the campaign document, then the language; the first render waits for both. */
  private loadAll(): Promise<void> {
    const url = httpUrl(this.campaignUrl)?.href;
    if (!this.documentLoad || url !== this.documentHref) {
      this.documentHref = url;
      this.documentLoad = (url ? loadCampaignDocument(url) : Promise.resolve(undefined)).then((result) => {
        // A document for an earlier campaign-url that answers late must not replace the current one.
        if (url !== this.documentHref) return;
        const error = result && 'error' in result ? result.error : undefined;
        this.campaignDocument = result && 'document' in result ? result.document : undefined;
        // Nothing answered: the appeal still shows, from the page's own slots and the English defaults.
        if (error?.unanswered) this.emitError(error.unanswered, `${url}: ${error.values.detail}`);
        this.documentError = error?.unanswered ? undefined : error;
        this.tally.update(readCount(this.campaignDocument));
        this.requestUpdate();
      });
    }
    return this.documentLoad.then(() => this.useLanguage());
  }

  private useLanguage(): Promise<void> {
    return this.lingo.use([this.ui.chosenLanguage, this.lang, ...requestedLanguages(this)]).then(() => {
      // Preselected once from the widget's own lang with a region (fr-FR → FR), a site owner's choice:
      // a page's <html lang="en-US"> says where the site is, not where the signer lives.
      // A country the signer cleared stays cleared.
      const country = !this.countryPreset && countryOfLocale(this.lang);
      this.countryPreset = true;
      if (country && !this.ui.values['country']) this.set({ values: { ...this.ui.values, country } });
    });
  }

  private emitError(kind: AppealErrorKind, message: string): void {
    emit(this, 'appeal-error', { kind, message });
  }

  // ---- texts ---------------------------------------------------------------------------------

  /** The document's language whose texts are shown: the widget's, else English, else the first. */
  private get textLanguage(): string | undefined {
    return pickLanguage(this.campaignDocument?.texts ?? {}, this.ui.chosenLanguage ?? this.lingo.activeLocale);
  }

  private get shownTexts() {
    return this.campaignDocument?.texts[this.textLanguage ?? ''];
  }

  private get shownLetter(): LetterText | undefined {
    return this.campaignDocument && letterFor(this.campaignDocument, this.lingo.activeLocale);
  }

  /** The `campaign` attribute, else the campaign document's `id`. */
  private get campaignId(): string {
    return this.campaign || this.campaignDocument?.id || '';
  }

  private consentText(): string {
    // Cut like an organisation's name, so the wording sent stays within the receiver's limit and is what the signer saw.
    const organiser = this.organiser?.trim().slice(0, SIGNATURE_LIMITS.organisation);
    return this.t(`consent.${this.settings.consent}${organiser ? 'Organiser' : ''}`, { organiser });
  }

  /** The reply question and its risk, as the signer reads them: recorded with the answer. */
  private replyToText(): string {
    return `${this.t('consent.replyTo')} ${this.t('consent.replyToRisk')}`;
  }

  /** Where and how signatures are sent; undefined without a valid endpoint. */
  private get sendTo(): Destination | undefined {
    const { endpoint, format } = this.settings ?? {};
    return endpoint && { endpoint: endpoint.href, format: format! };
  }

  /** The controls the form checks, in the order they appear. */
  private get specs(): ControlSpec[] {
    return [...(this.shownLetter ? LETTER_SPECS : []), ...this.settings.fields];
  }

  // ---- rendering -----------------------------------------------------------------------------

  override render(): TemplateResult {
    const { t, ui, settings: config } = this;
    if (!this.lingo.ready) return html`<div class="card" part="base" aria-busy="true"></div>`;
    const texts = this.shownTexts;
    return html`<div class="card" part="base" lang=${this.lingo.activeLocale} dir=${this.lingo.dir}>
      <div class="visually-hidden" role="status">${ui.announcement}</div>
      ${config.problems.length
        ? html`<div class="config-error" part="config-error" role="alert">
            <h2>${t('config.title')}</h2>
            <p>${t('config.hint')}</p>
            <ul>
              ${config.problems.map((problem) => html`<li>${t(problem.key, problem.values)}</li>`)}
            </ul>
          </div>`
        : html`${this.renderLanguageMenu()}
            <div part="title" lang=${this.textLanguage ?? nothing}>
              ${texts?.title ? html`<h2 dir="auto">${texts.title}</h2>` : html`<slot name="title"></slot>`}
            </div>
            <div part="appeal" lang=${this.textLanguage ?? nothing}>
              ${texts?.appeal ? renderPlainText(texts.appeal) : html`<slot></slot>`}
            </div>
            ${this.renderCounter()}
            ${ui.stage === 'thanks'
              ? this.renderThanks()
              : ui.closed || this.campaignDocument?.status === 'closed'
                ? html`<section part="closed" aria-labelledby="appeal-closed">
                    <h3 id="appeal-closed" tabindex="-1">${t('closed.title')}</h3>
                    <p>${t('closed.text')}</p>
                  </section>`
                : this.renderForm()}`}
    </div>`;
  }

  private renderLanguageMenu(): TemplateResult | typeof nothing {
    const languages = Object.keys(this.campaignDocument?.texts ?? {});
    if (languages.length < 2) return nothing;
    return html`<div class="language" part="language">
      <label for="appeal-language">${this.t('language.label')}</label>
      <select id="appeal-language" @change=${this.onLanguage}>
        ${languages.map((code) => {
          const name = new Intl.DisplayNames(code, { type: 'language' }).of(code) ?? code;
          return html`<option value=${code} lang=${code} ?selected=${code === this.textLanguage}>
            ${name}
          </option>`;
        })}
      </select>
    </div>`;
  }

  private renderCounter(): TemplateResult | typeof nothing {
    const count = this.tally.count;
    if (count === undefined) return nothing;
    const format = new Intl.NumberFormat(this.lingo.activeLocale).format;
    const goal = this.settings.goal && currentGoal(count, this.settings.goal);
    return html`<div part="counter">
      <p class="count">${this.t('counter.signatures', { count, number: format(count) })}</p>
      ${goal
        ? html`<progress part="progress" max=${goal} .value=${count} aria-label=${this.t('counter.progressLabel')}
              aria-valuetext=${this.t('counter.progressValue', { number: format(count), goal: format(goal) })}></progress>
            <p class="goal">${this.t('counter.goal', { goal: format(goal) })}</p>`
        : nothing}
    </div>`;
  }

  private renderForm(): TemplateResult {
    const { t, ui, shownLetter: letter } = this;
    const countries = this.settings.fields.some((spec) => spec.key === 'country') ? countryOptions(this.lingo.activeLocale) : [];
    const field = (spec: ControlSpec, hintId?: string) =>
      renderField(spec, {
        label: this.labelOf(spec.key),
        value: this.value(spec.key),
        error: this.visibleError(spec.key),
        hintId,
        optionalText: t('form.optional'),
        countries,
        choosePrompt: t('form.chooseCountry'),
        onInput: (event) => this.onInput(spec.key, (event.target as HTMLInputElement).value),
        onBlur: () => this.onBlur(spec.key),
      });
    const sending = ui.stage === 'sending';
    return html`<form part="form" novalidate @submit=${this.onSubmit}>
      ${this.renderErrorSummary()}
      ${letter
        ? html`<fieldset part="letter" lang=${letter.lang}>
            <legend>${t('letter.legend')}</legend>
            <p><strong>${t('letter.to', { to: letter.to })}</strong></p>
            <p class="hint" id="appeal-letter-hint">${t('letter.hint')}</p>
            ${LETTER_SPECS.map((spec) => field(spec, 'appeal-letter-hint'))}
          </fieldset>`
        : nothing}
      ${this.settings.fields.map((spec) => field(spec))} ${this.renderConsent()}
      ${this.campaignDocument?.replyTo
        ? html`<div class="choice" part="reply-to">
            <input type="checkbox" id="appeal-reply-to" name="consentReplyTo" .checked=${!!ui.replyTo}
              aria-describedby="appeal-reply-to-risk" @change=${(event: Event) => this.set({ replyTo: (event.target as HTMLInputElement).checked })} />
            <label for="appeal-reply-to">${t('consent.replyTo')}</label>
            <p class="hint" id="appeal-reply-to-risk">${t('consent.replyToRisk')}</p>
          </div>`
        : nothing}
      ${ui.notice
        ? html`<div class="notice" part="notice">
            <p>${t(`notice.${ui.notice.kind}`, ui.notice.values)}</p>
          </div>`
        : nothing}
      <button type="submit" part="submit" class="submit" aria-disabled=${String(sending)}>
        ${t(sending ? 'form.sending' : letter ? 'form.submitLetter' : 'form.submit')}
      </button>
    </form>`;
  }

  private renderConsent(): TemplateResult | typeof nothing {
    const { t, ui } = this;
    const privacy = httpUrl(this.privacyUrl);
    const privacyLink = privacy
      ? html`<p>
          <a href=${privacy.href} target="_blank" rel="noopener noreferrer"
            >${t('consent.privacy')}<span class="visually-hidden"> ${t('common.newWindow')}</span></a
          >
        </p>`
      : nothing;
    const mode = this.settings.consent;
    if (mode === 'none') return privacyLink;
    const choice = (answer: 'yes' | 'no') => html`<div class="choice">
      <input type=${mode} id="appeal-consent-${answer}" name="consentUpdates" value=${answer}
        .checked=${ui.consentAnswer === answer} ?required=${mode === 'radio'}
        aria-invalid=${this.visibleError('consent') ? 'true' : nothing}
        @change=${(event: Event) => this.onConsent((event.target as HTMLInputElement).checked === (answer === 'yes') ? 'yes' : 'no')} />
      <label for="appeal-consent-${answer}">${mode === 'radio' ? t(`consent.${answer}`) : this.consentText()}</label>
    </div>`;
    if (mode === 'checkbox') return html`<div part="consent">${choice('yes')}${privacyLink}</div>`;
    const error = this.visibleError('consent');
    return html`<fieldset part="consent" aria-describedby=${error ? 'appeal-consent-error' : nothing}>
      <legend>${this.consentText()}</legend>
      ${choice('yes')}${choice('no')}
      ${error ? html`<p class="error" id="appeal-consent-error" part="error">${error}</p>` : nothing}
      ${privacyLink}
    </fieldset>`;
  }

  private renderErrorSummary(): TemplateResult | typeof nothing {
    const controls = [...this.specs.map((spec) => spec.key), ...(this.settings.consent === 'radio' ? ['consent'] : [])];
    // Controls in form order, then anything else the endpoint complained about (id, campaign, …).
    const keys = [...new Set([...controls, ...Object.keys(this.ui.errors)])].filter((key) => this.ui.errors[key]);
    if (!this.ui.showSummary || !keys.length) return nothing;
    return html`<div class="error-summary" part="error-summary" tabindex="-1" aria-labelledby="appeal-summary">
      <h3 id="appeal-summary">${this.t('form.summaryTitle', { count: keys.length })}</h3>
      <ul>
        ${keys.map((key) => {
          const text = `${controls.includes(key) ? this.labelOf(key) : key}: ${this.errorMessage(key)}`;
          // The consent question is a fieldset: its first choice takes the focus.
          const id = controlId(key === 'consent' ? 'consent-yes' : key);
          return html`<li>
            ${controls.includes(key)
              ? html`<a href="#${id}" @click=${(event: Event) => this.focusField(event, id)}>${text}</a>`
              : text}
          </li>`;
        })}
      </ul>
    </div>`;
  }

  private renderThanks(): TemplateResult {
    const { t, ui } = this;
    const texts = this.shownTexts;
    const name = (ui.values['firstName'] || ui.values['name'])?.trim();
    const title =
      this.shareText?.trim() || texts?.shareText || texts?.title || this.querySelector('[slot="title"]')?.textContent?.trim() || '';
    const channels = this.settings.share;
    const onItsWay = this.letterSentence();
    return html`<section part="thanks" aria-labelledby="appeal-thanks">
      <h3 id="appeal-thanks" tabindex="-1">
        ${ui.alreadySigned ? t('thanks.alreadyTitle') : name ? t('thanks.titleName', { name }) : t('thanks.title')}
      </h3>
      ${ui.alreadySigned
        ? html`<p>${t('thanks.alreadyText')}</p>`
        : texts?.thanks
          ? html`<div lang=${this.textLanguage ?? nothing}>${renderPlainText(texts.thanks)}</div>`
          : html`<p>${t('thanks.text')}</p>`}
      ${onItsWay ? html`<p>${onItsWay}</p>` : nothing}${this.renderMailto()}
      ${channels.length
        ? html`<h4>${t('share.title')}</h4>
            ${texts?.thanks ? nothing : html`<p>${t('share.ask')}</p>`}
            ${renderShareList({
              channels,
              urlFor: (channel) => this.shareUrlFor(channel),
              text: title,
              mastodonInstance: rememberedInstance(),
              askingMastodon: !!ui.askingMastodon,
              mastodonError: ui.mastodonError,
              native: typeof navigator.share === 'function',
              icons: ui.icons,
              t,
              onShare: (channel, url, event) => this.onShare(channel, url, title, event),
              onMastodonInstance: (event) => this.onMastodonInstance(event, title),
            })}
            ${ui.copied ? html`<p class="copied" part="copied">${t('share.copied')}</p>` : nothing}`
        : nothing}
    </section>`;
  }

  /** What happens to the letter next, in words: on its way, awaiting the signer's confirmation, or theirs to send; else empty. */
  private letterSentence(): string {
    const next = this.ui.letterOnItsWay;
    const letter = next && this.shownLetter;
    return letter ? this.t(`thanks.${next === 'queued' ? 'letterQueued' : next === 'mailto' ? 'mailtoText' : 'letterConfirm'}`, { to: letter.to }) : '';
  }

  /** The mailto step: a link for the signer's own mail program, the full letter to copy, and the addresses. */
  private renderMailto(): TemplateResult | typeof nothing {
    const { t, ui } = this;
    const letter = ui.letterOnItsWay === 'mailto' && this.shownLetter;
    if (!letter) return nothing;
    const addresses = this.campaignDocument?.letter?.mailto ?? [];
    const subject = this.value('messageSubject');
    const name = (ui.values['name'] ?? [ui.values['firstName'], ui.values['lastName']].join(' ')).trim();
    const body = this.value('messageBody');
    const link = mailtoLink(addresses, subject, body, name, t('thanks.mailtoCut'));
    const full = `${body}${name && `\n\n${name}`}`;
    return html`<div part="mailto" lang=${letter.lang}>
      ${addresses.length ? html`<p>${t('letter.to', { to: addresses.join(', ') })}</p>` : nothing}
      <p>${t('letter.subject')}: ${subject}</p>
      <p><a class="share" href=${link.href}>${t('thanks.mailtoOpen')}</a></p>
      ${link.shortened ? html`<p class="hint">${t('thanks.mailtoShortened')}</p>` : nothing}
      <p><button type="button" class="share" @click=${() => this.copy(full, 'letterCopied', 'thanks.mailtoCopied')}>${t('thanks.mailtoCopy')}</button></p>
      ${ui.letterCopied ? html`<p class="copied" part="copied">${t('thanks.mailtoCopied')}</p>` : nothing}
    </div>`;
  }

  // ---- form state ----------------------------------------------------------------------------

  private labelOf(key: string): string {
    return key === 'consent'
      ? this.consentText()
      : this.t(key.startsWith('message') ? `letter.${key.slice(7).toLowerCase()}` : `field.${key}`);
  }

  private errorMessage(key: string): string | undefined {
    const error = this.ui.errors[key];
    return error && ('text' in error ? error.text : this.t(error.key, error.values));
  }

  private visibleError(key: string): string | undefined {
    return this.ui.visited.includes(key) || this.ui.showSummary ? this.errorMessage(key) : undefined;
  }

  private checkField(key: string): FieldError | undefined {
    if (key === 'consent') return this.settings.consent !== 'radio' || this.ui.consentAnswer ? undefined : { key: 'validation.consent' };
    const spec = this.specs.find((candidate) => candidate.key === key);
    return spec && validateField(this.value(key), spec);
  }

  private value(key: string): string {
    const letter = this.shownLetter;
    const initial = key === 'messageSubject' ? letter?.subject : key === 'messageBody' ? letter?.body : '';
    return this.ui.values[key] ?? initial ?? '';
  }

  private setError(key: string, error: FieldError | undefined): void {
    const errors = { ...this.ui.errors };
    if (error) errors[key] = error;
    else delete errors[key];
    this.set({ errors });
  }

  private onInput(key: string, value: string): void {
    // The share step's icons are fetched while the signer types, so they are there when it shows.
    void loadShareIcons().then((icons) => icons !== this.ui.icons && this.set({ icons }));
    this.set({ values: { ...this.ui.values, [key]: value } });
    // Re-check as the signer corrects a field, but only once they have seen its error.
    if (this.ui.visited.includes(key) || this.ui.showSummary) this.setError(key, this.checkField(key));
  }

  private onBlur(key: string): void {
    // Tabbing through an empty field is not yet a mistake; leaving a half-typed one is worth a word.
    if (!this.value(key) && !this.ui.visited.includes(key)) return;
    this.set({ visited: [...this.ui.visited, key] });
    this.setError(key, this.checkField(key));
  }

  private onConsent(answer: 'yes' | 'no'): void {
    this.set({ consentAnswer: answer });
    this.setError('consent', undefined);
  }

  private readonly onLanguage = (event: Event): void => {
    this.set({ chosenLanguage: (event.target as HTMLSelectElement).value });
    void this.useLanguage();
  };

  /** Follows an error-summary link inside the shadow root, where a `#id` link cannot navigate. */
  private focusField(event: Event, id: string): void {
    event.preventDefault();
    this.renderRoot.querySelector<HTMLElement>(`#${id}`)?.focus();
  }

  // ---- submitting ----------------------------------------------------------------------------

  private readonly onSubmit = (event: Event): void => {
    event.preventDefault();
    void this.submitForm();
  };

  private readonly submitForm = async (): Promise<void> => {
    const { settings: config, ui } = this;
    // One submit sends once: clicks while sending, and clicks on a broken widget, do nothing.
    if (ui.stage !== 'form' || !config.endpoint || config.problems.length) return;
    const errors: Record<string, FieldError> = {};
    for (const key of [...this.specs.map((spec) => spec.key), 'consent']) {
      const error = this.checkField(key);
      if (error) errors[key] = error;
    }
    if (Object.keys(errors).length) {
      this.set({ errors, showSummary: true, notice: undefined, announcement: '' });
      await this.focusAfterRender('.error-summary');
      return;
    }
    const payload = this.buildPayload();
    if (!emit(this, 'appeal-submit', { payload }, true)) return;
    this.unsent = payload;
    this.set({ errors, showSummary: false, stage: 'sending', notice: undefined, announcement: this.t('status.sending') });
    const outcome = await this.courier.send(payload, this.sendTo!);
    this.set({ stage: 'form' });
    await this.handleOutcome(payload, outcome);
  };

  private buildPayload(): SignaturePayload {
    const { settings: config, ui } = this;
    const signer: Partial<Record<SignerKey, string>> = {};
    for (const spec of config.fields) signer[spec.key] = this.value(spec.key);
    return buildPayload({
      // Editing after a failed send keeps the id, so the receiver can never count this signer twice.
      id: this.unsent?.id ?? uuidV4(),
      campaign: this.campaignId,
      locale: this.lingo.activeLocale,
      signer,
      consent: {
        ...(config.consent === 'none'
          ? { updates: false, text: '' }
          : { updates: ui.consentAnswer === 'yes', text: this.consentText() }),
        ...(this.campaignDocument?.replyTo && { replyTo: !!ui.replyTo, replyToText: this.replyToText() }),
      },
      message: this.shownLetter && { subject: this.value('messageSubject'), body: this.value('messageBody') },
      pageUrl: location.href,
      referrer: document.referrer,
    });
  }

  /** A queued signature was retried in the background; it may be this widget's. */
  private onRetried(payload: SignaturePayload, outcome: SendOutcome): void {
    // Another failure changes nothing the signer needs to hear; anything else settles it. While the
    // signer's own send is waiting on the same attempt, that send handles it. Focus moves only if
    // it is in the widget: the signer may be busy elsewhere on the page.
    if (payload.id === this.unsent?.id && outcome.kind !== 'failed' && this.ui.stage !== 'sending') {
      void this.handleOutcome(payload, outcome, this.matches(':focus-within'));
    }
  }

  private async handleOutcome(payload: SignaturePayload, outcome: SendOutcome, focus = true): Promise<void> {
    const { t } = this;
    const { kind } = outcome;
    if (kind === 'signed' || kind === 'already-signed') {
      const alreadySigned = kind === 'already-signed';
      this.unsent = undefined;
      this.tally.update(outcome.count);
      const letter = (outcome.body as { letter?: unknown } | null)?.letter;
      // The document's addresses decide alone, so a plain endpoint works too; `none`, absent or unknown say nothing more.
      const letterOnItsWay = this.campaignDocument?.letter?.mailto || letter === 'mailto'
        ? 'mailto'
        : alreadySigned || (letter !== 'queued' && letter !== 'awaiting-confirmation') ? undefined : letter;
      this.set({ stage: 'thanks', notice: undefined, alreadySigned, letterOnItsWay });
      this.set({ announcement: alreadySigned ? t('thanks.alreadyTitle') : `${t('status.signed')} ${this.letterSentence()}`.trim() });
      if (!alreadySigned) emit(this, 'appeal-signed', { payload, response: { status: outcome.status, body: outcome.body } });
      return focus ? this.focusAfterRender('#appeal-thanks') : undefined;
    }
    const status = outcome.status;
    this.emitError(kind === 'failed' ? outcome.reason : kind === 'invalid' ? 'rejected' : kind, status ? `HTTP ${status}` : 'no answer');
    if (kind === 'closed') {
      // Nothing to send, keep or retry any more: what the signer typed is dropped with the form.
      this.unsent = undefined;
      this.set({ closed: true, values: {}, notice: undefined, announcement: t('closed.text') });
      return focus ? this.focusAfterRender('#appeal-closed') : undefined;
    }
    if (kind === 'invalid') {
      const errors: Record<string, FieldError> = {};
      // The receiver names letter fields `message.body`; the form calls them `messageBody`.
      for (const [key, text] of Object.entries(outcome.errors)) {
        errors[key.replace(/^message\.?(.?)/, (_, first: string) => `message${first.toUpperCase() || 'Body'}`)] = { text };
      }
      this.unsent = undefined;
      this.set({ errors, showSummary: true, notice: { kind: 'invalid' }, announcement: t('notice.invalid') });
      return focus ? this.focusAfterRender('.error-summary') : undefined;
    }
    // A refusal is final; a failure or a rate limit is retried with the same signature.
    if (kind === 'rejected') this.unsent = undefined;
    // Offline is the signer's business; failing while online is usually the site's: say so in the console.
    else if (kind === 'failed' && navigator.onLine) {
      console.warn(`[appeal-widget] ${this.endpoint}: ${status ?? outcome.reason}. Check the URL and its CORS origins.`);
    }
    const notice: Notice =
      kind === 'rate-limited'
        ? { kind: 'rateLimited', values: { count: outcome.retryAfterSeconds } }
        : kind === 'rejected'
          ? { kind, values: { status } }
          : { kind: this.courier.queueStore ? 'queued' : 'unsaved' };
    this.set({ notice, announcement: t(`notice.${notice.kind}`, notice.values) });
  }

  private async focusAfterRender(selector: string): Promise<void> {
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(selector)?.focus();
  }

  // ---- sharing -------------------------------------------------------------------------------

  /** The URL shared on `channel`: `share-url`, else the canonical link, else this page; tagged with UTM. */
  private shareUrlFor(channel: string): string {
    const base =
      httpUrl(this.shareUrl) ?? httpUrl(document.querySelector('link[rel="canonical"]')?.getAttribute('href'));
    // withShareUtm drops the page's own utm_* parameters.
    return withShareUtm(base?.href ?? location.href, channel, this.campaignId);
  }

  private async onShare(channel: ShareChannel | 'native', url: string, title: string, event: Event): Promise<void> {
    if (channel === 'mastodon' && !rememberedInstance()) {
      event.preventDefault();
      this.set({ askingMastodon: true, mastodonError: undefined });
      await this.focusAfterRender('#appeal-mastodon');
      return;
    }
    emit(this, 'appeal-share', { channel, url });
    if (channel === 'native') {
      await navigator.share({ title, text: title, url }).catch(() => undefined);
    } else if (channel === 'copy') {
      await this.copy(url, 'copied', 'share.copied');
    }
  }

  /** Copies `text`, then shows and announces `confirmation`. */
  private async copy(text: string, flag: 'copied' | 'letterCopied', confirmation: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // No Clipboard API on http pages, or permission refused.
      copyWithSelection(text, this.renderRoot as ShadowRoot);
    }
    this.set({ [flag]: true, announcement: this.t(confirmation) });
  }

  private onMastodonInstance(event: SubmitEvent, title: string): void {
    event.preventDefault();
    const input = (event.target as HTMLFormElement).elements.namedItem('instance') as HTMLInputElement;
    const instance = parseMastodonInstance(input.value);
    if (!instance) {
      this.set({ mastodonError: this.t('share.mastodonInvalid') });
      return;
    }
    rememberInstance(instance);
    this.set({ askingMastodon: false });
    void this.focusAfterRender('[data-channel="mastodon"]');
    const url = this.shareUrlFor('mastodon');
    emit(this, 'appeal-share', { channel: 'mastodon', url });
    window.open(shareHref('mastodon', { text: title, url }, instance), '_blank', 'noopener');
  }
}

/** Copies `text` where the Clipboard API is refused (a page without https, or permission denied). */
function copyWithSelection(text: string, root: ShadowRoot): void {
  const area = document.createElement('textarea');
  area.value = text;
  root.append(area);
  area.select();
  // NOTE: execCommand is deprecated, yet it is the only copy that works where the Clipboard API is refused.
  document.execCommand('copy');
  area.remove();
}
