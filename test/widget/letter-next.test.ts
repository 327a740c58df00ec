/**
 * What happens to the letter next (SPEC §9.1, §9.4, §9.5): the unticked question whether the
 * authorities may reply to the signer, the "confirm by email" sentence, and the mailto step, where
 * the signer sends the letter from their own mail program.
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/appeal-widget.js';
import type { AppealWidget } from '../../src/appeal-widget.js';
import { QUEUE_KEY_PREFIX } from '../../src/steps/sending/delivery-controller.js';
import { control, endpoint, fill, fillValid, localeStrings, receivedPayloads, shadow, submit, until } from '../support/widget.js';

const answer = (body: unknown, status = 201) => `status=${status}&body=${encodeURIComponent(JSON.stringify(body))}`;
const status = (el: AppealWidget) => shadow(el).querySelector('[role=status]')!.textContent!.trim();
const ADDRESSES = ['president@gov.example', 'prosecutor@gov.example'];

const small = {
  id: 'free-baltabay',
  texts: { en: { title: 'Free Erlan Baltabay' }, ar: { title: 'الحرية لإرلان بالتاباي' } },
  letter: { to: 'The Prosecutor General', en: { subject: 'Release him', body: 'Dear Sir or Madam,\n\nRelease him.' } },
};

/** Campaign documents are served from here, so a test can use one as large as the demo's. */
const documents = new Map<string, unknown>();
const realFetch = window.fetch;
before(() => {
  window.fetch = (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    const name = /\/letter-next-doc\/(\d+)$/.exec(url)?.[1];
    return name ? Promise.resolve(new Response(JSON.stringify(documents.get(name)))) : realFetch(input, init);
  };
});
after(() => {
  window.fetch = realFetch;
  Object.keys(localStorage).filter((key) => key.startsWith(QUEUE_KEY_PREFIX)).forEach((key) => localStorage.removeItem(key));
});

async function mount(query: string, lang: string, document: unknown, extra: Record<string, string> = {}) {
  const { url, bucket } = endpoint(query);
  const name = String(documents.size);
  documents.set(name, document);
  const el = await fixture<AppealWidget>(html`<div></div>`).then((parent) => {
    const widget = window.document.createElement('appeal-widget') as AppealWidget;
    for (const [key, value] of Object.entries({ endpoint: url, lang, 'campaign-url': `/letter-next-doc/${name}`, ...extra })) widget.setAttribute(key, value);
    parent.append(widget);
    return widget;
  });
  await el.updateComplete;
  return { el, bucket };
}

async function sign(el: AppealWidget, before?: () => Promise<void>): Promise<void> {
  await fillValid(el);
  await before?.();
  await submit(el);
  await until(() => !!shadow(el).querySelector('[part=thanks], [part=notice]'), 5000, 'an outcome');
  await el.updateComplete;
}

describe('may the authorities reply to me', () => {
  for (const lang of ['en', 'ar']) {
    it(`${lang}: asked unticked, with its risk, only when the document says replyTo`, async () => {
      const strings = await localeStrings(lang);
      const { el } = await mount(answer({ ok: true }), lang, { ...small, replyTo: true });
      await expect(el).to.be.accessible();
      expect(el.getAttribute('dir')).to.equal(lang === 'ar' ? 'rtl' : 'ltr');
      const box = control(el, 'consentReplyTo');
      expect(box.type).to.equal('checkbox');
      expect(box.checked, 'unticked by default').to.be.false;
      expect(shadow(el).querySelector('label[for=appeal-reply-to]')!.textContent!.trim()).to.equal(strings['consent.replyTo']);
      const risk = shadow(el).querySelector(`#${box.getAttribute('aria-describedby')}`)!;
      expect(risk.textContent!.trim()).to.equal(strings['consent.replyToRisk']);

      const plain = await mount(answer({ ok: true }), lang, small);
      await expect(plain.el).to.be.accessible();
      expect(shadow(plain.el).querySelector('[name=consentReplyTo]')).to.be.null;
    });
  }

  it('sends the wording shown, and true only when ticked; nothing when not asked', async () => {
    const wording = 'The authorities may reply to me at my email address. They will then know your address. If that could put you or your family at risk, leave it unticked.';
    const ticked = await mount(answer({ ok: true }), 'en', { ...small, replyTo: true });
    await expect(ticked.el).to.be.accessible();
    await sign(ticked.el, async () => {
      control(ticked.el, 'consentReplyTo').click();
      await ticked.el.updateComplete;
    });
    const [yes] = await receivedPayloads(ticked.bucket);
    expect(yes!['consent']).to.deep.include({ replyTo: true, replyToText: wording });

    const unticked = await mount(answer({ ok: true }), 'en', { ...small, replyTo: true });
    await sign(unticked.el);
    expect((await receivedPayloads(unticked.bucket))[0]!['consent']).to.deep.include({ replyTo: false, replyToText: wording });

    const form = await mount(answer({ ok: true }), 'en', { ...small, replyTo: true }, { format: 'form' });
    await sign(form.el, async () => {
      control(form.el, 'consentReplyTo').click();
      await form.el.updateComplete;
    });
    const body = new URLSearchParams((await (await fetch(`/test-endpoint/${form.bucket}/received`)).json())[0].body);
    expect(body.get('consent_reply_to')).to.equal('yes');
    expect(body.get('consent_reply_to_text')).to.equal(wording);

    const none = await mount(answer({ ok: true }), 'en', small);
    await sign(none.el);
    const consent = (await receivedPayloads(none.bucket))[0]!['consent'] as Record<string, unknown>;
    expect(consent).not.to.have.property('replyTo');
    expect(consent).not.to.have.property('replyToText');
  });
});

