import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../src/appeal-widget.js';
import type { AppealWidget } from '../../src/appeal-widget.js';
import { endpoint, localeStrings, shadow, submitButton, text } from '../support/widget.js';

describe('rendering', () => {
  it('is accessible and shows the appeal written in the host page', async () => {
    const el = await fixture<AppealWidget>(html`<appeal-widget endpoint=${endpoint().url} lang="en">
      <h2 slot="title">Free Erlan Baltabay</h2>
      <p>He defends workers’ rights.</p>
    </appeal-widget>`);
    await expect(el).to.be.accessible();
    const title = shadow(el).querySelector<HTMLSlotElement>('slot[name="title"]')!;
    expect(title.assignedElements()[0]?.textContent).to.equal('Free Erlan Baltabay');
    const appeal = shadow(el).querySelector<HTMLSlotElement>('slot:not([name])')!;
    expect(appeal.assignedElements().map((node) => node.textContent)).to.deep.equal(['He defends workers’ rights.']);
    expect(submitButton(el).textContent?.trim()).to.equal('Add my name');
  });

  it('labels each default field, with the payload name and autocomplete token', async () => {
    const el = await fixture<AppealWidget>(html`<appeal-widget endpoint=${endpoint().url} lang="en"></appeal-widget>`);
    const fields = [...shadow(el).querySelectorAll<HTMLInputElement>('input:not([type=checkbox]):not(.trap), select')].map((control) => [
      shadow(el).querySelector(`label[for="${control.id}"]`)?.textContent?.trim(),
      control.name,
      control.getAttribute('autocomplete'),
      control.required,
    ]);
    expect(fields).to.deep.equal([
      ['First name', 'firstName', 'given-name', true],
      ['Last name', 'lastName', 'family-name', true],
      ['Email', 'email', 'email', true],
      ['Country', 'country', 'country', true],
    ]);
  });

  it('has a honeypot no person meets: off-screen, hidden from assistive technology, out of the tab order, not autofilled', async () => {
    const el = await fixture<AppealWidget>(html`<appeal-widget endpoint=${endpoint().url} lang="en"></appeal-widget>`);
    const trap = shadow(el).querySelector<HTMLInputElement>('input.trap')!;
    expect(trap).to.exist;
    expect([trap.getAttribute('aria-hidden'), trap.tabIndex, trap.getAttribute('autocomplete'), trap.value]).to.deep.equal(['true', -1, 'off', '']);
    expect(trap.getBoundingClientRect().bottom).to.be.below(0);
    // A name no browser's autofill knows, and no label to read out.
    expect(['firstName', 'lastName', 'name', 'email', 'url', 'website', 'company']).not.to.include(trap.name);
    expect(shadow(el).querySelector(`label[for="${trap.id}"]`)).to.equal(null);
  });

  it('renders every field type with its label, name and autocomplete', async () => {
    const el = await fixture<AppealWidget>(html`<appeal-widget endpoint=${endpoint().url} lang="en"
      fields="first-name,last-name,name,email,country,postcode,organisation,phone,comment"></appeal-widget>`);
    const rows = [...shadow(el).querySelectorAll<HTMLInputElement>('input:not([type=checkbox]):not(.trap), select, textarea')].map((control) => [
      control.name,
      control.getAttribute('autocomplete'),
      shadow(el).querySelector(`label[for="${control.id}"]`)?.textContent?.replace(/\s+/g, ' ').trim(),
    ]);
    expect(rows).to.deep.equal([
      ['firstName', 'given-name', 'First name (optional)'],
      ['lastName', 'family-name', 'Last name (optional)'],
      ['name', 'name', 'Full name (optional)'],
      ['email', 'email', 'Email'],
      ['country', 'country', 'Country (optional)'],
      ['postcode', 'postal-code', 'Postcode (optional)'],
      ['organisation', 'organization', 'Union / organisation (optional)'],
      ['phone', 'tel', 'Phone (optional)'],
      ['comment', null, 'Comment (optional)'],
    ]);
    expect(shadow(el).querySelector<HTMLInputElement>('[name=email]')!.type).to.equal('email');
    expect(shadow(el).querySelector<HTMLInputElement>('[name=phone]')!.type).to.equal('tel');
  });

  it('lists every country, named in the widget’s language', async () => {
    const el = await fixture<AppealWidget>(html`<appeal-widget endpoint=${endpoint().url} lang="fr-FR"></appeal-widget>`);
    const select = shadow(el).querySelector<HTMLSelectElement>('select[name=country]')!;
    expect(select.options.length).to.equal(250);
    expect([...select.options].find((option) => option.value === 'DE')?.textContent).to.equal('Allemagne');
    expect(select.value, 'fr-FR preselects France').to.equal('FR');
  });

  describe('language', () => {
    it('takes the lang attribute and waits for its strings before the first render', async () => {
      const fr = await localeStrings('fr');
      const el = document.createElement('appeal-widget') as AppealWidget;
      el.setAttribute('endpoint', endpoint().url);
      el.setAttribute('lang', 'fr');
      document.body.append(el);
      // Until French arrives nothing is written, so nobody sees English flash by.
      expect(text(el)).to.equal('');
      await el.updateComplete;
      expect(submitButton(el).textContent?.trim()).to.equal(fr['form.submit']);
      el.remove();
    });

    it('takes the closest ancestor’s lang, then <html lang>', async () => {
      const fr = await localeStrings('fr');
      const de = await localeStrings('de');
      const wrapper = await fixture(html`<section lang="de"><div><appeal-widget endpoint=${endpoint().url}></appeal-widget></div></section>`);
      const el = wrapper.querySelector('appeal-widget')!;
      await el.updateComplete;
      expect(submitButton(el).textContent?.trim()).to.equal(de['form.submit']);

      const previous = document.documentElement.lang;
      document.documentElement.lang = 'fr-CA';
      try {
        const page = await fixture<AppealWidget>(html`<appeal-widget endpoint=${endpoint().url}></appeal-widget>`);
        expect(submitButton(page).textContent?.trim()).to.equal(fr['form.submit']);
        expect(page.shadowRoot!.querySelector('.card')!.getAttribute('lang')).to.equal('fr');
      } finally {
        document.documentElement.lang = previous;
      }
    });

    it('falls back to English with one warning when a locale file cannot load', async () => {
      const warnings: unknown[][] = [];
      const warn = console.warn;
      console.warn = (...args: unknown[]) => warnings.push(args);
      try {
        // `xx` is not an available locale, so nothing is fetched: English without a word.
        const el = await fixture<AppealWidget>(html`<appeal-widget endpoint=${endpoint().url} lang="xx"></appeal-widget>`);
        expect(submitButton(el).textContent?.trim()).to.equal('Add my name');
        expect(warnings).to.deep.equal([]);
      } finally {
        console.warn = warn;
      }
    });

    it('sets dir="rtl" for Arabic and is accessible right to left', async () => {
      const el = await fixture<AppealWidget>(html`<appeal-widget endpoint=${endpoint().url} lang="ar"></appeal-widget>`);
      expect(el.getAttribute('dir')).to.equal('rtl');
      expect(shadow(el).querySelector<HTMLInputElement>('[name=email]')!.dir).to.equal('ltr');
      await expect(el).to.be.accessible();
    });

    it('keeps two widgets in two languages apart', async () => {
      const [fr, ru] = await Promise.all([localeStrings('fr'), localeStrings('ru')]);
      const wrapper = await fixture(html`<div>
        <appeal-widget endpoint=${endpoint().url} lang="fr"></appeal-widget>
        <appeal-widget endpoint=${endpoint().url} lang="ru"></appeal-widget>
      </div>`);
      const [first, second] = [...wrapper.querySelectorAll('appeal-widget')];
      await Promise.all([first!.updateComplete, second!.updateComplete]);
      expect(submitButton(first!).textContent?.trim()).to.equal(fr['form.submit']);
      expect(submitButton(second!).textContent?.trim()).to.equal(ru['form.submit']);
      second!.setAttribute('lang', 'en');
      await second!.updateComplete;
      expect(submitButton(second!).textContent?.trim()).to.equal('Add my name');
      expect(submitButton(first!).textContent?.trim()).to.equal(fr['form.submit']);
    });
  });

  describe('configuration errors', () => {
    it('shows the site owner what is wrong, fires appeal-error and logs, without breaking the page', async () => {
      const errors: unknown[][] = [];
      const original = console.error;
      console.error = (...args: unknown[]) => errors.push(args);
      try {
        const el = document.createElement('appeal-widget') as AppealWidget;
        el.setAttribute('fields', 'first-name,shoe-size');
        el.setAttribute('lang', 'en');
        const event = oneEvent(el, 'appeal-error');
        document.body.append(el);
        const { detail } = await event;
        expect(detail.kind).to.equal('config');
        expect(detail.message).to.include('The endpoint attribute is missing.');
        expect(detail.message).to.include('shoe-size');
        const box = shadow(el).querySelector('[role=alert]')!;
        expect(box.textContent).to.include('This petition widget is not set up correctly');
        expect(box.textContent).to.include('The endpoint attribute is missing.');
        expect(shadow(el).querySelector('form')).to.be.null;
        expect(errors.some((args) => String(args[0]).includes('endpoint'))).to.be.true;
        await expect(el).to.be.accessible();
        el.remove();
      } finally {
        console.error = original;
      }
    });
  });
});
