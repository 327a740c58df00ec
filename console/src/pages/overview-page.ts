/**
 * A campaign's overview (SPEC §10): the count over time with its goal and the new signatures per
 * day (charts, and the same numbers as a table), where signatures came from (share channel,
 * language, country, embedding page), a date range, the letters per target with the last SMTP
 * answer, and the organiser's two actions on sending: pause / resume, and send again the letters
 * whose outcome is unknown.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { BreakdownRow, Overview } from '../../../server/src/routes/console/console-api.js';
import { api } from '../internal/api.js';
import { emit } from '../internal/events.js';
import { countryName, defaultRange, formatDateTime, formatDay, formatNumber, formatShare, languageName } from '../internal/format.js';
import { t } from '../internal/i18n.js';
import { LightElement } from '../internal/light-element.js';
import { campaignNav, errorText, loadState, shareBar } from './page-parts.js';

/** The four breakdowns, with how each key is said. */
const BREAKDOWNS: { name: 'channels' | 'languages' | 'countries' | 'pages'; label: (key: string) => string; ltr?: boolean }[] = [
  { name: 'channels', label: (key) => (key === '(none)' ? t('overview.notShared') : key) },
  { name: 'languages', label: languageName },
  { name: 'countries', label: countryName },
  { name: 'pages', label: (key) => key || t('common.unknown'), ltr: true },
];

export class OverviewPage extends LightElement {
  /** The campaign shown. */
  @property({ attribute: false }) campaignId = '';

  @state() private _overview: Overview | undefined;
  @state() private _error: unknown;
  @state() private _from = defaultRange().from;
  @state() private _to = defaultRange().to;
  @state() private _rangeError = '';
  @state() private _confirmResend = false;
  @state() private _busy = false;

