/**
 * The floor the widget's start-up is measured against: Lit 3 and i18next 24, the widget's own two
 * libraries, rendering a bare four-field signature form in a shadow root, mounted after its script
 * tag as the embed is. Nothing more: no campaign, no counter, no country names. Built by the bench.
 */
import i18next from 'i18next';
import { css, html, LitElement } from 'lit';

const strings = {
  firstName: 'First name',
  lastName: 'Last name',
  email: 'Email',
  country: 'Country',
  submit: 'Add my name',
};

class FloorForm extends LitElement {
  static override styles = css`
    label { display: block; margin-block: 0.5rem 0.25rem; }
    input { display: block; inline-size: 100%; }
  `;

  override render() {
    const field = (name: string, type = 'text') =>
      html`<label for=${name}>${i18next.t(name)}</label><input id=${name} name=${name} type=${type} required>`;
    return html`<form @submit=${(event: Event) => event.preventDefault()}>
      ${field('firstName')}${field('lastName')}${field('email', 'email')}${field('country')}
      <button type="submit">${i18next.t('submit')}</button>
    </form>`;
  }
}

const script = document.currentScript;
void i18next.init({ lng: 'en', resources: { en: { translation: strings } } }).then(() => {
  customElements.define('floor-form', FloorForm);
  script?.after(document.createElement('floor-form'));
});
