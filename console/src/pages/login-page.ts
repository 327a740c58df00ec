/**
 * Logging in (SPEC §10): email and password, checked here for emptiness, then by the receiver.
 * A refusal is said in the alert region above the form (screen readers hear it at once) and the
 * focus goes back to the field to correct; too many attempts say when to try again.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { state } from 'lit/decorators.js';
import { ApiError, api } from '../internal/api.js';
import { emit } from '../internal/events.js';
import { t } from '../internal/i18n.js';
import { LightElement } from '../internal/light-element.js';
import { check, email as emailFormat, required, type Problem } from '../internal/validators.js';

export class LoginPage extends LightElement {
  @state() private _email = '';
  @state() private _password = '';
  @state() private _errors: { email?: Problem | undefined; password?: Problem | undefined } = {};
  @state() private _refusal = '';
  @state() private _busy = false;

  private async _submit(event: Event): Promise<void> {
    event.preventDefault();
    if (this._busy) return;
    this._errors = { email: check(this._email, required, emailFormat), password: check(this._password, required) };
    const first = this._errors.email ? 'login-email' : this._errors.password ? 'login-password' : undefined;
    if (first) {
      this._refusal = t('login.fixFields');
      await this.updateComplete;
      this.querySelector<HTMLElement>(`#${first}`)?.focus();
      return;
    }
    this._busy = true;
    this._refusal = '';
    try {
      const session = await api.login(this._email.trim(), this._password);
      emit(this, 'console-signed-in', { email: session.organiser.email });
    } catch (error) {
      this._refusal = refusalMessage(error);
      this._password = '';
      await this.updateComplete;
      this.querySelector<HTMLElement>('#login-password')?.focus();
    } finally {
      this._busy = false;
    }
  }

  protected override render(): TemplateResult {
    return html`<section class="narrow" aria-labelledby="login-title">
      <h1 id="login-title" tabindex="-1">${t('login.title')}</h1>
      <p>${t('login.intro')}</p>
      <div class="alert" role="alert">${this._refusal ? html`<p>${this._refusal}</p>` : nothing}</div>
      <form novalidate @submit=${this._submit}>
        ${this._field('email', t('login.email'), 'email', 'username', this._email, (value) => (this._email = value))}
        ${this._field('password', t('login.password'), 'password', 'current-password', this._password, (value) => (this._password = value))}
        <button type="submit" aria-disabled=${String(this._busy)}>${this._busy ? t('login.busy') : t('login.submit')}</button>
      </form>
    </section>`;
  }

  private _field(
    name: 'email' | 'password',
    label: string,
    type: string,
    autocomplete: string,
    value: string,
    set: (value: string) => void,
  ): TemplateResult {
    const id = `login-${name}`;
    const error = this._errors[name];
    return html`<div class="field">
      <label for=${id}>${label}</label>
      <input id=${id} name=${name} type=${type} autocomplete=${autocomplete} dir="ltr" required .value=${value}
        aria-invalid=${error ? 'true' : nothing} aria-describedby=${error ? `${id}-error` : nothing}
        @input=${(event: Event) => {
          set((event.target as HTMLInputElement).value);
          if (error) this._errors = { ...this._errors, [name]: undefined };
        }} />
      ${error ? html`<p class="error" id="${id}-error">${t(error.key, error.values)}</p>` : nothing}
    </div>`;
  }
}

/** What the organiser is told when the receiver refuses the login. */
function refusalMessage(error: unknown): string {
  if (!(error instanceof ApiError)) return t('errors.unexpected');
  if (error.status === 401) return t('login.invalid');
  if (error.status === 429) return t('login.tooMany', { count: Math.max(1, Math.ceil((error.retryAfter ?? 60) / 60)) });
  if (error.status === 0) return t('errors.network');
  return t('errors.refused', { message: error.message });
}

declare global {
  interface HTMLElementTagNameMap {
    'login-page': LoginPage;
  }
}
