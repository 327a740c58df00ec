import { html, nothing, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { live } from 'lit/directives/live.js';
import type { CountryOption } from '../form/countries.js';
import type { FieldSpec } from '../form/fields.js';

/** What a field needs to render, beyond its definition. */
export interface FieldView {
  spec: FieldSpec;
  label: string;
  value: string;
  /** The message to show under the field, once the signer has interacted or submitted. */
  error: string | undefined;
  optionalText: string;
  countries: readonly CountryOption[];
  choosePrompt: string;
  onInput: (event: Event) => void;
  onBlur: (event: Event) => void;
}

/** Id of the control for `key` inside the widget's shadow root. */
export const controlId = (key: string) => `appeal-${key}`;
const errorId = (key: string) => `appeal-${key}-error`;

/** One labelled field with its error message; ids are unique within the widget's shadow root. */
export function renderField(view: FieldView): TemplateResult {
  const { spec, error } = view;
  const id = controlId(spec.key);
  const describedBy = error ? errorId(spec.key) : undefined;
  const common = {
    id,
    name: spec.key,
    autocomplete: spec.autocomplete,
    required: spec.required,
    invalid: error ? 'true' : undefined,
  };
  let control: TemplateResult;
  if (spec.control === 'select') {
    control = html`<select
      id=${common.id}
      name=${common.name}
      autocomplete=${ifDefined(common.autocomplete)}
      ?required=${common.required}
      aria-invalid=${ifDefined(common.invalid)}
      aria-describedby=${ifDefined(describedBy)}
      part="control select"
      @change=${view.onInput}
      @blur=${view.onBlur}
    >
      <option value="" ?selected=${!view.value}>${view.choosePrompt}</option>
      ${view.countries.map(
        (country) => html`<option value=${country.code} ?selected=${country.code === view.value}>${country.name}</option>`,
      )}
    </select>`;
  } else if (spec.control === 'textarea') {
    control = html`<textarea
      id=${common.id}
      name=${common.name}
      rows="4"
      maxlength=${spec.maxLength}
      ?required=${common.required}
      aria-invalid=${ifDefined(common.invalid)}
      aria-describedby=${ifDefined(describedBy)}
      part="control textarea"
      .value=${live(view.value)}
      @input=${view.onInput}
      @blur=${view.onBlur}
    ></textarea>`;
  } else {
    control = html`<input
      id=${common.id}
      name=${common.name}
      type=${spec.type ?? 'text'}
      autocomplete=${ifDefined(common.autocomplete)}
      maxlength=${spec.maxLength}
      ?required=${common.required}
      aria-invalid=${ifDefined(common.invalid)}
      aria-describedby=${ifDefined(describedBy)}
      dir=${ifDefined(spec.type === 'email' || spec.type === 'tel' ? 'ltr' : undefined)}
      spellcheck=${spec.type === 'email' ? 'false' : nothing}
      part="control input"
      .value=${live(view.value)}
      @input=${view.onInput}
      @blur=${view.onBlur}
    />`;
  }
  return html`<div class="field field-${spec.field}" part="field">
    <label for=${id} part="label"
      >${view.label}${spec.required ? nothing : html` <span class="optional">${view.optionalText}</span>`}</label
    >
    ${control}
    ${error ? html`<p class="error" id=${errorId(spec.key)} part="error">${error}</p>` : nothing}
  </div>`;
}
