/**
 * Export (SPEC §10): the campaign's signatures as CSV, with each letter's status; consenting
 * signers only unless the organiser asks for all, optionally for a date range. A plain link the
 * browser downloads with the session cookie: nothing is held in the page.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { api } from '../internal/api.js';
import { t } from '../internal/i18n.js';
import { LightElement } from '../internal/light-element.js';
import { campaignNav } from './page-parts.js';

export class ExportPage extends LightElement {
  /** The campaign exported. */
  @property({ attribute: false }) campaignId = '';

  @state() private _signers: 'consenting' | 'all' = 'consenting';
  @state() private _from = '';
  @state() private _to = '';

  protected override render(): TemplateResult {
    const badRange = this._from !== '' && this._to !== '' && this._from > this._to;
    const url = api.exportUrl(this.campaignId, this._signers, this._from || undefined, this._to || undefined);
    return html`<h1 tabindex="-1">${t('export.title', { id: this.campaignId })}</h1>
      ${campaignNav(this.campaignId, 'export')}
      <form novalidate @submit=${(event: Event) => event.preventDefault()} aria-labelledby="export-options">
        <h2 id="export-options">${t('export.options')}</h2>
        <fieldset>
          <legend>${t('export.signers')}</legend>
          ${(['consenting', 'all'] as const).map(
            (signers) => html`<div class="field choice">
              <input type="radio" name="signers" id="export-${signers}" .checked=${this._signers === signers} @change=${() => (this._signers = signers)}
                aria-describedby="export-${signers}-hint" />
              <label for="export-${signers}">${t(`export.${signers}`)}</label>
            </div>
            <p class="hint" id="export-${signers}-hint">${t(`export.${signers}Hint`)}</p>`,
          )}
        </fieldset>
        <fieldset>
          <legend>${t('export.range')}</legend>
          <p class="hint" id="export-range-hint">${t('export.rangeHint')}</p>
          <div class="field inline">
            <label for="export-from">${t('overview.from')}</label>
            <input id="export-from" type="date" .value=${this._from} aria-describedby="export-range-hint"
              aria-invalid=${badRange ? 'true' : nothing} @input=${(event: Event) => (this._from = (event.target as HTMLInputElement).value)} />
          </div>
          <div class="field inline">
            <label for="export-to">${t('overview.to')}</label>
            <input id="export-to" type="date" .value=${this._to} aria-describedby="export-range-hint"
              aria-invalid=${badRange ? 'true' : nothing} @input=${(event: Event) => (this._to = (event.target as HTMLInputElement).value)} />
          </div>
          <div role="status">${badRange ? html`<p class="error">${t('overview.rangeInvalid')}</p>` : nothing}</div>
        </fieldset>
      </form>
      <p>
        ${badRange
          ? nothing
          : html`<a class="button" id="export-link" href=${url} download="${this.campaignId}-signatures.csv">${t(`export.download.${this._signers}`)}</a>`}
      </p>
      <p class="hint">${t('export.columns')}</p>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'export-page': ExportPage;
  }
}
