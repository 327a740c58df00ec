/**
 * Every locale file, in every state the widget can show: the appeal with its counter, the form and
 * its errors, sending, queued offline, rate limited, refused, thanks with the count and the letter
 * on its way, the letter to send oneself, already signed, closed and a broken setup. In each: no
 * missing key, no English left where the locale has its own text, numbers in the locale's digits;
 * right-to-left locales are right to left and pass axe in every state. It reads whatever files
 * locales/ holds, so a new translation is tested as soon as it lands.
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/appeal-widget.js';
import type { AppealWidget } from '../../src/appeal-widget.js';
import { AVAILABLE_LOCALES } from '../../src/setup/available-locales.js';
import { control, endpoint, fill, fillValid, localeStrings, shadow, submit, submitButton, text, until } from '../support/widget.js';

const letterDocument = (extra: Record<string, unknown> = {}) =>
  `/test-echo?body=${encodeURIComponent(
    JSON.stringify({ texts: { en: {} }, letter: { to: 'The authorities', ...extra, en: { subject: 'Release him', body: 'Dear Sir or Madam' } } }),
  )}`;
const answer = (status: number, body: unknown, more = '') => endpoint(`status=${status}&body=${encodeURIComponent(JSON.stringify(body))}${more}`).url;

/** The languages the widget promises right to left. */
const RIGHT_TO_LEFT = new Set(['ar', 'he', 'fa', 'ur']);
/**
 * Chromium takes every locale; Firefox and WebKit, which read the same files, take those whose
 * script, direction, digits or plural rules differ most (30 locales × 3 engines would add minutes).
 */
const OTHER_ENGINES = new Set(['en', 'ar', 'he', 'fa', 'ur', 'ja', 'ru', 'pl', 'fr']);
const chromium = navigator.userAgent.includes('Chrome/');
/** Attributes whose words a signer hears or sees. */
const SPOKEN_ATTRIBUTES = ['aria-label', 'aria-valuetext', 'placeholder', 'title', 'alt'];

/** Every text node and spoken attribute of the widget, trimmed, whitespace collapsed. */
function shownTexts(el: AppealWidget): string[] {
  const texts: string[] = [];
  const walker = document.createTreeWalker(shadow(el), NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node instanceof Element) {
      for (const name of SPOKEN_ATTRIBUTES) if (node.hasAttribute(name)) texts.push(node.getAttribute(name)!);
    } else if (!(node.parentElement instanceof HTMLStyleElement)) texts.push(node.textContent ?? '');
  }
  return texts.map((one) => one.replace(/\s+/g, ' ').trim()).filter(Boolean);
}

/**
 * What of English would be left behind in `language`: English texts that are none of the locale's
 * own ("Yes" is fine in a language whose yes is "Yes"). Whole texts are compared with each text
 * shown; of a text with placeholders, its longer fixed parts are looked for anywhere.
 */
function englishOnly(en: Record<string, string>, strings: Record<string, string>) {
  const own = new Set(Object.values(strings));
  const foreign = Object.values(en).filter((value) => !own.has(value));
  const whole = new Set(foreign.filter((value) => !value.includes('{{')));
  const parts = foreign
    .filter((value) => value.includes('{{'))
    .flatMap((value) => value.split(/{{\w+}}/))
    .map((part) => part.trim())
    .filter((part) => part.split(' ').length >= 3 && part.length >= 12 && ![...own].some((mine) => mine.includes(part)));
  return { whole, parts };
}

/** The locale's text for `count` of a plural key, with its number written in the locale's digits. */
function plural(strings: Record<string, string>, language: string, key: string, count: number, placeholder: string): string {
  const category = count === 0 && strings[`${key}_zero`] ? 'zero' : new Intl.PluralRules(language).select(count);
  const form = strings[`${key}_${category}`] ?? strings[`${key}_other`]!;
  return form.replace(`{{${placeholder}}}`, new Intl.NumberFormat(language).format(count));
}

