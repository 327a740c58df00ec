/** What several pages show the same way: the campaign's tabs, loading and failure, a share bar. */
import { html, nothing, svg, type TemplateResult } from 'lit';
import { ApiError } from '../internal/api.js';
import { t } from '../internal/i18n.js';
import { CAMPAIGN_PAGES, pathOf, type CampaignPage } from '../internal/router.js';

/** The links between a campaign's pages, the current one marked. */
export function campaignNav(id: string, current: CampaignPage): TemplateResult {
  return html`<nav class="tabs" aria-label=${t('campaignNav.label', { id })}>
    <ul>
      ${CAMPAIGN_PAGES.map(
        (page) => html`<li><a href=${pathOf({ page, id })} aria-current=${page === current ? 'page' : nothing}>${t(`campaignNav.${page}`)}</a></li>`,
      )}
    </ul>
  </nav>`;
}

/** "Loading…" while `loading`, the failure once there is one; nothing otherwise. */
export function loadState(loading: boolean, error: unknown): TemplateResult | typeof nothing {
  if (error) return html`<div class="alert" role="alert"><p>${errorText(error)}</p></div>`;
  if (loading) return html`<p class="loading" role="status">${t('common.loading')}</p>`;
  return nothing;
}

/** A failure in words. */
export function errorText(error: unknown): string {
  if (!(error instanceof ApiError)) return t('errors.unexpected');
  if (error.status === 0) return t('errors.network');
  if (error.status === 404) return t('errors.notFound');
  if (error.status === 401) return t('login.sessionEnded');
  return t('errors.refused', { message: error.message });
}

/**
 * A bar for a share 0–1, drawn in SVG with attributes (no inline style, which the policy
 * refuses), hidden from screen readers: the number beside it says the same.
 */
export function shareBar(share: number): TemplateResult {
  const width = Math.max(0, Math.min(1, share)) * 100;
  return html`<svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" focusable="false">
    ${svg`<rect class="bar-track" x="0" y="0" width="100" height="10"></rect><rect class="bar-fill" x="0" y="0" width=${width} height="10"></rect>`}
  </svg>`;
}
