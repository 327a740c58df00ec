/**
 * What a receiver that holds the campaign (SPEC §8, §9.5) tells the widget: the letter is on its
 * way (`"letter": "queued"`), the campaign is closed (`"status": "closed"` or a 410), and the count
 * so far, carried by the campaign document itself.
 */
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../src/appeal-widget.js';
import type { AppealWidget } from '../../src/appeal-widget.js';
import type { AppealErrorDetail } from '../../src/events.js';
import { QUEUE_KEY_PREFIX } from '../../src/steps/sending/delivery-controller.js';
import { endpoint, fillValid, localeStrings, received, shadow, submit, text, until } from '../support/widget.js';

const documentUrl = (document: unknown) => `/test-echo?body=${encodeURIComponent(JSON.stringify(document))}`;
const answer = (body: unknown, status = 201) => `status=${status}&body=${encodeURIComponent(JSON.stringify(body))}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const campaign = {
  id: 'free-baltabay',
  texts: {
    en: { title: 'Free Erlan Baltabay', appeal: 'He is in prison again.' },
    fr: { title: 'Libérez Erlan Baltabay', appeal: 'Il est de nouveau en prison.' },
    ar: { title: 'الحرية لإرلان بالتاباي', appeal: 'إنه في السجن من جديد.' },
  },
  letter: {
    to: 'The Prosecutor General',
    en: { subject: 'Release him', body: 'Dear Sir or Madam,\n\nRelease him.' },
    fr: { to: 'Le Procureur général', subject: 'Libérez-le', body: 'Madame, Monsieur,\n\nLibérez-le.' },
  },
};

const status = (el: AppealWidget) => shadow(el).querySelector('[role=status]')!.textContent!.trim();
const queued = () => Object.keys(localStorage).filter((key) => key.startsWith(QUEUE_KEY_PREFIX) && key !== QUEUE_KEY_PREFIX);

/** A widget with every attribute set before it connects, as a script tag's would be. */
async function mount(query: string, lang = 'en', document: unknown = campaign, extra: Record<string, string> = {}) {
  const { url, bucket } = endpoint(query);
  const el = await fixture<AppealWidget>(html`<div></div>`).then((parent) => {
    const widget = window.document.createElement('appeal-widget') as AppealWidget;
    for (const [name, value] of Object.entries({ endpoint: url, lang, 'campaign-url': documentUrl(document), ...extra })) widget.setAttribute(name, value);
    parent.append(widget);
    return widget;
  });
  await el.updateComplete;
  return { el, bucket };
}

async function sign(el: AppealWidget): Promise<void> {
  await fillValid(el);
  await submit(el);
  await until(() => !!shadow(el).querySelector('[part=thanks], [part=closed], [part=notice]'), 5000, 'an outcome');
  await el.updateComplete;
}

describe('the letter on its way', () => {
  afterEach(() => queued().forEach((key) => localStorage.removeItem(key)));

  it('says, and announces, that the message is on its way to the target named in the signer’s language', async () => {
    const { el } = await mount(answer({ ok: true, count: 5, letter: 'queued' }));
    await expect(el).to.be.accessible();
    await sign(el);
    const sentence = 'Your message is on its way to The Prosecutor General.';
    expect(shadow(el).querySelector('[part=thanks]')!.textContent).to.include(sentence);
    expect(status(el)).to.equal(`Your signature has been received. Thank you! ${sentence}`);
    await expect(el).to.be.accessible();

    // In French, the target as the French letter names it, in the French sentence.
    const fr = await localeStrings('fr');
    const french = await mount(answer({ ok: true, count: 6, letter: 'queued' }), 'fr');
    await expect(french.el).to.be.accessible();
    await sign(french.el);
    const phrase = fr['thanks.letterQueued']!.replace('{{to}}', 'Le Procureur général');
    expect(shadow(french.el).querySelector('[part=thanks]')!.textContent).to.include(phrase);
    expect(status(french.el)).to.include(phrase);
  });

  for (const [name, body] of [
    ['"none"', { ok: true, count: 5, letter: 'none' }],
    ['absent', { ok: true, count: 5 }],
    ['unknown', { ok: true, count: 5, letter: 'carrier-pigeon' }],
  ] as const) {
    it(`a letter field that is ${name}: the thank-you step as before`, async () => {
      const { el } = await mount(answer(body));
      await expect(el).to.be.accessible();
      await sign(el);
      expect(!!shadow(el).querySelector('[part=thanks]'), 'the thanks step').to.be.true;
      expect(text(el)).not.to.include('on its way');
      expect(status(el)).to.equal('Your signature has been received. Thank you!');
    });
  }
});

describe('a closed campaign', () => {
  afterEach(() => queued().forEach((key) => localStorage.removeItem(key)));

  for (const lang of ['en', 'ar'] as const) {
    it(`${lang}: the document says "closed": the notice instead of the form, the appeal and counter still shown`, async () => {
      const strings = await localeStrings(lang);
      const errors: AppealErrorDetail[] = [];
      const { url, bucket } = endpoint();
      const el = document.createElement('appeal-widget') as AppealWidget;
      el.addEventListener('appeal-error', (event) => errors.push(event.detail));
      Object.entries({ endpoint: url, lang, 'campaign-url': documentUrl({ ...campaign, status: 'closed', count: 1234 }) }).forEach(([name, value]) =>
        el.setAttribute(name, value),
      );
      document.body.append(el);
      try {
        await el.updateComplete;
        await expect(el).to.be.accessible();
        expect(el.getAttribute('dir')).to.equal(lang === 'ar' ? 'rtl' : 'ltr');
        expect(!!shadow(el).querySelector('form'), 'a form').to.be.false;
        expect(!!shadow(el).querySelector('[part=letter]'), 'the letter').to.be.false;
        const notice = shadow(el).querySelector('[part=closed]')!;
        expect(notice.querySelector('h3')!.textContent!.trim()).to.equal(strings['closed.title']);
        expect(notice.querySelector('p')!.textContent!.trim()).to.equal(strings['closed.text']);
        expect(shadow(el).querySelector('h2')!.textContent).to.equal(campaign.texts[lang].title);
        expect(shadow(el).querySelector('[part=appeal]')!.textContent).to.include(campaign.texts[lang].appeal);
        expect(shadow(el).querySelector('.count')!.textContent).to.include(new Intl.NumberFormat(lang).format(1234));
        await sleep(300);
        // Nothing failed: the organiser closed the campaign.
        expect(errors).to.deep.equal([]);
        expect(await received(bucket)).to.have.length(0);
      } finally {
        el.remove();
      }
    });
  }

  it('the campaign\'s own closed notice, when its document has one, shown as text', async () => {
    const closedText = 'This appeal has ended: Erlan is free. <b>Thank you</b> to all who signed.';
    const texts = { ...campaign.texts, en: { ...campaign.texts.en, closed: closedText } };
    const { url } = endpoint();
    const el = document.createElement('appeal-widget') as AppealWidget;
    Object.entries({ endpoint: url, lang: 'en', 'campaign-url': documentUrl({ ...campaign, texts, status: 'closed' }) }).forEach(([name, value]) =>
      el.setAttribute(name, value),
    );
    document.body.append(el);
    try {
      await el.updateComplete;
      await until(() => !!shadow(el).querySelector('[part=closed]'), 5000, 'the closed notice');
      const paragraph = shadow(el).querySelector('[part=closed] p')!;
      expect(paragraph.textContent!.trim()).to.equal(closedText);
      expect(paragraph.querySelector('b'), 'no markup').to.be.null;
      await expect(el).to.be.accessible();
    } finally {
      el.remove();
    }
  });

  it('410 from the endpoint: the notice replaces the form, the signature is neither queued nor retried', async () => {
    const { el, bucket } = await mount(answer({ error: 'closed' }, 410));
    await expect(el).to.be.accessible();
    await fillValid(el);
    const failed = oneEvent(el, 'appeal-error');
    await submit(el);
    expect(((await failed).detail as AppealErrorDetail).kind).to.equal('closed');
    await until(() => !!shadow(el).querySelector('[part=closed]'), 5000, 'the closed notice');
    await el.updateComplete;
    expect(!!shadow(el).querySelector('form'), 'a form').to.be.false;
    expect(shadow(el).activeElement?.id).to.equal('appeal-closed');
    expect(status(el)).to.equal('It no longer takes signatures. Thank you to everyone who took part.');
    expect(text(el)).to.include('This appeal is closed');
    expect(text(el)).to.include('He is in prison again.');
    expect(text(el)).not.to.include('refused');
    await expect(el).to.be.accessible();
    expect(queued(), 'nothing waits in localStorage').to.deep.equal([]);
    // Past the first backoff (1 s), back online, and a new page load of the widget: nothing is re-sent.
    await sleep(1500);
    dispatchEvent(new Event('online'));
    const again = await fixture<AppealWidget>(html`<appeal-widget endpoint=${el.endpoint} lang="en"></appeal-widget>`);
    await again.updateComplete;
    await sleep(500);
    expect(await received(bucket)).to.have.length(1);
    expect(queued()).to.deep.equal([]);
  });
});

describe('the first count', () => {
  it('comes from the campaign document, with no count-url request', async () => {
    const counter = endpoint();
    // A GET of the bucket itself is recorded: that is the request that must not happen.
    const { el } = await mount('status=201', 'en', { ...campaign, status: 'open', count: 321 }, { 'count-url': counter.url });
    await expect(el).to.be.accessible();
    await until(() => !!shadow(el).querySelector('.count'), 5000, 'the counter');
    expect(shadow(el).querySelector('.count')!.textContent).to.equal('321 signatures');
    await sleep(300);
    expect(await received(counter.bucket)).to.have.length(0);
  });

  it('comes from count-url when the document carries no count', async () => {
    const { bucket } = endpoint();
    const { el } = await mount('status=201', 'en', campaign, { 'count-url': `/test-endpoint/${bucket}/count?n=77` });
    await expect(el).to.be.accessible();
    await until(() => !!shadow(el).querySelector('.count'), 5000, 'the counter');
    expect(shadow(el).querySelector('.count')!.textContent).to.equal('77 signatures');
  });
});