/** `strings[key]` with its placeholders filled in. */
const filled = (strings: Record<string, string>, key: string, values: Record<string, string>) =>
  Object.entries(values).reduce((message, [name, value]) => message.replaceAll(`{{${name}}}`, value), strings[key]!);
/** Compared as text() shows it: every kind of space as one (French typography's no-break spaces too). */
const squash = (message: string) => message.replace(/\s+/g, ' ').trim();

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

  for (const language of chromium ? AVAILABLE_LOCALES : AVAILABLE_LOCALES.filter((code) => OTHER_ENGINES.has(code))) {
    const rtl = RIGHT_TO_LEFT.has(language.split('-')[0]!);
    it(`${language}: every state, with no missing key, no English left behind${rtl ? ', right to left and accessible' : ''}`, async function () {
      this.timeout(120_000);
      const [strings, en] = await Promise.all([localeStrings(language), localeStrings('en')]);
      const forbidden = language === 'en' ? { whole: new Set<string>(), parts: [] } : englishOnly(en, strings);
      const number = (value: number) => new Intl.NumberFormat(language).format(value);

      /** Checks the state the widget is in: its language, direction, English left behind, and axe where right to left. */
      const look = async (el: AppealWidget, state: string, expected: string[]) => {
        await el.updateComplete;
        const visible = text(el);
        for (const message of expected) expect(visible, `${language}, ${state}: shows ${JSON.stringify(message)}`).to.include(squash(message));
        const shown = shownTexts(el);
        const left = [
          ...shown.filter((one) => forbidden.whole.has(one)),
          ...forbidden.parts.filter((part) => shown.some((one) => one.includes(part))),
        ];
        expect(left, `${language}, ${state}: English left behind`).to.deep.equal([]);
        expect(el.getAttribute('dir'), `${language}, ${state}: direction`).to.equal(rtl ? 'rtl' : 'ltr');
        if (rtl) await expect(el, `${language}, ${state}: axe`).to.be.accessible();
      };

      // A broken setup: no endpoint. The site owner reads it in the page's language.
      const broken = await fixture<AppealWidget>(html`<appeal-widget lang=${language}></appeal-widget>`);
      await look(broken, 'broken setup', [strings['config.title']!, filled(strings, 'config.missing', { attribute: 'endpoint' })]);

      // The appeal with its counter and goal, and the form with every field, the letter and consent.
      const counter = endpoint();
      const el = await fixture<AppealWidget>(html`<appeal-widget lang=${language} endpoint=${endpoint(`status=503&delay=${rtl ? 3000 : 600}`).url}
        fields="first-name*,last-name*,name,email*,country*,postcode,organisation,phone,comment" consent="radio"
        organiser="ITUC" campaign-url=${letterDocument()} privacy-url="https://union.example/privacy"
        count-url=${`/test-endpoint/${counter.bucket}/count?n=1500`} goal="10000"></appeal-widget>`);
      await until(() => !!shadow(el).querySelector('[part=counter]'), 5000, 'the counter');
      expect(submitButton(el).textContent?.trim()).to.equal(strings['form.submitLetter']);
      await look(el, 'appeal and form', [
        plural(strings, language, 'counter.signatures', 1500, 'number'),
        filled(strings, 'counter.goal', { goal: number(10_000) }),
        filled(strings, 'consent.radioOrganiser', { organiser: 'ITUC' }),
        strings['letter.legend']!,
      ]);
      expect(shadow(el).querySelector('progress')!.getAttribute('aria-valuetext')).to.equal(
        filled(strings, 'counter.progressValue', { number: number(1500), goal: number(10_000) }),
      );

      // Errors: nothing filled in, then a wrong email address and phone number.
      await submit(el);
      await fill(el, { email: 'not an address', phone: 'call me' });
      await submit(el);
      await look(el, 'form with errors', [strings['validation.required']!, strings['validation.email']!, strings['validation.phone']!, strings['validation.consent']!]);

      // Sending (the endpoint takes its time), then queued on this device when it answers 503.
      await fillValid(el);
      await fill(el, { phone: '+7 701 000 00 00' });
      shadow(el).querySelector<HTMLInputElement>('#appeal-consent-yes')!.click();
      await submit(el);
      await look(el, 'sending', [strings['form.sending']!]);
      await until(() => !!shadow(el).querySelector('[part=notice]'), 10_000, 'the queued notice');
      await look(el, 'queued offline', [strings['notice.queued']!]);

      // Rate limited, with the seconds in the locale's digits; refused by the server.
      const limited = await fixture<AppealWidget>(html`<appeal-widget lang=${language} endpoint=${answer(429, { error: 'rate-limited' }, '&retryAfter=30')}></appeal-widget>`);
      await fillValid(limited);
      await submit(limited);
      await until(() => !!shadow(limited).querySelector('[part=notice]'), 5000, 'the rate-limit notice');
      await look(limited, 'rate limited', [plural(strings, language, 'notice.rateLimited', 30, 'count')]);
      const refused = await fixture<AppealWidget>(html`<appeal-widget lang=${language} endpoint=${answer(400, { error: 'bad' })}></appeal-widget>`);
      await fillValid(refused);
      await submit(refused);
      await until(() => !!shadow(refused).querySelector('[part=notice]'), 5000, 'the refusal');
      await look(refused, 'refused', [filled(strings, 'notice.rejected', { status: number(400) })]);
      const invalid = await fixture<AppealWidget>(html`<appeal-widget lang=${language} endpoint=${answer(422, { errors: { email: 'This address bounces.' } })}></appeal-widget>`);
      await fillValid(invalid);
      await submit(invalid);
      await until(() => !!shadow(invalid).querySelector('[part=notice]'), 5000, 'the server’s objection');
      await look(invalid, 'answers refused by the server', [strings['notice.invalid']!]);

      // Thanks by name, the letter on its way, the count after signing, the share step and Mastodon's question.
      const signed = await fixture<AppealWidget>(html`<appeal-widget lang=${language} campaign-url=${letterDocument()}
        endpoint=${answer(201, { ok: true, count: 1501, letter: 'queued' })} share="whatsapp,mastodon,email,copy"></appeal-widget>`);
      await fillValid(signed);
      await submit(signed);
      await until(() => !!shadow(signed).querySelector('[part=thanks]'), 5000, 'the thanks step');
      await look(signed, 'thanks', [
        filled(strings, 'thanks.titleName', { name: 'Aigerim' }),
        filled(strings, 'thanks.letterQueued', { to: 'The authorities' }),
        plural(strings, language, 'counter.signatures', 1501, 'number'),
        strings['share.title']!,
        strings['share.ask']!,
      ]);
      shadow(signed).querySelector<HTMLButtonElement>('[data-channel=mastodon]')!.click();
      await signed.updateComplete;
      control(signed, 'instance').value = 'not a server';
      shadow(signed).querySelector<HTMLButtonElement>('.mastodon button[type=submit]')!.click();
      await look(signed, 'Mastodon server asked', [strings['share.mastodonInstance']!, strings['share.mastodonInvalid']!]);

      // The letter to confirm first, and the letter the signer sends from their own mail program.
      const confirm = await fixture<AppealWidget>(html`<appeal-widget lang=${language} campaign-url=${letterDocument()}
        endpoint=${answer(201, { ok: true, letter: 'awaiting-confirmation' })}></appeal-widget>`);
      await fillValid(confirm);
      await submit(confirm);
      await until(() => !!shadow(confirm).querySelector('[part=thanks]'), 5000, 'the thanks step');
      await look(confirm, 'letter to confirm', [filled(strings, 'thanks.letterConfirm', { to: 'The authorities' })]);
      const mailto = await fixture<AppealWidget>(html`<appeal-widget lang=${language} campaign-url=${letterDocument({ mailto: ['office@prosecutor.example'] })}
        endpoint=${answer(201, { ok: true })}></appeal-widget>`);
      await fillValid(mailto);
      await submit(mailto);
      await until(() => !!shadow(mailto).querySelector('[part=mailto]'), 5000, 'the mailto step');
      await look(mailto, 'letter sent by the signer', [
        filled(strings, 'thanks.mailtoText', { to: 'The authorities' }),
        strings['thanks.mailtoOpen']!,
        strings['thanks.mailtoCopy']!,
      ]);

      // Already signed, and closed.
      const already = await fixture<AppealWidget>(html`<appeal-widget lang=${language} endpoint=${answer(409, { error: 'already-signed', count: 77 })}></appeal-widget>`);
      await fillValid(already);
      await submit(already);
      await until(() => !!shadow(already).querySelector('[part=thanks]'), 5000, 'the already-signed step');
      await look(already, 'already signed', [strings['thanks.alreadyTitle']!, strings['thanks.alreadyText']!, plural(strings, language, 'counter.signatures', 77, 'number')]);
      const closed = await fixture<AppealWidget>(html`<appeal-widget lang=${language} endpoint=${answer(410, { error: 'closed' })}></appeal-widget>`);
      await fillValid(closed);
      await submit(closed);
      await until(() => !!shadow(closed).querySelector('[part=closed]'), 5000, 'the closed notice');
      await look(closed, 'closed', [strings['closed.title']!, strings['closed.text']!]);

      expect(missing, `missing keys in ${language}`).to.deep.equal([]);
    });
  }

  it('the check itself sees English left behind: English shown where German is expected fails it', async () => {
    const [de, en] = await Promise.all([localeStrings('de'), localeStrings('en')]);
    const forbidden = englishOnly(en, de);
    const el = await fixture<AppealWidget>(html`<appeal-widget lang="en" endpoint=${endpoint().url} consent="radio"></appeal-widget>`);
    const shown = shownTexts(el);
    expect(shown.filter((one) => forbidden.whole.has(one))).to.include.members([en['form.submit'], en['field.email'], en['consent.yes']]);
    expect(shown.filter((one) => forbidden.whole.has(one))).not.to.include(en['share.whatsapp']);
    await submit(el);
    expect(shownTexts(el).filter((one) => forbidden.whole.has(one))).to.include(en['validation.required']);
    expect(forbidden.parts.filter((part) => text(el).includes(part))).to.include('There is a problem with');
  });

  it('Persian and Urdu: their own digits and fonts, and the right-to-left languages turned right to left', async function () {
    const present = [...RIGHT_TO_LEFT].filter((code) => AVAILABLE_LOCALES.includes(code));
    for (const language of present) {
      const el = await fixture<AppealWidget>(html`<appeal-widget lang=${language} endpoint=${endpoint().url}></appeal-widget>`);
      expect(getComputedStyle(shadow(el).querySelector('label')!).direction, language).to.equal('rtl');
    }
    if (AVAILABLE_LOCALES.includes('fa')) {
      const counter = endpoint();
      const el = await fixture<AppealWidget>(html`<appeal-widget lang="fa" endpoint=${endpoint().url} count-url=${`/test-endpoint/${counter.bucket}/count?n=1500`}></appeal-widget>`);
      await until(() => !!shadow(el).querySelector('[part=counter]'), 5000, 'the counter');
      expect(text(el)).to.include('۱٬۵۰۰');
      expect(getComputedStyle(shadow(el).querySelector('.card')!).fontFamily).to.match(/^Vazirmatn, Tahoma/);
    }
    if (AVAILABLE_LOCALES.includes('ur')) {
      const el = await fixture<AppealWidget>(html`<appeal-widget lang="ur" endpoint=${endpoint().url}></appeal-widget>`);
      expect(getComputedStyle(shadow(el).querySelector('.card')!).fontFamily).to.match(/^"Noto Nastaliq Urdu"/);
      // The page's own font wins when the site owner sets one.
      el.style.setProperty('--appeal-font', 'Georgia');
      expect(getComputedStyle(shadow(el).querySelector('.card')!).fontFamily).to.equal('Georgia');
    }
  });
});
