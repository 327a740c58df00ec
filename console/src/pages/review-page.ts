/**
 * Held back (README "Bots and floods"): the signatures of a campaign the bot checks quarantined,
 * each with the reason, for the organiser to release (counted, its letters queued) or delete,
 * each behind an explicit confirmation. A person whose check failed (a password manager that
 * filled the form in a second) is found here and released.
 */
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { QuarantineDone, QuarantineList, QuarantinedItem } from '../../../server/src/routes/console/console-api.js';
import { api } from '../internal/api.js';
import { emit } from '../internal/events.js';
import { formatDateTime, formatNumber } from '../internal/format.js';
import { t } from '../internal/i18n.js';
import { LightElement } from '../internal/light-element.js';
import { campaignNav, errorText, loadState } from './page-parts.js';

type Action = QuarantineDone['action'];

export class ReviewPage extends LightElement {
  /** The campaign whose held signatures are shown. */
  @property({ attribute: false }) campaignId = '';

  @state() private _list: QuarantineList | undefined;
  @state() private _loading = true;
  @state() private _loadError: unknown;
  /** The signature and action waiting for "yes". */
  @state() private _confirming: { id: string; action: Action } | undefined;
  @state() private _busy = false;
  @state() private _error = '';

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('campaignId') && this.campaignId) void this._load();
  }

  private async _load(): Promise<void> {
    this._loading = true;
    try {
      this._list = await api.quarantine(this.campaignId);
      this._loadError = undefined;
    } catch (error) {
      this._loadError = error;
    } finally {
      this._loading = false;
    }
  }

  private async _ask(id: string, action: Action): Promise<void> {
    this._confirming = { id, action };
    this._error = '';
    await this.updateComplete;
    this.querySelector<HTMLElement>('#review-confirm')?.focus();
  }

  private async _cancel(): Promise<void> {
    const asked = this._confirming;
    this._confirming = undefined;
    await this.updateComplete;
    if (asked) this.querySelector<HTMLElement>(`#review-${asked.action}-${asked.id}`)?.focus();
  }

  private async _do(): Promise<void> {
    const asked = this._confirming;
    if (!asked || this._busy) return;
    this._busy = true;
    this._error = '';
    try {
      const done = await api.settleHeld(this.campaignId, asked.id, asked.action);
      this._confirming = undefined;
      emit(this, 'console-announce', { message: t(`review.done.${done.outcome ?? done.action}`, { count: formatNumber(done.count) }) });
      await this._load();
      // The focus goes back to the page's heading: the row it was on is gone.
      this.querySelector<HTMLElement>('h1')?.focus();
    } catch (error) {
      this._error = errorText(error);
    } finally {
      this._busy = false;
    }
  }

  protected override render(): TemplateResult {
    const list = this._list;
    return html`<h1 tabindex="-1">${t('review.title', { id: this.campaignId })}</h1>
      ${campaignNav(this.campaignId, 'review')}
      <p>${t('review.intro')}</p>
      ${loadState(this._loading && !list, this._loadError)}
      <div class="alert" role="alert">${this._error ? html`<p>${this._error}</p>` : nothing}</div>
      ${list ? this._table(list) : nothing}`;
  }

  private _table(list: QuarantineList): TemplateResult {
    if (list.total === 0) return html`<p>${t('review.none')}</p>`;
    return html`<p>${t('review.total', { count: list.total })}</p>
      <div class="table-scroll" role="region" aria-labelledby="review-caption" tabindex="0">
        <table class="data">
          <caption id="review-caption">${t('review.caption', { id: this.campaignId })}</caption>
          <thead>
            <tr>
              <th scope="col">${t('review.signer')}</th>
              <th scope="col">${t('review.received')}</th>
              <th scope="col">${t('review.reason')}</th>
              <th scope="col">${t('review.page')}</th>
              <th scope="col">${t('review.what')}</th>
            </tr>
          </thead>
          <tbody>
            ${list.signatures.map((item) => this._row(item))}
          </tbody>
        </table>
      </div>`;
  }

  private _row(item: QuarantinedItem): TemplateResult {
    const asked = this._confirming?.id === item.id ? this._confirming : undefined;
    const who = item.name || t('common.none');
    return html`<tr>
      <th scope="row">${who}<br /><span dir="ltr">${item.email}</span>${item.country ? html` (${item.country})` : nothing}</th>
      <td>${formatDateTime(item.receivedAt)}</td>
      <td>${t(`review.reasons.${item.reason}`)}${item.honeypot ? html`<br /><span class="hint">${t('review.trapHeld', { text: item.honeypot })}</span>` : nothing}</td>
      <td dir="ltr">${item.sourceUrl || t('common.none')}</td>
      <td>
        ${asked
          ? html`<div class="confirm" role="group" aria-labelledby="review-question">
              <p id="review-question">${t(`review.question.${asked.action}`, { who })}</p>
              <button type="button" class=${asked.action === 'delete' ? 'danger' : ''} id="review-confirm" aria-disabled=${String(this._busy)}
                @click=${this._do}>${t(`review.confirm.${asked.action}`)}</button>
              <button type="button" class="secondary" @click=${this._cancel}>${t('common.cancel')}</button>
            </div>`
          : (['release', 'delete'] as const).map(
              (action) => html`<button type="button" class=${action === 'delete' ? 'secondary' : ''} id="review-${action}-${item.id}"
                aria-label=${t(`review.start.${action}`, { who })} @click=${() => this._ask(item.id, action)}>${t(`review.actions.${action}`)}</button> `,
            )}
      </td>
    </tr>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'review-page': ReviewPage;
  }
}
