/**
 * Editing a campaign (SPEC §10): its texts per language, the letter, the goal, open or closed
 * (with the closed notice), the targets and the delivery settings, with the real widget beside the
 * form as a live preview. Saving PUTs the whole campaign; a 422 puts each problem at its field and
 * lists them in a summary that takes the focus, as the widget's form does. Nothing is half-saved:
 * the receiver takes the whole campaign or none of it.
 */
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { CampaignDetail } from '../../../server/src/routes/console/console-api.js';
import { ApiError, api } from '../internal/api.js';
import { draftOf, editOf, getPath, letterLanguages, previewDocument, setPath, textLanguages, type Draft } from '../internal/draft.js';
import { emit } from '../internal/events.js';
import { languageName } from '../internal/format.js';
import { t } from '../internal/i18n.js';
import { LightElement } from '../internal/light-element.js';
import { check, email, required, wholeNumber, type Validator } from '../internal/validators.js';
import { campaignNav, errorText, loadState } from './page-parts.js';

/** The texts a campaign has in each language (SPEC §5), and `closed`, the notice once it is closed. */
const TEXT_FIELDS: { key: string; multiline?: boolean }[] = [
  { key: 'title' },
  { key: 'appeal', multiline: true },
  { key: 'thanks', multiline: true },
  { key: 'shareText' },
  { key: 'closed', multiline: true },
];
const MODES = ['each', 'digest', 'mailto', 'off'] as const;
const LANGUAGE_TAG = /^[a-z]{2,3}(-[a-z\d]{2,8})*$/i;
const PREVIEW_DELAY_MS = 250;

interface FieldOptions {
  multiline?: boolean;
  type?: string;
  hint?: string;
  ltr?: boolean;
  lang?: string;
  validators?: Validator[];
  /** How the typed text becomes the value (a number for the goal). */
  parse?: (text: string) => unknown;
}

const fieldId = (path: string) => `field-${path}`;

export class EditPage extends LightElement {
  /** The campaign edited. */
  @property({ attribute: false }) campaignId = '';

