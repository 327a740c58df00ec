import { LitElement, html, type PropertyValues, type TemplateResult } from 'lit';
import { styles } from './appeal-widget.styles.js';
import { emit } from './events.js';
import { CampaignController } from './setup/campaign-controller.js';
import { renderConfigError } from './setup/config-error.js';
import { LanguageController } from './setup/language-controller.js';
import { readConfig, type ConfigProblem, type WidgetConfig } from './setup/read-config.js';
import { paintedWork } from './steps/after-paint.js';
import { announcement } from './steps/announcement.js';
import { renderAppeal } from './steps/appeal/appeal-step.js';
import { CountController } from './steps/appeal/count-controller.js';
import { renderClosed } from './steps/closed/closed-step.js';
import { countryOfLocale } from './steps/form/countries.js';
import { renderForm } from './steps/form/form-step.js';
import { START, next, type Journey, type JourneyEvent } from './steps/journey.js';
import { DeliveryController } from './steps/sending/delivery-controller.js';
import { destination, settle } from './steps/sending/sending-step.js';
import type { StepHost } from './steps/step-host.js';
import { renderThanks } from './steps/thanks/thanks-step.js';

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
 * @csspart pow - The proof-of-work check, for a campaign that turned it on (`<appeal-pow>`, loaded beside the script).
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
export class AppealWidget extends LitElement implements StepHost {
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
    assetsUrl: { attribute: 'assets-url' },
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
  /** URL of the folder holding `locales/` and `assets/`; defaults to the folder of the script. */
  declare assetsUrl?: string;

  /** Where the signer is (steps/journey.ts); moved on by `_dispatch` alone. @internal */
  _journey: Journey = START;
  /** @internal */
  _icons: Record<string, unknown> | undefined;
  /** @internal */
  _config!: WidgetConfig;
  /** @internal */
  _problems: readonly ConfigProblem[] = [];
  /** @internal */
  readonly _language = new LanguageController(this);
  /** @internal */
  readonly _campaign = new CampaignController(this, this._language);
  /** @internal */
  readonly _count = new CountController(this, this._campaign);
  /** @internal */
  readonly _delivery = new DeliveryController(
    this,
    (signature, outcome) => settle(this, signature, outcome, true),
    () => destination(this._config),
  );
  /** The problems last reported, as JSON: each distinct set is reported once. */
  private _reported = '';

  /** @internal */
  readonly _t = (key: string, values?: Record<string, unknown>): string => this._language.t(key, values);

  /** @internal */
  _dispatch(event: JourneyEvent): void {
    const state = next(this._journey, event);
    if (state === this._journey) return;
    this._journey = state;
    this.requestUpdate();
  }

  /** Resolves once the language (and campaign document, if any) are loaded and rendered, and what follows the first paint. */
  override async getUpdateComplete(): Promise<boolean> {
    let complete = await super.getUpdateComplete();
    await Promise.all([this._campaign.loaded, this._language.loaded]);
    while (this.isUpdatePending) complete = await super.getUpdateComplete();
    // The country list and the language menu's names follow the first paint (steps/after-paint.ts).
    await paintedWork();
    while (this.isUpdatePending) complete = await super.getUpdateComplete();
    return complete;
  }

  /** A bug inside the widget is reported, never thrown into the host page. */
  protected override scheduleUpdate(): void | Promise<unknown> {
    try {
      return super.scheduleUpdate();
    } catch (error) {
      console.error('[appeal-widget]', error);
      emit(this, 'appeal-error', { kind: 'internal', message: String(error) });
    }
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // Read again only when an attribute changed: typing moves the journey on (`_dispatch`), and
    // the controllers' news re-render without changed properties.
    if (!this._config || changed.size) this._config = readConfig(this);
    const { problem } = this._campaign;
    this._problems = problem ? [...this._config.problems, problem] : this._config.problems;
    if (!this.hasUpdated) {
      // Preselected once from the widget's own lang with a region (fr-FR → FR), a site owner's choice:
      // a page's <html lang="en-US"> says where the site is, not where the signer lives.
      const country = countryOfLocale(this.lang);
      if (country) this._dispatch({ type: 'input', key: 'country', value: country });
    }
  }

  protected override updated(): void {
    if (!this._language.ready || !this._campaign.settled) return;
    this.setAttribute('dir', this._language.dir);
    const messages = this._problems.map((problem) => this._t(problem.key, problem.values)).join(' ');
    // Compared untranslated, so switching language does not report the same problems again.
    const reported = JSON.stringify(this._problems);
    if (messages && reported !== this._reported) {
      this._reported = reported;
      console.error(`[appeal-widget] ${messages}`);
      emit(this, 'appeal-error', { kind: 'config', message: messages });
    }
  }

  override render(): TemplateResult {
    const language = this._language;
    // The first render waits for the strings and the document: no flash of another language or text.
    if (!language.ready || !this._campaign.settled) return html`<div class="card" part="base" aria-busy="true"></div>`;
    return html`<div class="card" part="base" lang=${language.locale} dir=${language.dir}>
      <div class="visually-hidden" role="status">${announcement(this)}</div>
      ${this._problems.length ? renderConfigError(this._t, this._problems) : html`${renderAppeal(this)}${this._renderStep()}`}
    </div>`;
  }

  private _renderStep(): TemplateResult {
    const state = this._journey;
    if (state.step === 'thanks') return renderThanks(this, state);
    if (state.step === 'closed' || this._campaign.document?.status === 'closed') return renderClosed(this);
    return renderForm(this, state);
  }
}