describe('awaiting confirmation', () => {
  for (const lang of ['en', 'ar']) {
    it(`${lang}: the thank-you step says to confirm by email, and announces it`, async () => {
      const strings = await localeStrings(lang);
      const { el } = await mount(answer({ ok: true, count: 3, letter: 'awaiting-confirmation' }), lang, small);
      await expect(el).to.be.accessible();
      await sign(el);
      const sentence = strings['thanks.letterConfirm']!.replace('{{to}}', 'The Prosecutor General');
      expect(shadow(el).querySelector('[part=thanks]')!.textContent).to.include(sentence);
      expect(status(el)).to.equal(`${strings['status.signed']} ${sentence}`);
      await expect(el).to.be.accessible();
    });
  }
});

describe('mailto: the signer sends the letter', () => {
  const demo = async () => ((await (await realFetch('/demo/free-baltabay.json')).json()) as { letter: Record<string, unknown> });
  const withMailto = async (): Promise<{ letter: Record<string, unknown> }> => {
    const document = await demo();
    return { ...document, letter: { ...document.letter, mailto: ADDRESSES } };
  };

  for (const lang of ['en', 'fr']) {
    it(`${lang}, the demo letter edited, a plain endpoint: the link has both addresses, subject and body, encoded, under 2,000 characters`, async () => {
      const document = await withMailto();
      const letter = document.letter[lang] as { subject: string; body: string };
      const { el } = await mount(answer({ ok: true }), lang, document);
      await expect(el).to.be.accessible();
      await fill(el, { messageBody: `${letter.body}\n\nP.S. Free him now.` });
      await sign(el);
      const link = shadow(el).querySelector<HTMLAnchorElement>('[part=mailto] a[href^="mailto:"]')!;
      const href = link.getAttribute('href')!;
      expect(href.length).to.be.below(2000);
      const [, to, subject, body] = /^mailto:([^?]*)\?subject=([^&]*)&body=([^&]*)$/.exec(href)!;
      expect(to).to.equal(ADDRESSES.join(','));
      expect(decodeURIComponent(subject!)).to.equal(letter.subject);
      expect(href).not.to.include('+');
      expect(body!.replace(/%0D%0A/g, '')).not.to.match(/%0A|%0D/);
      const decoded = decodeURIComponent(body!);
      expect(decoded.startsWith(letter.body.replace(/\n/g, '\r\n').slice(0, 200))).to.be.true;
      expect(decoded.endsWith('Aigerim N.')).to.be.true;
      const shortened = !decoded.includes('P.S. Free him now.');
      expect(!!shadow(el).querySelector('[part=mailto] .hint'), 'a visible note exactly when shortened').to.equal(shortened);
      for (const address of ADDRESSES) expect(shadow(el).querySelector('[part=mailto]')!.textContent).to.include(address);
      await expect(el).to.be.accessible();
    });
  }

  it('copy the letter: the full edited text, with a visible and announced confirmation', async () => {
    const strings = await localeStrings('en');
    const { el } = await mount(answer({ ok: true, letter: 'mailto' }), 'en', await withMailto());
    await expect(el).to.be.accessible();
    await fill(el, { messageBody: 'My own words.' });
    await sign(el);
    const target = 'The President and the Prosecutor General of the Republic of Kazakhstan';
    expect(shadow(el).querySelector('[part=thanks]')!.textContent).to.include(strings['thanks.mailtoText']!.replace('{{to}}', target));
    let copied = '';
    const clipboard = Object.getOwnPropertyDescriptor(Navigator.prototype, 'clipboard')!;
    Object.defineProperty(Navigator.prototype, 'clipboard', { configurable: true, get: () => ({ writeText: async (text: string) => void (copied = text) }) });
    try {
      const button = [...shadow(el).querySelectorAll<HTMLButtonElement>('[part=mailto] button')].find((b) => b.textContent!.trim() === strings['thanks.mailtoCopy'])!;
      button.click();
      await until(() => !!shadow(el).querySelector('[part=mailto] [part=copied]'), 5000, 'the confirmation');
    } finally {
      Object.defineProperty(Navigator.prototype, 'clipboard', clipboard);
    }
    expect(copied).to.equal('My own words.\n\nAigerim N.');
    expect(shadow(el).querySelector('[part=mailto] [part=copied]')!.textContent).to.equal(strings['thanks.mailtoCopied']);
    expect(status(el)).to.equal(strings['thanks.mailtoCopied']);
    await expect(el).to.be.accessible();
  });

  it('Arabic, right to left: the mailto step is accessible and a long letter is shortened with a note', async () => {
    const strings = await localeStrings('ar');
    const document = { ...small, letter: { ...small.letter, mailto: ADDRESSES, ar: { subject: 'أطلقوا سراحه', body: 'أطلقوا سراح إرلان بالتاباي. '.repeat(60) } } };
    const { el } = await mount(answer({ ok: true }), 'ar', document);
    await expect(el).to.be.accessible();
    await sign(el);
    expect(el.getAttribute('dir')).to.equal('rtl');
    const href = shadow(el).querySelector<HTMLAnchorElement>('[part=mailto] a')!.getAttribute('href')!;
    expect(href.length).to.be.below(1900);
    expect(decodeURIComponent(href.split('&body=')[1]!)).to.include(strings['thanks.mailtoCut']);
    expect(shadow(el).querySelector('[part=mailto] .hint')!.textContent).to.equal(strings['thanks.mailtoShortened']);
    await expect(el).to.be.accessible();
  });
});