  protected override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('campaignId')) void this._load();
  }

  private async _load(): Promise<boolean> {
    this._error = undefined;
    try {
      this._overview = await api.overview(this.campaignId, this._from, this._to);
      this._from = this._overview.from;
      this._to = this._overview.to;
      return true;
    } catch (error) {
      this._error = error;
      return false;
    }
  }

  private async _showRange(event: Event): Promise<void> {
    event.preventDefault();
    if (!this._from || !this._to || this._from > this._to) {
      this._rangeError = t('overview.rangeInvalid');
      await this.updateComplete;
      this.querySelector<HTMLElement>('#range-from')?.focus();
      return;
    }
    this._rangeError = '';
    if (await this._load()) emit(this, 'console-announce', { message: t('overview.rangeShown', { from: formatDay(this._from), to: formatDay(this._to) }) });
  }

  private async _setPaused(paused: boolean): Promise<void> {
    if (this._busy || !this._overview) return;
    this._busy = true;
    try {
      const answer = await api.setPaused(this.campaignId, paused);
      this._overview = { ...this._overview, paused: answer.paused };
      emit(this, 'console-announce', { message: t(answer.paused ? 'overview.pausedNow' : 'overview.resumedNow') });
    } catch (error) {
      emit(this, 'console-announce', { message: errorText(error) });
    } finally {
      this._busy = false;
    }
  }

  private async _resend(): Promise<void> {
    if (this._busy) return;
    this._busy = true;
    try {
      const { requeued } = await api.resendUnknown(this.campaignId);
      this._confirmResend = false;
      await this._load();
      emit(this, 'console-announce', { message: t('overview.requeued', { count: requeued }) });
      await this.updateComplete;
      this.querySelector<HTMLElement>('#resend-open')?.focus();
    } catch (error) {
      emit(this, 'console-announce', { message: errorText(error) });
    } finally {
      this._busy = false;
    }
  }

  protected override render(): TemplateResult {
    const overview = this._overview;
    return html`<h1 tabindex="-1">${t('overview.title', { id: this.campaignId })}</h1>
      ${campaignNav(this.campaignId, 'overview')} ${this._rangeForm()} ${loadState(!overview, this._error)}
      ${overview ? this._body(overview) : nothing}`;
  }

  private _rangeForm(): TemplateResult {
    const error = this._rangeError;
    const invalid = error ? 'true' : nothing;
    const described = error ? 'range-error' : nothing;
    return html`<form class="range" novalidate @submit=${this._showRange} aria-labelledby="range-legend">
      <p id="range-legend" class="form-title">${t('overview.range')}</p>
      <div class="field inline">
        <label for="range-from">${t('overview.from')}</label>
        <input id="range-from" type="date" required .value=${this._from} aria-invalid=${invalid} aria-describedby=${described}
          @input=${(event: Event) => (this._from = (event.target as HTMLInputElement).value)} />
      </div>
      <div class="field inline">
        <label for="range-to">${t('overview.to')}</label>
        <input id="range-to" type="date" required .value=${this._to} aria-invalid=${invalid} aria-describedby=${described}
          @input=${(event: Event) => (this._to = (event.target as HTMLInputElement).value)} />
      </div>
      <button type="submit" class="secondary">${t('overview.show')}</button>
      ${error ? html`<p class="error" id="range-error">${error}</p>` : nothing}
    </form>`;
  }

  private _body(overview: Overview): TemplateResult {
    const first = overview.days[0];
    const last = overview.days.at(-1);
    const summary = first && last
      ? t('overview.chartSummary', { from: formatDay(first.date), to: formatDay(last.date), start: formatNumber(first.total), end: formatNumber(last.total) })
      : t('overview.noDays');
    const goal = overview.goal === null ? '' : ` ${t('overview.chartGoal', { goal: formatNumber(overview.goal) })}`;
    const busiest = overview.days.reduce((best, day) => (day.added > (best?.added ?? -1) ? day : best), first);
    return html`<dl class="summary">
        <div><dt>${t('overview.count')}</dt><dd data-value="count">${formatNumber(overview.count)}</dd></div>
        <div><dt>${t('overview.inRange')}</dt><dd data-value="inRange">${formatNumber(overview.inRange)}</dd></div>
        <div><dt>${t('overview.goal')}</dt><dd>${overview.goal === null ? t('campaigns.noGoal') : `${formatNumber(overview.goal)} (${formatShare(overview.count / overview.goal)})`}</dd></div>
        <div><dt>${t('overview.sending')}</dt><dd>${t(overview.paused ? 'overview.sendingPaused' : 'overview.sendingOn')}</dd></div>
      </dl>
      <section aria-labelledby="charts-title">
        <h2 id="charts-title">${t('overview.signatures')}</h2>
        <div class="charts">
          <figure>
            <figcaption id="chart-total-caption">${t('overview.totalChart')}</figcaption>
            <count-chart kind="total" .days=${overview.days} .goal=${overview.goal} label=${summary + goal}></count-chart>
            ${overview.goal === null ? nothing : html`<p class="legend"><span class="key line"></span>${t('overview.legendCount')} <span class="key goal"></span>${t('overview.legendGoal')}</p>`}
          </figure>
          <figure>
            <figcaption>${t('overview.addedChart')}</figcaption>
            <count-chart kind="added" .days=${overview.days}
              label=${busiest ? t('overview.addedSummary', { count: overview.inRange, day: formatDay(busiest.date), most: busiest.added }) : t('overview.noDays')}></count-chart>
          </figure>
        </div>
        ${this._daysTable(overview)}
      </section>
      <section aria-labelledby="sources-title">
        <h2 id="sources-title">${t('overview.sources')}</h2>
        <div class="breakdowns">${BREAKDOWNS.map((breakdown) => this._breakdown(overview, breakdown))}</div>
      </section>
      ${this._letters(overview)}`;
  }

  private _daysTable(overview: Overview): TemplateResult {
    return html`<div class="table-scroll days" role="region" aria-labelledby="days-caption" tabindex="0">
      <table class="data" id="days-table">
        <caption id="days-caption">${t('overview.daysCaption')}</caption>
        <thead>
          <tr>
            <th scope="col">${t('overview.day')}</th>
            <th scope="col" class="number">${t('overview.added')}</th>
            <th scope="col" class="number">${t('overview.total')}</th>
          </tr>
        </thead>
        <tbody>
          ${overview.days.map(
            (day) => html`<tr data-date=${day.date}>
              <th scope="row">${formatDay(day.date)}</th>
              <td class="number">${formatNumber(day.added)}</td>
              <td class="number">${formatNumber(day.total)}</td>
            </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
  }

  private _breakdown(overview: Overview, { name, label, ltr }: (typeof BREAKDOWNS)[number]): TemplateResult {
    const rows: BreakdownRow[] = overview[name];
    const whole = overview.inRange || rows.reduce((sum, row) => sum + row.count, 0);
    const id = `breakdown-${name}`;
    return html`<div class="breakdown ${ltr ? 'wide' : ''}">
      <table class="data" id=${id}>
        <caption>${t(`overview.${name}`)}</caption>
        <thead>
          <tr>
            <th scope="col">${t(`overview.${name}Key`)}</th>
            <th scope="col" class="number">${t('overview.signaturesColumn')}</th>
            <th scope="col" class="share">${t('overview.share')}</th>
          </tr>
        </thead>
        <tbody>
          ${rows.length === 0
            ? html`<tr><td colspan="3">${t('overview.noneInRange')}</td></tr>`
            : rows.map((row) => {
                const share = whole ? row.count / whole : 0;
                return html`<tr data-key=${row.key}>
                  <th scope="row" dir=${ltr ? 'ltr' : nothing} class=${ltr ? 'url' : nothing}>${label(row.key)}</th>
                  <td class="number">${formatNumber(row.count)}</td>
                  <td class="share"><span class="share-text">${formatShare(share)}</span>${shareBar(share)}</td>
                </tr>`;
              })}
        </tbody>
      </table>
    </div>`;
  }

  private _letters(overview: Overview): TemplateResult {
    const unknown = overview.targets.reduce((sum, target) => sum + target.counts.unknown, 0);
    // Only a campaign that holds letters until the signer confirms has any: the column appears then.
    const held = overview.targets.some((target) => target.counts.awaitingConfirmation > 0);
    return html`<section aria-labelledby="letters-title">
      <h2 id="letters-title">${t('overview.letters')}</h2>
      <div class="actions">
        <button type="button" class="secondary" aria-disabled=${String(this._busy)} @click=${() => this._setPaused(!overview.paused)}>
          ${t(overview.paused ? 'overview.resume' : 'overview.pause')}
        </button>
        <button type="button" class="secondary" id="resend-open" ?disabled=${unknown === 0} @click=${async () => {
          this._confirmResend = true;
          await this.updateComplete;
          this.querySelector<HTMLElement>('#resend-confirm')?.focus();
        }}>${t('overview.resendUnknown', { count: unknown })}</button>
      </div>
      ${this._confirmResend
        ? html`<div class="confirm" role="group" aria-labelledby="resend-question">
            <p id="resend-question">${t('overview.resendQuestion', { count: unknown })}</p>
            <button type="button" id="resend-confirm" aria-disabled=${String(this._busy)} @click=${this._resend}>${t('overview.resendConfirm', { count: unknown })}</button>
            <button type="button" class="secondary" @click=${async () => {
              this._confirmResend = false;
              await this.updateComplete;
              this.querySelector<HTMLElement>('#resend-open')?.focus();
            }}>${t('common.cancel')}</button>
          </div>`
        : nothing}
      ${overview.targets.length === 0
        ? html`<p>${t('overview.noTargets')}</p>`
        : html`<div class="table-scroll" role="region" aria-labelledby="targets-caption" tabindex="0">
            <table class="data" id="targets-table">
              <caption id="targets-caption">${t('overview.targetsCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col">${t('overview.target')}</th>
                  <th scope="col" class="number">${t('letters.sent')}</th>
                  <th scope="col" class="number">${t('letters.waiting')}</th>
                  <th scope="col" class="number">${t('letters.failed')}</th>
                  <th scope="col" class="number">${t('letters.unknown')}</th>
                  ${held ? html`<th scope="col" class="number">${t('letters.awaitingConfirmation')}</th>` : nothing}
                  <th scope="col">${t('overview.lastAnswer')}</th>
                </tr>
              </thead>
              <tbody>
                ${overview.targets.map(
                  (target) => html`<tr data-target=${target.email}>
                    <th scope="row">${target.name}<span class="id" dir="ltr">${target.email}</span></th>
                    <td class="number" data-column="sent">${formatNumber(target.counts.sent)}</td>
                    <td class="number" data-column="waiting">${formatNumber(target.counts.waiting)}</td>
                    <td class="number" data-column="failed">${formatNumber(target.counts.failed)}</td>
                    <td class="number" data-column="unknown">${formatNumber(target.counts.unknown)}</td>
                    ${held ? html`<td class="number" data-column="awaiting">${formatNumber(target.counts.awaitingConfirmation)}</td>` : nothing}
                    <td data-column="last-answer">
                      ${target.lastAnswer ? html`<code dir="ltr">${target.lastAnswer}</code>` : t('common.none')}
                      ${target.lastAttemptAt ? html`<span class="id">${formatDateTime(target.lastAttemptAt)}</span>` : nothing}
                    </td>
                  </tr>`,
                )}
              </tbody>
            </table>
          </div>`}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'overview-page': OverviewPage;
  }
}