  @state() private _detail: CampaignDetail | undefined;
  @state() private _draft: Draft | undefined;
  @state() private _loadError: unknown;
  /** Problems by field path: the console's own checks, then the receiver's 422. */
  @state() private _errors: Record<string, string> = {};
  @state() private _summary = false;
  @state() private _saving = false;
  @state() private _saveError = '';
  @state() private _newLanguage = '';
  @state() private _previewLanguage = '';
  /** Labels of the fields as last rendered, for the error summary. */
  private readonly _labels = new Map<string, string>();
  /** Each field's checks, as last rendered, for a save. */
  private readonly _checks = new Map<string, Validator[]>();
  private _previewTimer: ReturnType<typeof setTimeout> | undefined;
  private _previewReady = false;

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('message', this._onMessage);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('message', this._onMessage);
    clearTimeout(this._previewTimer);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('campaignId')) void this._load();
  }

  private async _load(): Promise<void> {
    try {
      this._detail = await api.campaign(this.campaignId);
      this._draft = draftOf(this._detail.campaign);
      this._previewLanguage = textLanguages(this._draft)[0] ?? 'en';
      this._sendPreview();
    } catch (error) {
      this._loadError = error;
    }
  }

  // ---- the preview ---------------------------------------------------------------------------

  private readonly _onMessage = (event: MessageEvent) => {
    const frame = this.querySelector('iframe');
    if (event.origin !== location.origin || !frame || event.source !== frame.contentWindow) return;
    if ((event.data as { type?: unknown } | null)?.type !== 'appeal-preview-ready') return;
    this._previewReady = true;
    this._sendPreview(0);
  };

  /** Shows the draft in the preview frame, after a pause in typing. */
  private _sendPreview(delay = PREVIEW_DELAY_MS): void {
    clearTimeout(this._previewTimer);
    this._previewTimer = setTimeout(() => {
      const frame = this.querySelector('iframe')?.contentWindow;
      if (!frame || !this._draft || !this._previewReady) return;
      frame.postMessage(
        { type: 'appeal-preview', id: this.campaignId, lang: this._previewLanguage, document: previewDocument(this._draft, this.campaignId, this._detail?.count ?? 0) },
        location.origin,
      );
    }, delay);
  }

  // ---- editing -------------------------------------------------------------------------------

  private _set(path: string, value: unknown): void {
    if (!this._draft) return;
    setPath(this._draft as unknown as Record<string, unknown>, path, value);
    if (this._errors[path]) this._errors = Object.fromEntries(Object.entries(this._errors).filter(([key]) => key !== path));
    this.requestUpdate();
    this._sendPreview();
  }

  private _addLanguage(event: Event): void {
    event.preventDefault();
    const language = this._newLanguage.trim();
    const path = 'new-language';
    if (!LANGUAGE_TAG.test(language)) {
      this._errors = { ...this._errors, [path]: t('edit.languageInvalid') };
      return;
    }
    if (textLanguages(this._draft!).includes(language)) {
      this._errors = { ...this._errors, [path]: t('edit.languageExists') };
      return;
    }
    this._set(`document.texts.${language}`, {});
    this._newLanguage = '';
    const { [path]: _dropped, ...rest } = this._errors;
    this._errors = rest;
    emit(this, 'console-announce', { message: t('edit.languageAdded', { language: languageName(language) }) });
    void this.updateComplete.then(() => document.getElementById(fieldId(`document.texts.${language}.title`))?.focus());
  }

  private _removeLanguage(language: string): void {
    const texts = this._draft!.document['texts'] as Record<string, unknown>;
    delete texts[language];
    const letter = this._draft!.document['letter'] as Record<string, unknown> | undefined;
    if (letter) delete letter[language];
    if (this._previewLanguage === language) this._previewLanguage = textLanguages(this._draft!)[0] ?? 'en';
    this.requestUpdate();
    this._sendPreview();
    emit(this, 'console-announce', { message: t('edit.languageRemoved', { language: languageName(language) }) });
    void this.updateComplete.then(() => document.getElementById('new-language')?.focus());
  }

  private _targets(): { name?: string; email?: string }[] {
    const targets = this._draft?.delivery['targets'];
    return Array.isArray(targets) ? (targets as { name?: string; email?: string }[]) : [];
  }

  private _addTarget(): void {
    const index = this._targets().length;
    this._set(`delivery.targets[${index}]`, { name: '', email: '' });
    void this.updateComplete.then(() => document.getElementById(fieldId(`delivery.targets[${index}].name`))?.focus());
  }

  private _removeTarget(index: number): void {
    const targets = this._targets();
    targets.splice(index, 1);
    this._set('delivery.targets', [...targets]);
    emit(this, 'console-announce', { message: t('edit.targetRemoved') });
    void this.updateComplete.then(() => document.getElementById('add-target')?.focus());
  }

  private _toggleLetter(on: boolean): void {
    this._set('document.letter', on ? { to: '' } : undefined);
  }

  private async _save(event: Event): Promise<void> {
    event.preventDefault();
    if (!this._draft || this._saving) return;
    const errors: Record<string, string> = {};
    for (const [path, validators] of this._checks) {
      const value = getPath(this._draft, path);
      const problem = check(value === undefined || value === null ? '' : String(value), ...validators);
      if (problem) errors[path] = t(problem.key, problem.values);
    }
    this._saveError = '';
    if (Object.keys(errors).length) return this._fail(errors);
    this._saving = true;
    try {
      const detail = await api.save(this.campaignId, editOf(this._draft));
      this._detail = detail;
      this._draft = draftOf(detail.campaign);
      this._errors = {};
      this._summary = false;
      emit(this, 'console-announce', { message: t('edit.saved') });
      this._sendPreview(0);
    } catch (error) {
      if (error instanceof ApiError && error.status === 422 && Object.keys(error.fieldErrors).length) return this._fail({ ...error.fieldErrors });
      this._saveError = errorText(error);
    } finally {
      this._saving = false;
    }
  }

  private async _fail(errors: Record<string, string>): Promise<void> {
    this._errors = errors;
    this._summary = true;
    await this.updateComplete;
    this.querySelector<HTMLElement>('.error-summary')?.focus();
  }

  // ---- rendering -----------------------------------------------------------------------------

  protected override render(): TemplateResult {
    const draft = this._draft;
    return html`<h1 tabindex="-1">${t('edit.title', { id: this.campaignId })}</h1>
      ${campaignNav(this.campaignId, 'edit')} ${loadState(!draft, this._loadError)}
      ${draft ? this._layout(draft) : nothing}`;
  }

  private _layout(draft: Draft): TemplateResult {
    this._labels.clear();
    this._checks.clear();
    const languages = textLanguages(draft);
    // The sections first: they record the labels the error summary above them names.
    const sections = html`<fieldset>
        <legend>${t('edit.statusLegend')}</legend>
        ${(['open', 'closed'] as const).map(
          (status) => html`<div class="field choice">
            <input type="radio" id="status-${status}" name="status" value=${status} .checked=${draft.status === status}
              @change=${() => this._set('status', status)} />
            <label for="status-${status}">${t(`edit.status.${status}`)}</label>
          </div>`,
        )}
        <p class="hint">${t('edit.statusHint')}</p>
        ${this._field('document.goal', t('edit.goal'), {
          type: 'number',
          hint: t('edit.goalHint'),
          validators: [wholeNumber(1)],
          parse: (text) => (text.trim() === '' ? undefined : Number(text)),
        })}
      </fieldset>
      <h2>${t('edit.texts')}</h2>
      ${languages.map((language) => this._languageTexts(language, languages.length > 1))}
      <div class="row">
        ${this._plainField('new-language', t('edit.newLanguage'), this._newLanguage, (value) => (this._newLanguage = value), t('edit.newLanguageHint'))}
        <div class="field"><button type="button" class="secondary" @click=${this._addLanguage}>${t('edit.addLanguage')}</button></div>
      </div>
      ${this._letter(draft, languages)} ${this._delivery(draft)}`;
    return html`<div class="edit-layout">
      <form novalidate @submit=${this._save} aria-labelledby="edit-form-title">
        <h2 id="edit-form-title" class="visually-hidden">${t('edit.formTitle')}</h2>
        ${this._errorSummary()} ${sections}
        <div class="save-bar">
          <button type="submit" aria-disabled=${String(this._saving)}>${this._saving ? t('edit.saving') : t('edit.save')}</button>
          <div class="alert" role="alert">${this._saveError ? html`<p>${this._saveError}</p>` : nothing}</div>
        </div>
      </form>
      ${this._preview(languages)}
    </div>`;
  }

  private _errorSummary(): TemplateResult | typeof nothing {
    const paths = Object.keys(this._errors).filter((path) => path !== 'new-language');
    if (!this._summary || paths.length === 0) return nothing;
    return html`<div class="error-summary" tabindex="-1" aria-labelledby="error-summary-title">
      <h2 id="error-summary-title">${t('edit.summaryTitle', { count: paths.length })}</h2>
      <ul>
        ${paths.map((path) => {
          const label = this._labels.get(path);
          const text = `${label ?? path}: ${this._errors[path]}`;
          return html`<li>
            ${label
              ? html`<a href="#${fieldId(path)}" @click=${(event: Event) => {
                  // The router would take a fragment for a page: the focus moves here instead.
                  event.preventDefault();
                  const field = document.getElementById(fieldId(path));
                  field?.focus();
                  field?.scrollIntoView({ block: 'center' });
                }}>${text}</a>`
              : text}
          </li>`;
        })}
      </ul>
    </div>`;
  }

  /** A labelled control bound to the draft at `path`, with its hint and error. */
  private _field(path: string, label: string, options: FieldOptions = {}): TemplateResult {
    this._labels.set(path, label);
    if (options.validators) this._checks.set(path, options.validators);
    const value = getPath(this._draft, path);
    const text = value === undefined || value === null ? '' : String(value);
    const id = fieldId(path);
    const error = this._errors[path];
    const described = [error ? `${id}-error` : '', options.hint ? `${id}-hint` : ''].filter(Boolean).join(' ') || nothing;
    const input = (event: Event) => this._set(path, (options.parse ?? ((raw: string) => raw))((event.target as HTMLInputElement).value));
    const required = options.validators?.includes(requiredCheck) ?? false;
    return html`<div class="field">
      <label for=${id}>${label}</label>
      ${options.hint ? html`<p class="hint" id="${id}-hint">${options.hint}</p>` : nothing}
      ${options.multiline
        ? html`<textarea id=${id} rows="5" dir=${options.ltr ? 'ltr' : 'auto'} lang=${options.lang ?? nothing} ?required=${required}
            aria-invalid=${error ? 'true' : nothing} aria-describedby=${described} .value=${text} @input=${input}></textarea>`
        : html`<input id=${id} type=${options.type ?? 'text'} dir=${options.ltr ? 'ltr' : 'auto'} lang=${options.lang ?? nothing} ?required=${required}
            aria-invalid=${error ? 'true' : nothing} aria-describedby=${described} .value=${text} @input=${input} />`}
      ${error ? html`<p class="error" id="${id}-error">${error}</p>` : nothing}
    </div>`;
  }

  /** A control outside the draft (the new language's tag). */
  private _plainField(id: string, label: string, value: string, set: (value: string) => void, hint: string): TemplateResult {
    const error = this._errors[id];
    return html`<div class="field">
      <label for=${id}>${label}</label>
      <p class="hint" id="${id}-hint">${hint}</p>
      <input id=${id} dir="ltr" .value=${value} aria-invalid=${error ? 'true' : nothing}
        aria-describedby=${error ? `${id}-hint ${id}-error` : `${id}-hint`} @input=${(event: Event) => set((event.target as HTMLInputElement).value)} />
      ${error ? html`<p class="error" id="${id}-error">${error}</p>` : nothing}
    </div>`;
  }

  private _languageTexts(language: string, removable: boolean): TemplateResult {
    const name = languageName(language);
    return html`<fieldset lang=${language}>
      <legend>${t('edit.textsIn', { language: name })}</legend>
      ${TEXT_FIELDS.map(({ key, multiline }) =>
        this._field(`document.texts.${language}.${key}`, t(`edit.text.${key}`), {
          multiline: multiline ?? false,
          lang: language,
          ...(key === 'closed' ? { hint: t('edit.closedHint') } : key === 'appeal' ? { hint: t('edit.appealHint') } : {}),
        }),
      )}
      ${removable
        ? html`<p><button type="button" class="secondary" @click=${() => this._removeLanguage(language)}>${t('edit.removeLanguage', { language: name })}</button></p>`
        : nothing}
    </fieldset>`;
  }

  private _letter(draft: Draft, languages: string[]): TemplateResult {
    const letter = draft.document['letter'];
    const on = typeof letter === 'object' && letter !== null;
    const versions = [...new Set([...languages, ...letterLanguages(draft)])];
    return html`<h2>${t('edit.letter')}</h2>
      <div class="field choice">
        <input type="checkbox" id="letter-on" .checked=${on} @change=${(event: Event) => this._toggleLetter((event.target as HTMLInputElement).checked)} />
        <label for="letter-on">${t('edit.letterOn')}</label>
      </div>
      ${on
        ? html`${this._field('document.letter.to', t('edit.letterTo'), { hint: t('edit.letterToHint'), validators: [requiredCheck] })}
          ${versions.map(
            (language) => html`<fieldset lang=${language}>
              <legend>${t('edit.letterIn', { language: languageName(language) })}</legend>
              ${this._field(`document.letter.${language}.subject`, t('edit.subject'), { lang: language })}
              ${this._field(`document.letter.${language}.body`, t('edit.body'), { multiline: true, lang: language })}
            </fieldset>`,
          )}`
        : nothing}`;
  }

  private _delivery(draft: Draft): TemplateResult {
    const delivery = draft.delivery;
    const mode = typeof delivery['mode'] === 'string' ? delivery['mode'] : 'off';
    const targets = this._targets();
    this._labels.set('delivery.targets', t('edit.targets'));
    return html`<h2>${t('edit.delivery')}</h2>
      <div class="field">
        <label for=${fieldId('delivery.mode')}>${t('edit.mode')}</label>
        <select id=${fieldId('delivery.mode')} aria-invalid=${this._errors['delivery.mode'] ? 'true' : nothing}
          aria-describedby=${fieldId('delivery.mode')}-hint
          @change=${(event: Event) => this._set('delivery.mode', (event.target as HTMLSelectElement).value)}>
          ${MODES.map((value) => html`<option value=${value} ?selected=${value === mode}>${t(`edit.modes.${value}`)}</option>`)}
        </select>
        <p class="hint" id="${fieldId('delivery.mode')}-hint">${t(`edit.modeHints.${mode}`)}</p>
        ${this._errors['delivery.mode'] ? html`<p class="error">${this._errors['delivery.mode']}</p>` : nothing}
      </div>
      <fieldset aria-describedby=${this._errors['delivery.targets'] ? fieldId('delivery.targets') + '-error' : nothing}>
        <legend>${t('edit.targets')}</legend>
        ${targets.length === 0 ? html`<p class="hint">${t('edit.noTargets')}</p>` : nothing}
        ${targets.map(
          (_target, index) => html`<div class="row" role="group" aria-label=${t('edit.targetNumber', { number: index + 1 })}>
            ${this._field(`delivery.targets[${index}].name`, t('edit.targetName', { number: index + 1 }), { validators: [requiredCheck] })}
            ${this._field(`delivery.targets[${index}].email`, t('edit.targetEmail', { number: index + 1 }), { type: 'email', ltr: true, validators: [requiredCheck, email] })}
            <div class="field"><button type="button" class="secondary" @click=${() => this._removeTarget(index)}>${t('edit.removeTarget', { number: index + 1 })}</button></div>
          </div>`,
        )}
        ${this._errors['delivery.targets'] ? html`<p class="error" id="${fieldId('delivery.targets')}-error">${this._errors['delivery.targets']}</p>` : nothing}
        <p><button type="button" class="secondary" id="add-target" @click=${this._addTarget}>${t('edit.addTarget')}</button></p>
      </fieldset>
      ${this._checkbox('delivery.confirm', t('edit.confirm'), t('edit.confirmHint'))}
      <div class="field">
        <label for=${fieldId('delivery.replyTo')}>${t('edit.replyTo')}</label>
        <select id=${fieldId('delivery.replyTo')} aria-invalid=${this._errors['delivery.replyTo'] ? 'true' : nothing}
          aria-describedby=${this._errors['delivery.replyTo'] ? `${fieldId('delivery.replyTo')}-error` : nothing}
          @change=${(event: Event) => this._set('delivery.replyTo', (event.target as HTMLSelectElement).value)}>
          ${(['none', 'signer-if-agreed'] as const).map(
            (value) => html`<option value=${value} ?selected=${(delivery['replyTo'] ?? 'none') === value}>${t(`edit.replyToOptions.${value}`)}</option>`,
          )}
        </select>
        ${this._errors['delivery.replyTo'] ? html`<p class="error" id="${fieldId('delivery.replyTo')}-error">${this._errors['delivery.replyTo']}</p>` : nothing}
      </div>
      ${this._field('delivery.hourlyCap', t('edit.hourlyCap'), {
        type: 'number',
        hint: t('edit.hourlyCapHint'),
        validators: [wholeNumber(1, 10_000)],
        parse: (text) => (text.trim() === '' ? undefined : Number(text)),
      })}
      ${mode === 'each' ? this._checkbox('delivery.receipt', t('edit.receipt'), t('edit.receiptHint')) : nothing}
      ${this._checkbox('delivery.test', t('edit.test'), t('edit.testHint'))}
      ${this._checkbox('delivery.proofOfWork', t('edit.proofOfWork'), t('edit.proofOfWorkHint'))}
      ${delivery['test']
        ? this._field('delivery.testers', t('edit.testers'), {
            multiline: true,
            ltr: true,
            hint: t('edit.testersHint'),
            parse: (text) => text.split(/[\s,]+/).filter(Boolean),
          })
        : nothing}
      ${mode === 'digest'
        ? html`${this._field('delivery.digestHour', t('edit.digestHour'), {
            type: 'number',
            validators: [wholeNumber(0, 23)],
            parse: (text) => (text.trim() === '' ? undefined : Number(text)),
          })}
          ${this._field('delivery.timeZone', t('edit.timeZone'), { ltr: true, hint: t('edit.timeZoneHint') })}`
        : nothing}`;
  }

  private _checkbox(path: string, label: string, hint: string): TemplateResult {
    this._labels.set(path, label);
    const id = fieldId(path);
    const error = this._errors[path];
    return html`<div class="field">
      <div class="field choice">
        <input type="checkbox" id=${id} .checked=${getPath(this._draft, path) === true} aria-invalid=${error ? 'true' : nothing}
          aria-describedby=${error ? `${id}-hint ${id}-error` : `${id}-hint`}
          @change=${(event: Event) => this._set(path, (event.target as HTMLInputElement).checked)} />
        <label for=${id}>${label}</label>
      </div>
      <p class="hint" id="${id}-hint">${hint}</p>
      ${error ? html`<p class="error" id="${id}-error">${error}</p>` : nothing}
    </div>`;
  }

  private _preview(languages: string[]): TemplateResult {
    return html`<section class="preview-pane" aria-labelledby="preview-title">
      <h2 id="preview-title">${t('edit.preview')}</h2>
      <p class="hint" id="preview-hint">${t('edit.previewHint')}</p>
      ${languages.length > 1
        ? html`<div class="field">
            <label for="preview-language">${t('edit.previewLanguage')}</label>
            <select id="preview-language" @change=${(event: Event) => {
              this._previewLanguage = (event.target as HTMLSelectElement).value;
              this._sendPreview(0);
            }}>
              ${languages.map((language) => html`<option value=${language} ?selected=${language === this._previewLanguage}>${languageName(language)}</option>`)}
            </select>
          </div>`
        : nothing}
      <iframe src="/admin/preview" title=${t('edit.previewFrame')} aria-describedby="preview-hint"></iframe>
    </section>`;
  }
}

/** The same function object each render, so a field knows it is required. */
const requiredCheck: Validator = required;

declare global {
  interface HTMLElementTagNameMap {
    'edit-page': EditPage;
  }
}
