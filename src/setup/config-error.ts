import { html, type TemplateResult } from 'lit';
import type { ConfigProblem } from './read-config.js';

/** What the site owner sees instead of the widget when its attributes or campaign document are wrong. */
export function renderConfigError(t: (key: string, values?: Record<string, unknown>) => string, problems: readonly ConfigProblem[]): TemplateResult {
  return html`<div class="config-error" part="config-error" role="alert">
    <h2>${t('config.title')}</h2>
    <p>${t('config.hint')}</p>
    <ul>
      ${problems.map((problem) => html`<li>${t(problem.key, problem.values)}</li>`)}
    </ul>
  </div>`;
}
