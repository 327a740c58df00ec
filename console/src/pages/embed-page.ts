/**
 * The embed code (SPEC §10): for the options chosen here, the script tag, the WordPress shortcode
 * and an iframe of /embed/<campaign> for editors who cannot paste scripts, each ready to copy;
 * and a warning when the site's origin is not one the receiver takes signatures from.
 */
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { CampaignDetail } from '../../../server/src/routes/console/console-api.js';
import { api } from '../internal/api.js';
import { draftOf, textLanguages } from '../internal/draft.js';
import { emit } from '../internal/events.js';
import { languageName } from '../internal/format.js';
import { t } from '../internal/i18n.js';
import { LightElement } from '../internal/light-element.js';
import { iframeSnippet, originAllowed, scriptSnippet, shortcodeSnippet, siteOrigin, trimSlash, type EmbedOptions } from '../internal/snippets.js';
import { campaignNav, loadState } from './page-parts.js';

const FIELDS = ['first-name*', 'last-name*', 'email*', 'country*', 'organisation', 'postcode', 'phone', 'comment'];
const DEFAULT_FIELDS = 'first-name*,last-name*,email*,country*';
const SHARES = ['whatsapp', 'facebook', 'x', 'bluesky', 'telegram', 'mastodon', 'linkedin', 'reddit', 'email', 'copy'];
const DEFAULT_SHARE = 'whatsapp,facebook,x,bluesky,telegram,email,copy';

export class EmbedPage extends LightElement {
  /** The campaign embedded. */
  @property({ attribute: false }) campaignId = '';

