import { expect, fixture, html } from '@open-wc/testing';
import '../../src/appeal-widget.js';
import type { AppealWidget } from '../../src/appeal-widget.js';
import { setAssetsBaseUrl } from '../../src/setup/assets.js';
import { mountAfterScript } from '../../src/setup/script-tag.js';
import type { AppealErrorDetail } from '../../src/events.js';
import { uuidV4 } from '../../src/steps/sending/uuid.js';
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

  it('mounts a widget only for a tag with data-endpoint: the data-* an optimiser adds mount nothing', () => {
    const host = document.createElement('div');
    const optimised = document.createElement('script');
    optimised.setAttribute('data-cfasync', 'false');
    optimised.setAttribute('data-campaign', 'free-baltabay');
    host.append(optimised);
    expect(mountAfterScript(optimised, 'div')).to.be.undefined;
    expect(host.children).to.have.length(1);
    const embed = document.createElement('script');
    embed.setAttribute('data-endpoint', '');
    host.append(embed);
    expect(mountAfterScript(embed, 'div')?.getAttribute('endpoint'), 'an empty endpoint is the widget’s to report').to.equal('');
  });

  it('assets-url names the folder of the locale files, wins over the page’s, and means a folder without its last /', async () => {
    const fr = await localeStrings('fr');
    const warn = console.warn;
    const warned: string[] = [];
    console.warn = (...args: unknown[]) => void warned.push(args.join(' '));
    // The page's folder answers nothing: only the widgets' own folders can serve them.
    setAssetsBaseUrl(new URL('/test-hang/', location.href).href);
    try {
      const french = await fixture<AppealWidget>(html`<appeal-widget endpoint=${endpoint().url} lang="fr" assets-url="/"></appeal-widget>`);
      expect(submitButton(french).textContent?.trim()).to.equal(fr['form.submit']);
      const elsewhere = await fixture<AppealWidget>(html`<appeal-widget endpoint=${endpoint().url} lang="de" assets-url="/nowhere"></appeal-widget>`);
      expect(submitButton(elsewhere).textContent?.trim()).to.equal('Add my name');
      expect(warned.join('\n')).to.include(new URL('/nowhere/locales/de.json', location.href).href);
    } finally {
      setAssetsBaseUrl(new URL('/', location.href).href);
      console.warn = warn;
    }
  });

  describe('reads that never answer, or answer too much', () => {
    let timeout: typeof AbortSignal.timeout;
    let consoleError: typeof console.error;
    beforeEach(() => {
      // The widget's own deadlines (10–15 s), cut short so the suite stays fast.
      timeout = AbortSignal.timeout;
      AbortSignal.timeout = (ms: number) => timeout.call(AbortSignal, Math.min(ms, 300));
      consoleError = console.error;
      console.error = () => undefined;
    });
    afterEach(() => {
      AbortSignal.timeout = timeout;
      console.error = consoleError;
    });

    /** A widget appended to the page (not through fixture(), which would wait for ever on a read that hangs). */
    function mount(attributes: Record<string, string>, content = ''): { el: AppealWidget; errors: AppealErrorDetail[] } {
      const el = document.createElement('appeal-widget') as AppealWidget;
      for (const [name, value] of Object.entries({ endpoint: endpoint().url, ...attributes })) el.setAttribute(name, value);
      el.innerHTML = content;
      const errors: AppealErrorDetail[] = [];
      el.addEventListener('appeal-error', (event) => errors.push(event.detail));
      document.body.append(el);
      return { el, errors };
    }

    it('a campaign document that never answers: the form from the page’s slots, in English, and an appeal-error', async () => {
      const { el, errors } = mount({ lang: 'en', 'campaign-url': '/test-hang/campaign.json' }, '<h2 slot="title">Free Erlan Baltabay</h2><p>The appeal.</p>');
      try {
        await until(() => !!el.shadowRoot?.querySelector('form'), 3000, 'the form');
        expect(shadow(el).querySelector('[part=config-error]')).to.be.null;
        expect(shadow(el).querySelector('slot[name=title]')).to.exist;
        expect(submitButton(el).textContent?.trim()).to.equal('Add my name');
        expect(errors.map((error) => error.kind)).to.deep.equal(['timeout']);
        expect(errors[0]!.message).to.include('/test-hang/campaign.json');
        await expect(el).to.be.accessible();
      } finally {
        el.remove();
      }
    });

    it('a locale file that never answers: English, not a blank widget', async () => {
      setAssetsBaseUrl(new URL('/test-hang/', location.href).href);
      const { el } = mount({ lang: 'kk' });
      try {
        await until(() => !!el.shadowRoot?.querySelector('form'), 3000, 'the form');
        expect(submitButton(el).textContent?.trim()).to.equal('Add my name');
      } finally {
        setAssetsBaseUrl(new URL('/', location.href).href);
        el.remove();
      }
    });

    it('refuses a campaign document larger than 256 KB, and says so to the site owner', async () => {
      const small = mount({ lang: 'en', 'campaign-url': '/test-big?size=200000' });
      const big = mount({ lang: 'en', 'campaign-url': '/test-big?size=300000' });
      try {
        await until(() => !!small.el.shadowRoot?.querySelector('h2'), 3000, 'the document just under the limit');
        expect(shadow(small.el).querySelector('[part=title] h2')!.textContent).to.equal('Big');
        await until(() => !!big.el.shadowRoot?.querySelector('[part=config-error], [part=title] h2'), 3000, 'the big document');
        expect(shadow(big.el).querySelector('[part=config-error]'), 'a configuration error').to.exist;
        expect(shadow(big.el).querySelector('[part=config-error]')!.textContent).to.include('could not be loaded');
        expect(big.errors.map((error) => error.kind)).to.deep.equal(['config']);
      } finally {
        small.el.remove();
        big.el.remove();
      }
    });
  });

  describe('the queue in localStorage, which anything on the site can write to', () => {
    const PREFIX = 'appeal-widget:signature:';
    const absolute = (url: string) => new URL(url, location.href).href;
    const signature = (changes: Record<string, unknown> = {}) => ({
      id: uuidV4(),
      campaign: 'free-baltabay',
      createdAt: new Date().toISOString(),
      locale: 'en',
      signer: { email: 'a@example.org' },
      consent: { updates: false, text: '' },
      source: { url: location.origin, referrer: '' },
      ...changes,
    });
    const plant = (entry: { payload: { id: unknown }; [more: string]: unknown }, key = PREFIX + String(entry.payload.id)) => localStorage.setItem(key, JSON.stringify(entry));
    const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

    it('retries only this widget’s own entries: its endpoint and format, key and id alike, a sane date and shape', async () => {
      const mine = endpoint('status=201');
      const theirs = endpoint('status=201');
      const queued = (payload: { id: unknown }, changes: Record<string, unknown> = {}) => ({
        payload,
        destination: { endpoint: absolute(mine.url), format: 'json' },
        queuedAt: Date.now() - 60_000,
        ...changes,
      });
      const good = queued(signature());
      const anotherEndpoint = queued(signature(), { destination: { endpoint: absolute(theirs.url), format: 'json' } });
      const anotherFormat = queued(signature(), { destination: { endpoint: absolute(mine.url), format: 'form' } });
      plant(good);
      plant(anotherEndpoint);
      plant(anotherFormat);
      plant(queued(signature()), PREFIX + uuidV4()); // under another id's key
      plant(queued(signature(), { queuedAt: Date.now() + 864e5 })); // from the future
      plant(queued(signature({ id: 'not-a-uuid' })));
      plant(queued(signature({ campaign: 42 })));
      plant(queued(signature({ signer: 'a@example.org' })));
      plant(queued(signature({ signer: null })));
      await fixture<AppealWidget>(html`<appeal-widget endpoint=${mine.url} lang="en"></appeal-widget>`);
      await until(async () => (await received(mine.bucket)).length > 0, 10_000, 'the retry');
      await wait(300);
      const bodies = (await received(mine.bucket)).map((request) => request.body);
      expect(bodies, 'what reached this widget’s endpoint').to.have.length(1);
      expect(JSON.parse(bodies[0]!).id).to.equal(good.payload.id);
      expect(await received(theirs.bucket)).to.deep.equal([]);
      // What another widget of the site may have queued is left for it.
      expect(localStorage.getItem(PREFIX + anotherEndpoint.payload.id)).to.be.a('string');
      expect(localStorage.getItem(PREFIX + anotherFormat.payload.id)).to.be.a('string');
      expect(localStorage.getItem(PREFIX + good.payload.id)).to.be.null;
    });

    it('sends at most 20 queued signatures per page load', async () => {
      const mine = endpoint('status=201');
      for (let index = 0; index < 25; index++) {
        plant({ payload: signature(), destination: { endpoint: absolute(mine.url), format: 'json' }, queuedAt: Date.now() - 1000 });
      }
      await fixture<AppealWidget>(html`<appeal-widget endpoint=${mine.url} lang="en"></appeal-widget>`);
      await until(async () => (await received(mine.bucket)).length >= 20, 3000, 'the retries');
      await wait(300);
      expect(await received(mine.bucket)).to.have.length(20);
    });
  });
});
