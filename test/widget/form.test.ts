import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/appeal-widget.js';
import type { AppealWidget } from '../../src/appeal-widget.js';
import { control, endpoint, fill, fillValid, received, receivedPayloads, shadow, submit, submitButton, until } from '../support/widget.js';

const errorOf = (el: AppealWidget, name: string) => {
  const input = control(el, name);
  const id = input.getAttribute('aria-describedby');
  return id ? shadow(el).getElementById(id)?.textContent?.trim() : undefined;
};

describe('form validation', () => {
  it('shows no error until the signer leaves a field or submits', async () => {
    const el = await fixture<AppealWidget>(html`<appeal-widget endpoint=${endpoint().url} lang="en"></appeal-widget>`);
    control(el, 'email').focus();
    await sendKeys({ type: 'aigerim@' });
    await el.updateComplete;
    expect(control(el, 'email').hasAttribute('aria-invalid')).to.be.false;
    await sendKeys({ press: 'Tab' });
    await el.updateComplete;
    expect(control(el, 'email').getAttribute('aria-invalid')).to.equal('true');
    expect(errorOf(el, 'email')).to.equal('Please enter an email address like name@example.org.');
    // Correcting it clears the error as the signer types.
    control(el, 'email').focus();
    await sendKeys({ type: 'example.org' });
    await el.updateComplete;
    expect(control(el, 'email').hasAttribute('aria-invalid')).to.be.false;
  });

  it('on an empty submit, focuses an error summary that links to each field', async () => {
    const { url, bucket } = endpoint();
    const el = await fixture<AppealWidget>(html`<appeal-widget endpoint=${url} lang="en"></appeal-widget>`);
    await submit(el);
    const summary = shadow(el).querySelector<HTMLElement>('.error-summary')!;
    expect(shadow(el).activeElement).to.equal(summary);
    const links = [...summary.querySelectorAll('a')].map((link) => link.textContent?.trim());
    expect(links).to.deep.equal([
      'First name: Please fill in this field.',
      'Last name: Please fill in this field.',
      'Email: Please fill in this field.',
      'Country: Please choose an option.',
    ]);
    expect(errorOf(el, 'firstName')).to.equal('Please fill in this field.');
    await expect(el).to.be.accessible();
    summary.querySelectorAll('a')[2]!.click();
    expect(shadow(el).activeElement).to.equal(control(el, 'email'));
    expect(await received(bucket)).to.have.length(0);
  });

  it('checks format and length of each field type', async () => {
    const el = await fixture<AppealWidget>(html`<appeal-widget endpoint=${endpoint().url} lang="en"
      fields="name*,email,phone,postcode,comment"></appeal-widget>`);
    await fill(el, { name: 'x'.repeat(10), email: 'no-at-sign', phone: 'call me maybe' });
    expect(errorOf(el, 'email')).to.equal('Please enter an email address like name@example.org.');
    expect(errorOf(el, 'phone')).to.equal('Please enter a phone number using digits, spaces and + only.');
    expect(errorOf(el, 'name')).to.be.undefined;
    // The reference receiver's limits (server/src/signature-schema.ts), never more.
    const maxLengths = Object.fromEntries(['name', 'email', 'phone', 'postcode', 'comment'].map((name) => [name, control(el, name).getAttribute('maxlength')]));
    expect(maxLengths).to.deep.equal({ name: '100', email: '254', phone: '50', postcode: '32', comment: '1000' });
  });
});

describe('consent', () => {
  async function signWith(consent: string, organiser?: string, answer?: 'yes' | 'no') {
    const { url, bucket } = endpoint();
    const el = await fixture<AppealWidget>(html`<appeal-widget endpoint=${url} lang="en" consent=${consent}
      organiser=${organiser ?? ''} privacy-url="https://union.example/privacy"></appeal-widget>`);
    await fillValid(el);
    if (answer) shadow(el).querySelector<HTMLInputElement>(`#appeal-consent-${answer}`)!.click();
    await submit(el);
    await until(async () => (await received(bucket)).length > 0 || !!shadow(el).querySelector('.error-summary'), 5000, 'send or errors');
    return { el, bucket };
  }

  it('checkbox: unchecked by default; the exact sentence the signer saw is sent', async () => {
    const { el, bucket } = await signWith('checkbox', 'the Demo Union');
    const [payload] = await receivedPayloads(bucket);
    expect(payload!['consent']).to.deep.equal({
      updates: false,
      text: 'Yes, the Demo Union may email me about this campaign and related actions.',
    });
    const link = shadow(el).querySelector<HTMLAnchorElement>('a[href="https://union.example/privacy"]');
    expect(link, 'privacy link').to.be.null; // thanks step shows after sending
  });

  it('keeps an over-long organiser name within the receiver’s consent limit, sending the wording as shown', async () => {
    const organiser = `The ${'Very '.repeat(100)}Long Union`;
    const { el, bucket } = await signWith('checkbox', organiser);
    const [payload] = await receivedPayloads(bucket);
    const sent = (payload!['consent'] as { text: string }).text;
    expect(sent).to.equal(`Yes, ${organiser.slice(0, 150)} may email me about this campaign and related actions.`);
    expect(sent.length).to.be.at.most(1000);
    expect(el.isConnected).to.be.true;
  });

  it('checkbox ticked sends updates: true', async () => {
    const { bucket } = await signWith('checkbox', undefined, 'yes');
    const [payload] = await receivedPayloads(bucket);
    expect(payload!['consent']).to.deep.equal({ updates: true, text: 'Yes, keep me informed by email about this campaign and related actions.' });
  });

  it('radio: an answer is required, and the question is sent with it', async () => {
    const { url, bucket } = endpoint();
    const el = await fixture<AppealWidget>(html`<appeal-widget endpoint=${url} lang="en" consent="radio"
      privacy-url="https://union.example/privacy"></appeal-widget>`);
    expect(shadow(el).querySelector('a[href="https://union.example/privacy"]')).to.exist;
    await fillValid(el);
    await submit(el);
    expect(shadow(el).querySelector('.error-summary')?.textContent).to.include('Please answer yes or no.');
    await expect(el).to.be.accessible();
    shadow(el).querySelector<HTMLInputElement>('#appeal-consent-no')!.click();
    await submit(el);
    await until(async () => (await received(bucket)).length === 1, 5000, 'the send');
    const [payload] = await receivedPayloads(bucket);
    expect(payload!['consent']).to.deep.equal({ updates: false, text: 'May we email you about this campaign and related actions?' });
  });

  it('none: no question, nothing consented', async () => {
    const { url, bucket } = endpoint();
    const el = await fixture<AppealWidget>(html`<appeal-widget endpoint=${url} lang="en" consent="none"></appeal-widget>`);
    expect(shadow(el).querySelector('[name=consentUpdates]')).to.be.null;
    await fillValid(el);
    await submit(el);
    await until(async () => (await received(bucket)).length === 1, 5000, 'the send');
    expect((await receivedPayloads(bucket))[0]!['consent']).to.deep.equal({ updates: false, text: '' });
  });
});

