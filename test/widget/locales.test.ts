import { expect, fixture, html } from '@open-wc/testing';
import '../../src/appeal-widget.js';
import type { AppealWidget } from '../../src/appeal-widget.js';
import { AVAILABLE_LOCALES } from '../../src/setup/available-locales.js';
import { endpoint, fillValid, localeStrings, shadow, submit, submitButton, text, until } from '../support/widget.js';

const letterDocument = `/test-echo?body=${encodeURIComponent(
  JSON.stringify({ texts: { en: {} }, letter: { to: 'The authorities', en: { subject: 'Release him', body: 'Dear Sir or Madam' } } }),
)}`;

/** English sentences (placeholders cut out) that must not show in another language's widget. */
function englishSentences(en: Record<string, string>): string[] {
  return Object.values(en)
    .flatMap((value) => value.split(/{{\w+}}/))
    .map((part) => part.trim())
    .filter((part) => part.split(' ').length >= 3 && part.length >= 12);
}

describe('every locale', () => {
  let missing: string[] = [];
  const error = console.error;
  beforeEach(() => {
    missing = [];
    console.error = (...args: unknown[]) => {
      if (String(args[0]).includes('Missing translation')) missing.push(String(args[0]));
      else error(...args);
    };
  });
  afterEach(() => {
    console.error = error;
    for (const key of Object.keys(localStorage)) if (key.startsWith('appeal-widget:')) localStorage.removeItem(key);
  });

  it('has a file for each language the widget promises', () => {
    expect(AVAILABLE_LOCALES).to.include.members(['ar', 'de', 'en', 'es', 'fr', 'it', 'kk', 'nl', 'pt', 'ru', 'tr', 'zh']);
  });

  for (const language of AVAILABLE_LOCALES) {
    it(`${language}: form, errors, sending, queued and thanks, with no missing or English text`, async () => {
      const [strings, en] = await Promise.all([localeStrings(language), localeStrings('en')]);
      const forbidden = language === 'en' ? [] : englishSentences(en);
      const seen: string[] = [];
      const look = (el: AppealWidget) => {
        const visible = text(el);
        seen.push(visible);
        expect(forbidden.filter((sentence) => visible.includes(sentence)), `English left in ${language}`).to.deep.equal([]);
      };

      // The form with every field, the letter, the consent question and its organiser.
      const el = await fixture<AppealWidget>(html`<appeal-widget lang=${language} endpoint=${endpoint('status=503').url}
        fields="first-name*,last-name*,name,email*,country*,postcode,organisation,phone,comment" consent="radio"
        organiser="ITUC" campaign-url=${letterDocument} privacy-url="https://union.example/privacy"></appeal-widget>`);
      expect(submitButton(el).textContent?.trim()).to.equal(strings['form.submitLetter']);
      look(el);
      await submit(el);
      expect(text(el)).to.include(strings['validation.required']!);
      look(el);
      await fillValid(el);
      shadow(el).querySelector<HTMLInputElement>('#appeal-consent-yes')!.click();
      await submit(el);
      await until(() => !!shadow(el).querySelector('[part=notice]'), 5000, 'the queued notice');
      await el.updateComplete;
      look(el);

      // A widget that signs, to the thanks and share step.
      const signed = await fixture<AppealWidget>(html`<appeal-widget lang=${language}
        endpoint=${endpoint('status=201&body={"ok":true,"count":1500}').url} share="whatsapp,mastodon,email,copy"></appeal-widget>`);
      await fillValid(signed);
      await submit(signed);
      await until(() => !!shadow(signed).querySelector('[part=thanks]'), 5000, 'the thanks step');
      await signed.updateComplete;
      expect(text(signed)).to.include(strings['share.title']!);
      look(signed);
      shadow(signed).querySelector<HTMLButtonElement>('[data-channel=mastodon]')!.click();
      await signed.updateComplete;
      look(signed);

      expect(missing, `missing keys in ${language}`).to.deep.equal([]);
      // text() collapses every kind of space, the no-break ones of French typography too.
      const question = strings['consent.radioOrganiser']!.replace('{{organiser}}', 'ITUC').replace(/\s+/g, ' ');
      expect(seen.join(' ').includes(question), `${language} shows its consent question`).to.be.true;
    });
  }

  it('ar: right to left, and accessible in every state', async () => {
    const config = await fixture<AppealWidget>(html`<appeal-widget lang="ar"></appeal-widget>`);
    expect(config.getAttribute('dir')).to.equal('rtl');
    await expect(config).to.be.accessible();

    const el = await fixture<AppealWidget>(html`<appeal-widget lang="ar" endpoint=${endpoint('status=201&delay=400').url}
      consent="radio" campaign-url=${letterDocument}></appeal-widget>`);
    expect(el.getAttribute('dir')).to.equal('rtl');
    expect(getComputedStyle(shadow(el).querySelector('label')!).direction).to.equal('rtl');
    await expect(el).to.be.accessible();
    await submit(el);
    await expect(el).to.be.accessible();
    await fillValid(el);
    shadow(el).querySelector<HTMLInputElement>('#appeal-consent-no')!.click();
    await submit(el);
    await expect(el).to.be.accessible();
    await until(() => !!shadow(el).querySelector('[part=thanks]'), 5000, 'the thanks step');
    await expect(el).to.be.accessible();
  });
});