  @state() private _detail: CampaignDetail | undefined;
  @state() private _error: unknown;
  @state() private _lang = '';
  @state() private _fields = DEFAULT_FIELDS.split(',');
  @state() private _share = DEFAULT_SHARE.split(',');
  @state() private _consent: EmbedOptions['consent'] = 'checkbox';
  @state() private _scriptUrl = '';
  @state() private _site = '';

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('campaignId')) void this._load();
  }

  private async _load(): Promise<void> {
    try {
      this._detail = await api.campaign(this.campaignId);
      this._scriptUrl = `${trimSlash(this._detail.publicUrl)}/dist/appeal-widget.js`;
    } catch (error) {
      this._error = error;
    }
  }

  private async _copy(id: string, text: string, what: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(text);
      emit(this, 'console-announce', { message: t('embed.copied', { what }) });
    } catch {
      // No clipboard (permission, an old engine): select the text so Ctrl+C copies it.
      const area = document.getElementById(id) as HTMLTextAreaElement | null;
      area?.focus();
      area?.select();
      emit(this, 'console-announce', { message: t('embed.selectToCopy') });
    }
  }

  protected override render(): TemplateResult {
    const detail = this._detail;
    return html`<h1 tabindex="-1">${t('embed.title', { id: this.campaignId })}</h1>
      ${campaignNav(this.campaignId, 'embed')} ${loadState(!detail, this._error)} ${detail ? this._body(detail) : nothing}`;
  }

  private _body(detail: CampaignDetail): TemplateResult {
    const options: EmbedOptions = {
      publicUrl: detail.publicUrl,
      scriptUrl: this._scriptUrl,
      campaign: this.campaignId,
      lang: this._lang,
      fields: this._fields.join(',') === DEFAULT_FIELDS ? '' : this._fields.join(','),
      share: this._share.join(',') === DEFAULT_SHARE ? '' : this._share.join(','),
      consent: this._consent,
    };
    const languages = textLanguages(draftOf(detail.campaign));
    const origin = siteOrigin(this._site);
    const refused = origin !== undefined && !originAllowed(origin, detail.allowedOrigins);
    return html`<form class="embed-options" novalidate @submit=${(event: Event) => event.preventDefault()} aria-labelledby="embed-options-title">
        <h2 id="embed-options-title">${t('embed.options')}</h2>
        <div class="row">
          <div class="field">
            <label for="embed-site">${t('embed.site')}</label>
            <p class="hint" id="embed-site-hint">${t('embed.siteHint')}</p>
            <input id="embed-site" type="url" dir="ltr" inputmode="url" .value=${this._site}
              aria-describedby=${refused ? 'embed-site-hint embed-site-warning' : 'embed-site-hint'}
              @input=${(event: Event) => (this._site = (event.target as HTMLInputElement).value)} />
          </div>
          <div class="field">
            <label for="embed-lang">${t('embed.language')}</label>
            <select id="embed-lang" @change=${(event: Event) => (this._lang = (event.target as HTMLSelectElement).value)}>
              <option value="" ?selected=${this._lang === ''}>${t('embed.visitorLanguage')}</option>
              ${languages.map((language) => html`<option value=${language} ?selected=${language === this._lang}>${languageName(language)}</option>`)}
            </select>
          </div>
        </div>
        <div role="status" class="warning-region">
          ${refused ? html`<p class="warning" id="embed-site-warning">${t('embed.originRefused', { origin })}</p>` : nothing}
        </div>
        <div class="field">
          <label for="embed-script">${t('embed.scriptUrl')}</label>
          <p class="hint" id="embed-script-hint">${t('embed.scriptUrlHint')}</p>
          <input id="embed-script" type="url" dir="ltr" .value=${this._scriptUrl} aria-describedby="embed-script-hint"
            @input=${(event: Event) => (this._scriptUrl = (event.target as HTMLInputElement).value)} />
        </div>
        ${this._choices('embed-fields', t('embed.fields'), FIELDS, this._fields, (value) => (this._fields = value), (field) => t(`embed.field.${field.replace('*', '')}`))}
        ${this._choices('embed-share', t('embed.share'), SHARES, this._share, (value) => (this._share = value), (channel) => t(`embed.channel.${channel}`))}
        <fieldset>
          <legend>${t('embed.consent')}</legend>
          ${(['checkbox', 'radio', 'none'] as const).map(
            (mode) => html`<div class="field choice">
              <input type="radio" name="embed-consent" id="embed-consent-${mode}" .checked=${this._consent === mode} @change=${() => (this._consent = mode)} />
              <label for="embed-consent-${mode}">${t(`embed.consentModes.${mode}`)}</label>
            </div>`,
          )}
        </fieldset>
      </form>
      <h2>${t('embed.snippets')}</h2>
      ${this._snippet('snippet-script', 'script', scriptSnippet(options))}
      ${this._snippet('snippet-shortcode', 'shortcode', shortcodeSnippet(options))}
      ${this._snippet('snippet-iframe', 'iframe', iframeSnippet(options, t('embed.iframeFrameTitle', { id: this.campaignId })))}`;
  }

  private _choices(id: string, legend: string, all: string[], chosen: string[], set: (value: string[]) => void, label: (value: string) => string): TemplateResult {
    return html`<fieldset>
      <legend>${legend}</legend>
      <div class="row choices">
        ${all.map(
          (value) => html`<div class="field choice">
            <input type="checkbox" id="${id}-${value.replace('*', '')}" .checked=${chosen.includes(value)}
              ?disabled=${value === 'email*'}
              @change=${(event: Event) => {
                const on = (event.target as HTMLInputElement).checked;
                set(on ? all.filter((item) => item === value || chosen.includes(item)) : chosen.filter((item) => item !== value));
              }} />
            <label for="${id}-${value.replace('*', '')}">${label(value)}</label>
          </div>`,
        )}
      </div>
    </fieldset>`;
  }

  private _snippet(id: string, kind: 'script' | 'shortcode' | 'iframe', code: string): TemplateResult {
    const title = t(`embed.${kind}Title`);
    return html`<section class="snippet" aria-labelledby="${id}-title">
      <h3 id="${id}-title">${title}</h3>
      <p class="hint" id="${id}-hint">${t(`embed.${kind}Hint`)}</p>
      <label class="visually-hidden" for=${id}>${title}</label>
      <textarea id=${id} readonly dir="ltr" rows=${code.split('\n').length + 1} aria-describedby="${id}-hint" .value=${code}></textarea>
      <p><button type="button" class="secondary" @click=${() => this._copy(id, code, title)}>${t(`embed.${kind}Copy`)}</button></p>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'embed-page': EmbedPage;
  }
}