describe('campaign document', () => {
  const documentUrl = (document: unknown) => `/test-echo?body=${encodeURIComponent(JSON.stringify(document))}`;
  const campaign = {
    goal: 500,
    texts: {
      en: { title: 'Free him', appeal: 'First paragraph with https://example.org/more.\n\nSecond <b>not bold</b>.', thanks: 'Thanks!' },
      fr: { title: 'Libérez-le', appeal: 'Premier paragraphe.' },
    },
    letter: { to: 'The Prosecutor General', en: { subject: 'Release him', body: 'Dear Sir,\n\nRelease him.' } },
  };

  it('renders the texts as text with paragraphs and links, and sends the edited letter', async () => {
    const { url, bucket } = endpoint();
    const el = await fixture<AppealWidget>(html`<appeal-widget endpoint=${url} lang="en" campaign-url=${documentUrl(campaign)}></appeal-widget>`);
    expect(shadow(el).querySelector('h2')!.textContent).to.equal('Free him');
    const paragraphs = [...shadow(el).querySelectorAll('[part=appeal] p')].map((p) => p.textContent?.trim());
    expect(paragraphs).to.deep.equal(['First paragraph with https://example.org/more.', 'Second <b>not bold</b>.']);
    expect(shadow(el).querySelector('[part=appeal] b')).to.be.null;
    expect(shadow(el).querySelector<HTMLAnchorElement>('[part=appeal] a')!.href).to.equal('https://example.org/more');
    expect(shadow(el).querySelector('[part=letter]')!.textContent).to.include('To: The Prosecutor General');
    expect(control(el, 'messageSubject').value).to.equal('Release him');
    expect([control(el, 'messageSubject').maxLength, control(el, 'messageBody').maxLength]).to.deep.equal([200, 5000]);
    expect(submitButton(el).textContent?.trim()).to.equal('Send my message');
    await expect(el).to.be.accessible();

    await fill(el, { messageBody: 'Dear Sir,\n\nRelease him now. — A nurse from Almaty' });
    await fillValid(el);
    await submit(el);
    await until(async () => (await received(bucket)).length === 1, 5000, 'the send');
    expect((await receivedPayloads(bucket))[0]!['message']).to.deep.equal({
      subject: 'Release him',
      body: 'Dear Sir,\n\nRelease him now. — A nurse from Almaty',
    });
  });

  it('offers a language menu when the document has several languages, keeping typed values', async () => {
    const el = await fixture<AppealWidget>(html`<appeal-widget endpoint=${endpoint().url} lang="en" campaign-url=${documentUrl(campaign)}></appeal-widget>`);
    await fill(el, { firstName: 'Aigerim' });
    const menu = shadow(el).querySelector<HTMLSelectElement>('#appeal-language')!;
    expect([...menu.options].map((option) => option.textContent?.trim())).to.deep.equal(['English', 'français']);
    menu.value = 'fr';
    menu.dispatchEvent(new Event('change'));
    await until(() => shadow(el).querySelector('h2')?.textContent === 'Libérez-le', 5000, 'French texts');
    await el.updateComplete;
    expect(control(el, 'firstName').value).to.equal('Aigerim');
    expect(shadow(el).querySelector('label[for=appeal-firstName]')!.textContent).to.include('Prénom');
  });

  for (const [name, href, expected] of [
    ['missing', '/no-such-campaign.json', 'could not be loaded (HTTP 404)'],
    ['not JSON', `/test-echo?body=${encodeURIComponent('{ "texts": ')}`, 'is not valid JSON'],
    ['of the wrong shape', documentUrl({ texts: { en: { title: ['a'] } } }), 'texts.en.title: expected text'],
  ] as const) {
    it(`tells the site owner when the document is ${name}`, async () => {
      const original = console.error;
      console.error = () => undefined;
      try {
        const el = document.createElement('appeal-widget') as AppealWidget;
        el.setAttribute('endpoint', endpoint().url);
        el.setAttribute('lang', 'en');
        el.setAttribute('campaign-url', href);
        const event = oneEvent(el, 'appeal-error');
        document.body.append(el);
        expect((await event).detail.kind).to.equal('config');
        await el.updateComplete;
        expect(shadow(el).querySelector('[role=alert]')!.textContent).to.include(expected);
        el.remove();
      } finally {
        console.error = original;
      }
    });
  }
});
