/**
 * The appeal, shown above every step: the language menu of a campaign document in several
 * languages, the title and text (the document's, else the page's own slots), and the counter
 * with its progress bar toward the goal.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { afterPaint } from '../after-paint.js';
import type { StepHost } from '../step-host.js';
import { currentGoal } from './goal.js';
import { renderPlainText } from './plain-text.js';

/** The language menu, the title, the appeal text and the counter. */
export function renderAppeal(host: StepHost): TemplateResult {
  const { texts, textLanguage } = host._campaign;
  return html`${renderLanguageMenu(host)}
    <div part="title" lang=${textLanguage ?? nothing}>
      ${texts?.title ? html`<h2 dir="auto">${texts.title}</h2>` : html`<slot name="title"></slot>`}
    </div>
    <div part="appeal" lang=${textLanguage ?? nothing}>${texts?.appeal ? renderPlainText(texts.appeal) : html`<slot></slot>`}</div>
    ${renderCounter(host)}`;
}

function renderLanguageMenu(host: StepHost): TemplateResult | typeof nothing {
  const { document, textLanguage } = host._campaign;
  const languages = Object.keys(document?.texts ?? {});
  if (languages.length < 2) return nothing;
  // Each language shows its code until the names are in, a moment after the first paint.
  const names = languages.map((code) => afterPaint(`language ${code}`, () => languageName(code), () => host.requestUpdate()));
  return html`<div class="language" part="language">
    <label for="appeal-language">${host._t('language.label')}</label>
    <select id="appeal-language" aria-busy=${names.includes(undefined) ? 'true' : nothing}
      @change=${(event: Event) => host._language.choose((event.target as HTMLSelectElement).value)}>
      ${languages.map((code, index) => html`<option value=${code} lang=${code} ?selected=${code === textLanguage}>${names[index] ?? code}</option>`)}
    </select>
  </div>`;
}

/** The name of the language `code` in itself ("français"), else its code. */
function languageName(code: string): string {
  try {
    return new Intl.DisplayNames(code, { type: 'language' }).of(code) ?? code;
  } catch {
    // A tag the document check let through and Intl refuses.
    return code;
  }
}

function renderCounter(host: StepHost): TemplateResult | typeof nothing {
  const { count } = host._count;
  if (count === undefined) return nothing;
  const t = host._t;
  const format = new Intl.NumberFormat(host._language.locale).format;
  // The `goal` attribute wins over the document's.
  const target = host._config.goal ?? host._campaign.document?.goal;
  const goal = target && currentGoal(count, target);
  return html`<div part="counter">
    <p class="count">${t('counter.signatures', { count, number: format(count) })}</p>
    ${goal
      ? html`<progress part="progress" max=${goal} .value=${count} aria-label=${t('counter.progressLabel')}
            aria-valuetext=${t('counter.progressValue', { number: format(count), goal: format(goal) })}></progress>
          <p class="goal">${t('counter.goal', { goal: format(goal) })}</p>`
      : nothing}
  </div>`;
}
