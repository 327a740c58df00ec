import { html, type TemplateResult } from 'lit';
import type { StepHost } from '../step-host.js';

/** In place of the form when the campaign takes no more signatures: its document says so, or the endpoint answered 410. */
export function renderClosed(host: StepHost): TemplateResult {
  return html`<section part="closed" aria-labelledby="appeal-closed">
    <h3 id="appeal-closed" tabindex="-1">${host._t('closed.title')}</h3>
    <p>${host._t('closed.text')}</p>
  </section>`;
}
