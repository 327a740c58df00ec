/**
 * The campaigns list (SPEC §10): per campaign its status, count, goal, share of consenting
 * signers, last signature and letters, as one table with a row header per campaign.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { state } from 'lit/decorators.js';
import type { CampaignListItem } from '../../../server/src/routes/console/console-api.js';
import { api } from '../internal/api.js';
import { formatDateTime, formatNumber, formatShare } from '../internal/format.js';
import { t } from '../internal/i18n.js';
import { LightElement } from '../internal/light-element.js';
import { pathOf } from '../internal/router.js';
import { loadState } from './page-parts.js';

export class CampaignsPage extends LightElement {
  @state() private _campaigns: CampaignListItem[] | undefined;
  @state() private _error: unknown;

  override connectedCallback(): void {
    super.connectedCallback();
    void this._load();
  }

  private async _load(): Promise<void> {
    try {
      this._campaigns = (await api.campaigns()).campaigns;
    } catch (error) {
      this._error = error;
    }
  }

  protected override render(): TemplateResult {
    const campaigns = this._campaigns;
    return html`<h1 tabindex="-1">${t('campaigns.title')}</h1>
      ${loadState(campaigns === undefined, this._error)}
      ${campaigns?.length === 0 ? html`<p>${t('campaigns.none')}</p>` : nothing}
      ${campaigns?.length ? this._table(campaigns) : nothing}`;
  }

  private _table(campaigns: CampaignListItem[]): TemplateResult {
    // Letters held for a signer's confirmation exist only where a campaign asks for it: the column
    // appears when some campaign has such letters.
    const held = campaigns.some((campaign) => campaign.letters.awaitingConfirmation > 0);
    return html`<div class="table-scroll" role="region" aria-labelledby="campaigns-caption" tabindex="0">
      <table class="data campaigns">
        <caption id="campaigns-caption">${t('campaigns.caption', { count: campaigns.length })}</caption>
        <thead>
          <tr>
            <th scope="col">${t('campaigns.campaign')}</th>
            <th scope="col">${t('campaigns.status')}</th>
            <th scope="col" class="number">${t('campaigns.count')}</th>
            <th scope="col">${t('campaigns.goal')}</th>
            <th scope="col" class="number">${t('campaigns.consenting')}</th>
            <th scope="col">${t('campaigns.lastSignature')}</th>
            <th scope="col" class="number">${t('letters.sent')}</th>
            <th scope="col" class="number">${t('letters.waiting')}</th>
            <th scope="col" class="number">${t('letters.failed')}</th>
            <th scope="col" class="number">${t('letters.unknown')}</th>
            ${held ? html`<th scope="col" class="number">${t('letters.awaitingConfirmation')}</th>` : nothing}
          </tr>
        </thead>
        <tbody>
          ${campaigns.map(
            (campaign) => html`<tr data-campaign=${campaign.id}>
              <th scope="row">
                <a href=${pathOf({ page: 'overview', id: campaign.id })}>${campaign.title || campaign.id}</a>
                <span class="id" dir="ltr">${campaign.id}</span>
              </th>
              <td>
                <span class="badge ${campaign.status}">${t(`status.${campaign.status}`)}</span>
                ${campaign.paused ? html`<span class="badge paused">${t('status.paused')}</span>` : nothing}
              </td>
              <td class="number" data-column="count">${formatNumber(campaign.count)}</td>
              <td data-column="goal">
                ${campaign.goal === null
                  ? t('campaigns.noGoal')
                  : t(campaign.goalReached ? 'campaigns.goalReached' : 'campaigns.goalNotReached', { goal: formatNumber(campaign.goal) })}
              </td>
              <td class="number" data-column="consenting">${formatShare(campaign.consentingShare)}</td>
              <td data-column="last">${formatDateTime(campaign.lastSignatureAt)}</td>
              <td class="number" data-column="sent">${formatNumber(campaign.letters.sent)}</td>
              <td class="number" data-column="waiting">${formatNumber(campaign.letters.waiting)}</td>
              <td class="number" data-column="failed">${formatNumber(campaign.letters.failed)}</td>
              <td class="number" data-column="unknown">${formatNumber(campaign.letters.unknown)}</td>
              ${held ? html`<td class="number" data-column="awaiting">${formatNumber(campaign.letters.awaitingConfirmation)}</td>` : nothing}
            </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'campaigns-page': CampaignsPage;
  }
}
