// The country list and the language menu's names follow the form's first paint (steps/after-paint.ts).
// Each test uses languages no other test here has built a list or a name for: a page builds each once.
import { expect } from '@open-wc/testing';
import '../../src/appeal-widget.js';
import type { AppealWidget } from '../../src/appeal-widget.js';
import { control, endpoint, fill, localeStrings, received, receivedPayloads, shadow, submitButton, until } from '../support/widget.js';

const documentUrl = (document: unknown) => `/test-echo?body=${encodeURIComponent(JSON.stringify(document))}`;
const countrySelect = (el: AppealWidget) => control<HTMLSelectElement>(el, 'country');

/**
 * Mounts a widget with `attributes` and calls `atFirstForm` in the same task as the render that
 * first shows its form (a mutation observer's callback runs before the browser may paint).
 */
async function mount(attributes: Record<string, string>, atFirstForm: (el: AppealWidget) => void): Promise<AppealWidget> {
  const el = document.createElement('appeal-widget');
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  const shown = new Promise<void>((resolve, reject) => {
    const observer = new MutationObserver(() => {
      if (!submitButton(el)) return;
      observer.disconnect();
      try {
        atFirstForm(el);
        resolve();
      } catch (error) {
        reject(error);
      }
    });
    document.body.append(el);
    observer.observe(shadow(el), { childList: true, subtree: true });
  });
  await shown;
  return el;
}

/** Types `value` into the control `name` as `fill` does, without waiting for anything. */
function type(el: AppealWidget, name: string, value: string): void {
  const input = control(el, name);
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
}

describe('the country list', () => {
  afterEach(() => document.querySelectorAll('appeal-widget').forEach((el) => el.remove()));

  it('comes after the form’s first paint, the locale’s country still chosen, and is then whole and accessible', async () => {
    let first: { options: string[]; busy: string | null; value: string } | undefined;
    const el = await mount({ endpoint: endpoint().url, lang: 'fr-FR', fields: 'email*,country*' }, (widget) => {
      const select = countrySelect(widget);
      first = { options: [...select.options].map((option) => option.value), busy: select.getAttribute('aria-busy'), value: select.value };
      // A keyboard user already on the select stays there as the list comes in.
      select.focus();
    });
    // Only the prompt at first, and the select says its list is on the way.
    expect(first).to.deep.equal({ options: [''], busy: 'true', value: '' });
    await el.updateComplete;
    const select = countrySelect(el);
    expect(shadow(el).activeElement).to.equal(select);
    expect(select.options).to.have.length(250);
    expect(select.value).to.equal('FR');
    expect(select.selectedOptions[0]!.textContent).to.equal('France');
    expect([...select.options].find((option) => option.value === 'DE')!.textContent).to.equal('Allemagne');
    expect(select.hasAttribute('aria-busy')).to.be.false;
    await expect(el).to.be.accessible();
  });

  it('a submit before the list is there sends the locale’s country, not an empty one', async () => {
    const { url, bucket } = endpoint('status=201');
    await mount({ endpoint: url, lang: 'de-AT', fields: 'email*,country*' }, (el) => {
      expect(countrySelect(el).options).to.have.length(1);
      type(el, 'email', 'a@example.org');
      submitButton(el).click();
    });
    await until(async () => (await received(bucket)).length === 1, 5000, 'the send');
    expect(((await receivedPayloads(bucket))[0]!['signer'] as Record<string, string>)['country']).to.equal('AT');
  });

  it('a submit before the list is there, with no country chosen, asks for one and sends nothing', async () => {
    const { url, bucket } = endpoint('status=201');
    const el = await mount({ endpoint: url, lang: 'it', fields: 'email*,country*' }, (widget) => {
      type(widget, 'email', 'a@example.org');
      submitButton(widget).click();
    });
    await el.updateComplete;
    const select = countrySelect(el);
    expect(select.getAttribute('aria-invalid')).to.equal('true');
    const italian = await localeStrings('it');
    expect(shadow(el).querySelector('.error-summary')!.textContent).to.include(`${italian['field.country']}: ${italian['validation.choose']}`);
    expect(select.options).to.have.length(250);
    expect(await received(bucket)).to.deep.equal([]);
    await fill(el, { country: 'IT' });
    submitButton(el).click();
    await until(async () => (await received(bucket)).length === 1, 5000, 'the send');
    expect(((await receivedPayloads(bucket))[0]!['signer'] as Record<string, string>)['country']).to.equal('IT');
  });

  it('a language the signer picks comes with its list in the same render, keeping their country', async () => {
    const campaign = { texts: { es: { title: 'Libéralo' }, nl: { title: 'Laat hem vrij' } } };
    const el = await mount({ endpoint: endpoint().url, lang: 'es', 'campaign-url': documentUrl(campaign) }, () => undefined);
    await el.updateComplete;
    await fill(el, { country: 'KZ' });
    let atSwitch: { options: number; value: string; germany?: string } | undefined;
    const observer = new MutationObserver(() => {
      if (atSwitch || shadow(el).querySelector('label[for=appeal-country]')?.textContent?.trim() !== 'Land') return;
      const select = countrySelect(el);
      atSwitch = { options: select.options.length, value: select.value, germany: [...select.options].find((option) => option.value === 'DE')?.textContent ?? undefined };
    });
    observer.observe(shadow(el), { childList: true, subtree: true, characterData: true });
    const menu = shadow(el).querySelector<HTMLSelectElement>('#appeal-language')!;
    menu.value = 'nl';
    menu.dispatchEvent(new Event('change'));
    await until(() => !!atSwitch, 5000, 'the Dutch form');
    observer.disconnect();
    expect(atSwitch).to.deep.equal({ options: 250, value: 'KZ', germany: 'Duitsland' });
  });
});

describe('the language menu', () => {
  afterEach(() => document.querySelectorAll('appeal-widget').forEach((el) => el.remove()));

  it('names each language in itself a moment after the first paint, its code until then', async () => {
    const campaign = { texts: { pt: { title: 'Liberte-o' }, tr: { title: 'Onu serbest bırakın' } } };
    let first: { names: string[]; busy: string | null } | undefined;
    const el = await mount({ endpoint: endpoint().url, lang: 'pt', 'campaign-url': documentUrl(campaign) }, (widget) => {
      const menu = shadow(widget).querySelector<HTMLSelectElement>('#appeal-language')!;
      first = { names: [...menu.options].map((option) => option.textContent!.trim()), busy: menu.getAttribute('aria-busy') };
    });
    expect(first).to.deep.equal({ names: ['pt', 'tr'], busy: 'true' });
    await el.updateComplete;
    const menu = shadow(el).querySelector<HTMLSelectElement>('#appeal-language')!;
    expect(menu.hasAttribute('aria-busy')).to.be.false;
    // As the engine names them: WebKit writes Português, the others português.
    const autonym = (code: string) => new Intl.DisplayNames(code, { type: 'language' }).of(code);
    expect([...menu.options].map((option) => option.textContent!.trim())).to.deep.equal([autonym('pt'), autonym('tr')]);
    expect(autonym('pt')?.toLowerCase()).to.equal('português');
    expect(menu.value).to.equal('pt');
    await expect(el).to.be.accessible();
  });
});
