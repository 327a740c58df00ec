import { html, nothing, type TemplateResult } from 'lit';
import type { StepHost } from '../step-host.js';

/** In place of the form when the campaign takes no more signatures: its document says so, or the endpoint answered 410. */
export function renderClosed(host: StepHost): TemplateResult {
  // The organiser's own words when the document has them (the console's "closed notice"), as text.
  const { texts, textLanguage } = host._campaign;
  return html`<section part="closed" aria-labelledby="appeal-closed">
    <h3 id="appeal-closed" tabindex="-1">${host._t('closed.title')}</h3>
    ${texts?.closed ? html`<p dir="auto" lang=${textLanguage ?? nothing}>${texts.closed}</p>` : html`<p>${host._t('closed.text')}</p>`}
  </section>`;
}
