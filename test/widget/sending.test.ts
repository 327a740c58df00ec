import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../src/appeal-widget.js';
import type { AppealWidget } from '../../src/appeal-widget.js';
import type { AppealErrorDetail } from '../../src/index.js';
import { control, endpoint, fillValid, received, receivedPayloads, shadow, submit, submitButton, text, until } from '../support/widget.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

async function widget(query: string, attributes = '') {
  const { url, bucket } = endpoint(query);
  const el = await fixture<AppealWidget>(
    html`<appeal-widget endpoint=${url} campaign="free-baltabay" lang="en"></appeal-widget>`,
  );
  for (const [name, value] of new URLSearchParams(attributes)) el.setAttribute(name, value);
  await el.updateComplete;
  return { el, bucket };
}

describe('sending', () => {
  afterEach(() => {
    // Failed sends wait in localStorage; each test starts with an empty queue.
    for (const key of Object.keys(localStorage)) if (key.startsWith('appeal-widget:')) localStorage.removeItem(key);
  });

  it('posts the JSON payload of SPEC §4.1 and shows the thanks step with the new count', async () => {
    const { el, bucket } = await widget('status=201&body={"ok":true,"count":1234}');
    await fillValid(el);
    const signed = oneEvent(el, 'appeal-signed');
    await submit(el);
    const { detail } = await signed;
    const [request] = await received(bucket);
    expect(request!.contentType).to.equal('application/json');
    const payload = JSON.parse(request!.body);
    expect(payload).to.deep.include({ campaign: 'free-baltabay', locale: 'en' });
    expect(payload.id).to.match(UUID);
    expect(payload.signer).to.deep.equal({ firstName: 'Aigerim', lastName: 'N.', email: 'aigerim@example.org', country: 'KZ' });
    expect(payload.consent.updates).to.equal(false);
    expect(payload.source.url).to.equal(location.origin + location.pathname);
    expect(new Date(payload.createdAt).getTime()).to.be.closeTo(Date.now(), 60_000);
    expect(detail.payload).to.deep.equal(payload);
    expect(detail.response).to.deep.equal({ status: 201, body: { ok: true, count: 1234 } });
    await el.updateComplete;
    expect(shadow(el).activeElement?.id).to.equal('appeal-thanks');
    expect(text(el)).to.include('Thank you, Aigerim!');
    expect(text(el)).to.include('1,234 signatures');
    await expect(el).to.be.accessible();
  });

  it('sends back the form token its count gave, and the honeypot only when something filled it', async () => {
    const { url, bucket } = endpoint('status=201');
    const el = await fixture<AppealWidget>(html`<appeal-widget endpoint=${url} campaign="free-baltabay" lang="en"
      count-url="/test-endpoint/${bucket}/count?n=5&token=free-baltabay.abc.def.ghi"></appeal-widget>`);
    await until(() => text(el).includes('5 signatures'), 5000, 'the count');
    await fillValid(el);
    await submit(el);
    await until(async () => (await received(bucket)).length === 1, 5000, 'the send');
    const first = JSON.parse((await received(bucket))[0]!.body);
    expect(first.formToken).to.equal('free-baltabay.abc.def.ghi');
    expect('honeypot' in first).to.equal(false);

    // A script that fills every input fills the hidden one too.
    const { el: bot, bucket: botBucket } = await widget('status=201');
    await fillValid(bot);
    shadow(bot).querySelector<HTMLInputElement>('input.trap')!.value = 'http://spam.example';
    await submit(bot);
    await until(async () => (await received(botBucket)).length === 1, 5000, 'the bot send');
    const sent = JSON.parse((await received(botBucket))[0]!.body);
    expect(sent.honeypot).to.equal('http://spam.example');
    expect('formToken' in sent).to.equal(false, 'no token where nothing gave one');
  });

  it('posts the flattened form of SPEC §4.2 as a simple request', async () => {
    const { el, bucket } = await widget('status=200', 'format=form');
    await fillValid(el);
    await submit(el);
    await until(async () => (await received(bucket)).length === 1, 5000, 'the send');
    const [request] = await received(bucket);
    expect(request!.contentType).to.match(/^application\/x-www-form-urlencoded/);
    const body = Object.fromEntries(new URLSearchParams(request!.body));
    expect(body).to.deep.include({
      campaign: 'free-baltabay',
      locale: 'en',
      first_name: 'Aigerim',
      last_name: 'N.',
      email: 'aigerim@example.org',
      country: 'KZ',
      consent_updates: 'no',
      source_url: location.origin + location.pathname,
    });
    expect(body['id']).to.match(UUID);
    expect(Object.keys(body)).to.include.members(['created_at', 'consent_text', 'referrer']);
  });

  it('sends once however many times the button is pressed', async () => {
    const { el, bucket } = await widget('status=201&delay=300');
    await fillValid(el);
    const button = submitButton(el);
    button.click();
    button.click();
    await el.updateComplete;
    expect(button.getAttribute('aria-disabled')).to.equal('true');
    expect(button.textContent?.trim()).to.equal('Sending…');
    expect(shadow(el).querySelector('[role=status]')!.textContent).to.equal('Sending your signature…');
    await expect(el).to.be.accessible();
    button.click();
    await until(() => text(el).includes('Thank you'), 5000, 'thanks');
    expect(await received(bucket)).to.have.length(1);
  });

  it('lets the host add to the payload, or cancel the send', async () => {
    const { el, bucket } = await widget('status=201');
    await fillValid(el);
    el.addEventListener('appeal-submit', (event) => Object.assign(event.detail.payload, { branch: 'Almaty' }), { once: true });
    await submit(el);
    await until(async () => (await received(bucket)).length === 1, 5000, 'the send');
    expect((await receivedPayloads(bucket))[0]!['branch']).to.equal('Almaty');

    const second = await widget('status=201');
    await fillValid(second.el);
    second.el.addEventListener('appeal-submit', (event) => event.preventDefault(), { once: true });
    await submit(second.el);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await received(second.bucket)).to.have.length(0);
  });

  it('409: tells the signer kindly they already signed, and offers the share step', async () => {
    const { el } = await widget('status=409&body={"error":"already-signed","count":77}');
    await fillValid(el);
    let signedEvents = 0;
    el.addEventListener('appeal-signed', () => signedEvents++);
    await submit(el);
    await until(() => text(el).includes('You have already signed'), 5000, 'already signed');
    expect(text(el)).to.include('77 signatures');
    expect(shadow(el).querySelector('[part=share-list]')).to.exist;
    expect(signedEvents).to.equal(0);
  });

  it('422: shows each message at its field and keeps every value', async () => {
    const { el } = await widget(`status=422&body=${encodeURIComponent('{"errors":{"email":"This address bounces.","campaign":"Unknown campaign."}}')}`);
    await fillValid(el);
    const failed = oneEvent(el, 'appeal-error');
    await submit(el);
    expect(((await failed).detail as AppealErrorDetail).kind).to.equal('rejected');
    await until(() => !!shadow(el).querySelector('.error-summary'), 5000, 'the summary');
    await el.updateComplete;
    const email = control(el, 'email');
    expect(email.getAttribute('aria-invalid')).to.equal('true');
    expect(shadow(el).getElementById(email.getAttribute('aria-describedby')!)!.textContent).to.equal('This address bounces.');
    expect(shadow(el).querySelector('.error-summary')!.textContent).to.include('campaign: Unknown campaign.');
    expect(shadow(el).activeElement).to.equal(shadow(el).querySelector('.error-summary'));
    expect([control(el, 'firstName').value, email.value, control<HTMLSelectElement>(el, 'country').value]).to.deep.equal([
      'Aigerim',
      'aigerim@example.org',
      'KZ',
    ]);
    await expect(el).to.be.accessible();
  });

  it('429: says so and will retry after Retry-After', async () => {
    const { el } = await widget('status=429,201&retryAfter=1');
    await fillValid(el);
    await submit(el);
    await until(() => text(el).includes('Too many attempts'), 5000, 'the notice');
    expect(text(el)).to.include('We will try again in 1 second.');
    await until(() => text(el).includes('Thank you'), 5000, 'the retry');
  });

  it('a widget joining the page leaves a signature waiting for its backoff alone', async () => {
    // A widget's start-up sweep re-sends what earlier visits left queued. It must not re-send a
    // signature another widget here is already waiting to retry: in WebKit the sweep's timer can
    // fire after a first send failed, which used to throw that send's backoff away.
    const { url, bucket } = endpoint('status=429,201&retryAfter=0');
    const first = await fixture<AppealWidget>(html`<appeal-widget endpoint=${url} lang="en"></appeal-widget>`);
    await fillValid(first);
    const start = Date.now();
    await submit(first);
    await until(() => text(first).includes('Too many attempts'), 5000, 'the notice');
    const second = await fixture<AppealWidget>(html`<appeal-widget endpoint=${url} lang="en"></appeal-widget>`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await received(bucket), 'sends before the backoff').to.have.length(1);
    await until(() => text(first).includes('Thank you'), 5000, 'the retry');
    expect(Date.now() - start).to.be.at.least(900);
    expect(await received(bucket)).to.have.length(2);
    second.remove();
  });

  it('5xx: keeps the values, queues the signature and says it will be sent', async () => {
    const { el, bucket } = await widget('status=503');
    await fillValid(el);
    const failed = oneEvent(el, 'appeal-error');
    await submit(el);
    expect(((await failed).detail as AppealErrorDetail)).to.deep.equal({ kind: 'server', message: 'HTTP 503' });
    await until(() => !!shadow(el).querySelector('[part=notice]'), 5000, 'the notice');
    await el.updateComplete;
    expect(shadow(el).querySelector('[part=notice]')!.textContent).to.include('saved on this device');
    expect(shadow(el).querySelector('[role=status]')!.textContent).to.include('saved on this device');
    expect(control(el, 'email').value).to.equal('aigerim@example.org');
    const [payload] = await receivedPayloads(bucket);
    const queued = JSON.parse(localStorage.getItem(`appeal-widget:signature:${String(payload!['id'])}`) ?? 'null');
    expect(queued.payload).to.deep.equal(payload);
    await expect(el).to.be.accessible();
  });

  /** Collects console.warn calls while `run` runs. */
  async function warnings(run: () => Promise<void>): Promise<string[]> {
    const seen: string[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => seen.push(args.join(' '));
    try {
      await run();
    } finally {
      console.warn = warn;
    }
    return seen;
  }

  for (const status of [301, 302, 303, 307, 308]) {
    it(`${status}: a redirect is not followed: nothing reaches its target, the signature is queued and the console names the endpoint`, async () => {
      // A trailing-slash or http→https redirect, a moved endpoint: 301–303 turn the POST into a GET of
      // a page that answers 200 with HTML, 307/308 re-post the signature to wherever the Location says.
      const elsewhere = endpoint('status=201');
      const { el, bucket } = await widget(`status=${status}&location=${encodeURIComponent(elsewhere.url)}`);
      await fillValid(el);
      let kind = '';
      el.addEventListener('appeal-error', (event) => (kind = event.detail.kind));
      const warned = await warnings(async () => {
        await submit(el);
        await until(() => !!shadow(el).querySelector('[part=notice]') || text(el).includes('Thank you'), 5000, 'the outcome');
      });
      expect(text(el)).not.to.include('Thank you');
      expect(await received(elsewhere.bucket)).to.deep.equal([]);
      expect(shadow(el).querySelector('[part=notice]')!.textContent).to.include('saved on this device');
      expect(kind).to.equal('network');
      const [payload] = await receivedPayloads(bucket);
      expect(localStorage.getItem(`appeal-widget:signature:${String(payload!['id'])}`)).to.be.a('string');
      expect(warned.join('\n')).to.include(el.endpoint!);
    });
  }

  it('2xx whose body is not JSON (a captive portal, a CMS page): not signed, queued and retried', async () => {
    const html = encodeURIComponent('<!doctype html><title>Welcome</title><p>Log in to the Wi-Fi</p>');
    const { el, bucket } = await widget(`status=200&type=text/html&body=${html}`);
    await fillValid(el);
    const errors: AppealErrorDetail[] = [];
    el.addEventListener('appeal-error', (event) => errors.push(event.detail));
    await submit(el);
    await until(() => !!shadow(el).querySelector('[part=notice]') || text(el).includes('Thank you'), 5000, 'the outcome');
    expect(text(el)).not.to.include('Thank you');
    expect(errors[0]).to.deep.equal({ kind: 'server', message: 'HTTP 200' });
    expect(shadow(el).querySelector('[part=notice]')!.textContent).to.include('saved on this device');
    // The backoff's first retry, about a second later, with the same signature.
    await until(async () => (await received(bucket)).length === 2, 3000, 'the retry');
    const [first, second] = await receivedPayloads(bucket);
    expect(second!['id']).to.equal(first!['id']);
  });

  it('204 with no body is the endpoint’s own yes: signed, sent once', async () => {
    const { el, bucket } = await widget('status=204');
    await fillValid(el);
    const signed = oneEvent(el, 'appeal-signed');
    await submit(el);
    expect((await signed).detail.response.status).to.equal(204);
    await el.updateComplete;
    expect(text(el)).to.include('Thank you, Aigerim!');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await received(bucket)).to.have.length(1);
  });

  it('network error: the same, and the retry reuses the signature’s id', async () => {
    const el = await fixture<AppealWidget>(html`<appeal-widget endpoint="http://127.0.0.1:9/unreachable" lang="en"></appeal-widget>`);
    await fillValid(el);
    const failed = oneEvent(el, 'appeal-error');
    await submit(el);
    expect(((await failed).detail as AppealErrorDetail).kind).to.equal('network');
    const keys = () => Object.keys(localStorage).filter((key) => key.startsWith('appeal-widget:signature:'));
    await until(() => keys().length === 1, 5000, 'the queue');
    const id = keys()[0]!.split(':').pop();
    // Sending again (the signer presses the button once more) sends the same signature, not a second one.
    await submit(el);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(keys()).to.deep.equal([`appeal-widget:signature:${id}`]);
  });
});
