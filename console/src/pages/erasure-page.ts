/**
 * Erasure (SPEC §10): a signer asks to be forgotten. Find their address across campaigns, then
 * anonymise (the signature stays counted, every personal field blanked) or delete (the count
 * goes down: for fake signatures), each behind an explicit confirmation. The address typed is
 * kept in this page only, never in its URL.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { state } from 'lit/decorators.js';
import type { ErasureDone, ErasureMatch, ErasureRequest } from '../../../server/src/routes/console/console-api.js';
import { api } from '../internal/api.js';
import { emit } from '../internal/events.js';
import { formatDateTime, formatNumber } from '../internal/format.js';
import { t } from '../internal/i18n.js';
import { LightElement } from '../internal/light-element.js';
import { check, email, required, type Problem } from '../internal/validators.js';
import { errorText } from './page-parts.js';

type Action = ErasureRequest['action'];

export class ErasurePage extends LightElement {
  @state() private _email = '';
  @state() private _emailError: Problem | undefined;
  /** The address the matches are for (the field may have changed since). */
  @state() private _searched = '';
  @state() private _matches: ErasureMatch[] | undefined;
  @state() private _action: Action = 'anonymise';
  @state() private _confirming = false;
  @state() private _busy = false;
  @state() private _error = '';
  @state() private _done: ErasureDone | undefined;

  private async _search(event: Event): Promise<void> {
    event.preventDefault();
    this._emailError = check(this._email, required, email);
    if (this._emailError) {
      await this.updateComplete;
      this.querySelector<HTMLElement>('#erasure-email')?.focus();
      return;
    }
    this._busy = true;
    this._error = '';
    this._done = undefined;
    this._confirming = false;
    try {
      this._searched = this._email.trim();
      this._matches = (await api.findPerson(this._searched)).matches;
      emit(this, 'console-announce', { message: t('erasure.found', { count: this._matches.length }) });
    } catch (error) {
      this._matches = undefined;
      this._error = errorText(error);
    } finally {
      this._busy = false;
    }
  }

  private async _askConfirmation(): Promise<void> {
    this._confirming = true;
    await this.updateComplete;
    this.querySelector<HTMLElement>('#erasure-confirm')?.focus();
  }

  private async _erase(): Promise<void> {
    if (this._busy) return;
    this._busy = true;
    this._error = '';
    try {
      this._done = await api.erase({ email: this._searched, action: this._action, confirm: true });
      this._matches = undefined;
      this._confirming = false;
      this._email = '';
      emit(this, 'console-announce', { message: this._doneText(this._done) });
      await this.updateComplete;
      this.querySelector<HTMLElement>('#erasure-email')?.focus();
    } catch (error) {
      this._error = errorText(error);
    } finally {
      this._busy = false;
    }
  }

  private _doneText(done: ErasureDone): string {
    return t(`erasure.done.${done.action}`, { count: done.signatures, campaigns: formatNumber(done.campaigns) });
  }

  protected override render(): TemplateResult {
    const error = this._emailError;
    return html`<h1 tabindex="-1">${t('erasure.title')}</h1>
      <p>${t('erasure.intro')}</p>
      <form class="narrow" novalidate @submit=${this._search} aria-labelledby="erasure-search-title">
        <h2 id="erasure-search-title">${t('erasure.search')}</h2>
        <div class="field">
          <label for="erasure-email">${t('erasure.email')}</label>
          <input id="erasure-email" type="email" dir="ltr" autocomplete="off" .value=${this._email}
            aria-invalid=${error ? 'true' : nothing} aria-describedby=${error ? 'erasure-email-error' : nothing}
            @input=${(event: Event) => {
              this._email = (event.target as HTMLInputElement).value;
              this._emailError = undefined;
            }} />
          ${error ? html`<p class="error" id="erasure-email-error">${t(error.key, error.values)}</p>` : nothing}
        </div>
        <button type="submit" aria-disabled=${String(this._busy)}>${t('erasure.find')}</button>
      </form>
      <div class="alert" role="alert">${this._error ? html`<p>${this._error}</p>` : nothing}</div>
      ${this._done ? html`<p class="done">${this._doneText(this._done)}</p>` : nothing}
      ${this._matches ? this._results(this._matches) : nothing}`;
  }

  private _results(matches: ErasureMatch[]): TemplateResult {
    if (matches.length === 0) return html`<h2>${t('erasure.results')}</h2><p>${t('erasure.none', { email: this._searched })}</p>`;
    const signatures = matches.length;
    const campaigns = new Set(matches.map((match) => match.campaign)).size;
    return html`<h2>${t('erasure.results')}</h2>
      <div class="table-scroll" role="region" aria-labelledby="erasure-caption" tabindex="0">
        <table class="data">
          <caption id="erasure-caption">${t('erasure.caption', { email: this._searched })}</caption>
          <thead>
            <tr>
              <th scope="col">${t('campaigns.campaign')}</th>
              <th scope="col">${t('erasure.signedAt')}</th>
              <th scope="col" class="number">${t('erasure.letters')}</th>
            </tr>
          </thead>
          <tbody>
            ${matches.map(
              (match) => html`<tr>
                <th scope="row" dir="ltr">${match.campaign}</th>
                <td>${formatDateTime(match.signedAt)}</td>
                <td class="number">${formatNumber(match.letters)}</td>
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
      <fieldset>
        <legend>${t('erasure.action')}</legend>
        ${(['anonymise', 'delete'] as const).map(
          (action) => html`<div class="field choice">
              <input type="radio" name="erasure-action" id="erasure-${action}" .checked=${this._action === action}
                aria-describedby="erasure-${action}-hint" @change=${() => {
                  this._action = action;
                  this._confirming = false;
                }} />
              <label for="erasure-${action}">${t(`erasure.actions.${action}`)}</label>
            </div>
            <p class="hint" id="erasure-${action}-hint">${t(`erasure.hints.${action}`)}</p>`,
        )}
      </fieldset>
      ${this._confirming
        ? html`<div class="confirm" role="group" aria-labelledby="erasure-question">
            <p id="erasure-question">${t(`erasure.question.${this._action}`, { count: signatures, campaigns: formatNumber(campaigns), email: this._searched })}</p>
            <button type="button" class="danger" id="erasure-confirm" aria-disabled=${String(this._busy)} @click=${this._erase}>
              ${t(`erasure.confirm.${this._action}`, { count: signatures })}
            </button>
            <button type="button" class="secondary" @click=${async () => {
              this._confirming = false;
              await this.updateComplete;
              this.querySelector<HTMLElement>('#erasure-start')?.focus();
            }}>${t('common.cancel')}</button>
          </div>`
        : html`<p><button type="button" id="erasure-start" @click=${this._askConfirmation}>${t(`erasure.start.${this._action}`)}</button></p>`}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'erasure-page': ErasurePage;
  }
}
