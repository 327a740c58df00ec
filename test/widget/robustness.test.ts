import { expect, fixture, html } from '@open-wc/testing';
import '../../src/appeal-widget.js';
import type { AppealWidget } from '../../src/appeal-widget.js';
import { mountAfterScript } from '../../src/config/script-tag.js';
import { control, endpoint, fill, fillValid, localeStrings, received, receivedPayloads, shadow, submit, submitButton, text, until } from '../support/widget.js';

const documentUrl = (document: unknown) => `/test-echo?body=${encodeURIComponent(JSON.stringify(document))}`;

describe('robustness', () => {
  afterEach(() => {
    for (const key of Object.keys(localStorage)) if (key.startsWith('appeal-widget:')) localStorage.removeItem(key);
  });

  it('preselects the country once: a country the signer cleared is not filled in again', async () => {
    const { url, bucket } = endpoint('status=201');
    const el = await fixture<AppealWidget>(html`<appeal-widget endpoint=${url} lang="fr-FR" fields="email*,country"></appeal-widget>`);
    expect(control<HTMLSelectElement>(el, 'country').value).to.equal('FR');
    await fill(el, { country: '' });
    await submit(el); // fails: no email yet, and waits for updates on the way
    await fill(el, { email: 'a@example.org' });
    await submit(el);
    await until(async () => (await received(bucket)).length === 1, 5000, 'the send');
    expect(((await receivedPayloads(bucket))[0]!['signer'] as Record<string, string>)['country']).to.equal('');
  });

  it('does not preselect a country from the page’s own <html lang>', async () => {
    const previous = document.documentElement.lang;
    document.documentElement.lang = 'en-US';
    try {
      const el = await fixture<AppealWidget>(html`<appeal-widget endpoint=${endpoint().url}></appeal-widget>`);
      expect(control<HTMLSelectElement>(el, 'country').value).to.equal('');
    } finally {
      document.documentElement.lang = previous;
    }
  });

  it('shows the receiver’s message.body error at the letter’s body', async () => {
    const document = { texts: { en: {} }, letter: { to: 'T', en: { subject: 'S', body: 'B' } } };
    const errors = encodeURIComponent(JSON.stringify({ errors: { 'message.body': 'must not contain control characters' } }));
    const el = await fixture<AppealWidget>(html`<appeal-widget endpoint=${endpoint(`status=422&body=${errors}`).url} lang="en"
      campaign-url=${documentUrl(document)}></appeal-widget>`);
    await fillValid(el);
    await submit(el);
    await until(() => control(el, 'messageBody').getAttribute('aria-invalid') === 'true', 5000, 'the error at the body');
    expect(shadow(el).querySelector('.error-summary a')!.textContent).to.equal('Message: must not contain control characters');
    // The letter's hint still describes the field next to its error.
    expect(control(el, 'messageBody').getAttribute('aria-describedby')).to.equal('appeal-messageBody-error appeal-letter-hint');
  });

  it('takes the campaign from the document’s id when the attribute is not set', async () => {
    const { url, bucket } = endpoint('status=201');
    const el = await fixture<AppealWidget>(html`<appeal-widget endpoint=${url} lang="en"
      campaign-url=${documentUrl({ id: 'from-document', texts: { en: { title: 'T' } } })}></appeal-widget>`);
    await fillValid(el);
    await submit(el);
    await until(async () => (await received(bucket)).length === 1, 5000, 'the send');
    expect((await receivedPayloads(bucket))[0]!['campaign']).to.equal('from-document');
  });

  it('Retry-After: 0 never retries sooner than the backoff', async () => {
    const { url, bucket } = endpoint('status=429,201&retryAfter=0');
    const el = await fixture<AppealWidget>(html`<appeal-widget endpoint=${url} lang="en"></appeal-widget>`);
    await fillValid(el);
    const start = Date.now();
    await submit(el);
    await until(() => text(el).includes('Thank you'), 5000, 'the retry');
    expect(Date.now() - start).to.be.at.least(900);
    expect(await received(bucket)).to.have.length(2);
  });

  it('the last language asked for wins, however the loads finish', async () => {
    const [de, fr] = await Promise.all([localeStrings('de'), localeStrings('fr')]);
    const el = await fixture<AppealWidget>(html`<appeal-widget endpoint=${endpoint().url} lang="en"></appeal-widget>`);
    el.setAttribute('lang', 'de');
    await el.updateComplete;
    el.setAttribute('lang', 'fr');
    el.setAttribute('lang', 'en');
    await el.updateComplete;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(submitButton(el).textContent?.trim()).to.equal('Add my name');
    expect([de['form.submit'], fr['form.submit']]).not.to.include(submitButton(el).textContent?.trim());
  });

  it('copies with a selection where the Clipboard API is missing (an http page)', async () => {
    const el = await fixture<AppealWidget>(html`<appeal-widget endpoint=${endpoint('status=201').url} lang="en" share="copy"></appeal-widget>`);
    await fillValid(el);
    await submit(el);
    await until(() => !!shadow(el).querySelector('[data-channel=copy]'), 5000, 'the share step');
    const clipboard = Object.getOwnPropertyDescriptor(Navigator.prototype, 'clipboard')!;
    Object.defineProperty(Navigator.prototype, 'clipboard', { configurable: true, get: () => undefined });
    try {
      shadow(el).querySelector<HTMLButtonElement>('[data-channel=copy]')!.click();
      await until(() => !!shadow(el).querySelector('[part=copied]'), 5000, 'the confirmation');
    } finally {
      Object.defineProperty(Navigator.prototype, 'clipboard', clipboard);
    }
  });

  it('copies only data-* attributes from the script tag, never as event handlers', () => {
    const host = document.createElement('div');
    const script = document.createElement('script');
    script.setAttribute('data-endpoint', '/api/signatures');
    script.setAttribute('data-onclick', 'window.__pwned = 1');
    script.setAttribute('data-ONMOUSEOVER', 'window.__pwned = 1');
    host.append(script);
    const widget = mountAfterScript(script, 'div')!;
    expect(widget.getAttribute('endpoint')).to.equal('/api/signatures');
    expect(widget.getAttributeNames()).to.deep.equal(['endpoint']);
    // A bare script tag only defines the element.
    const bare = document.createElement('script');
    host.append(bare);
    expect(mountAfterScript(bare, 'div')).to.be.undefined;
  });
});
