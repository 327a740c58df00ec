import { html, nothing, type TemplateResult } from 'lit';
import type { CountryOption } from '../form/countries.js';
import type { ControlSpec } from '../form/fields.js';

/** What a field needs to render, besides its spec. */
export interface FieldView {
  label: string;
  value: string;
  /** The message to show under the field, once the signer has interacted or submitted. */
  error: string | undefined;
  /** Id of a hint that describes the field while it has no error. */
  hintId?: string;
  optionalText: string;
  countries: readonly CountryOption[];
  choosePrompt: string;
  onInput: (event: Event) => void;
  onBlur: () => void;
}

/** Id of the control for `key` inside the widget's shadow root. */
export const controlId = (key: string) => `appeal-${key}`;

/** One labelled field with its error message; ids are unique within the widget's shadow root. */
export function renderField(spec: ControlSpec, view: FieldView): TemplateResult {
  const id = controlId(spec.key);
  const errorId = `${id}-error`;
  const describedBy = [view.error && errorId, view.hintId].filter(Boolean).join(' ') || nothing;
  const invalid = view.error ? 'true' : nothing;
  const control =
    spec.control === 'select'
      ? html`<select id=${id} name=${spec.key} autocomplete=${spec.autocomplete ?? nothing} ?required=${spec.required}
          aria-invalid=${invalid} aria-describedby=${describedBy} part="control" @change=${view.onInput}
          @blur=${view.onBlur}>
          <option value="">${view.choosePrompt}</option>
          ${view.countries.map(
            ({ code, name }) => html`<option value=${code} ?selected=${code === view.value}>${name}</option>`,
          )}
        </select>`
      : spec.control === 'textarea'
        ? html`<textarea id=${id} name=${spec.key} rows=${spec.rows ?? 4} maxlength=${spec.maxLength} ?required=${spec.required} dir="auto"
            aria-invalid=${invalid} aria-describedby=${describedBy} part="control" .value=${view.value}
            @input=${view.onInput} @blur=${view.onBlur}></textarea>`
        : // Addresses and phone numbers stay left to right even in an Arabic form; other text follows what is typed.
          html`<input id=${id} name=${spec.key} type=${spec.type ?? 'text'} dir=${spec.type ? 'ltr' : 'auto'}
            autocomplete=${spec.autocomplete ?? nothing} maxlength=${spec.maxLength} ?required=${spec.required}
            aria-invalid=${invalid} aria-describedby=${describedBy} part="control" .value=${view.value}
            @input=${view.onInput} @blur=${view.onBlur} />`;
  return html`<div class="field" part="field">
    <label for=${id} part="label"
      >${view.label}${spec.required
        ? nothing
        : // The space is an expression: the build's template minifier would trim a literal one.
          html`<span class="optional">${` ${view.optionalText}`}</span>`}</label
    >
    ${control} ${view.error ? html`<p class="error" id=${errorId} part="error">${view.error}</p>` : nothing}
  </div>`;
}
