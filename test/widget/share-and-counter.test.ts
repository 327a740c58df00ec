import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../src/appeal-widget.js';
import type { AppealWidget } from '../../src/appeal-widget.js';
import { SHARE_CHANNELS } from '../../src/steps/thanks/share-links.js';
import { endpoint, fillValid, shadow, submit, text, until } from '../support/widget.js';

async function thanks(attributes: Record<string, string> = {}, query = 'status=201&body={"ok":true,"count":10}') {
  const el = await fixture<AppealWidget>(html`<appeal-widget endpoint=${endpoint(query).url} lang="en" campaign="free-baltabay"
    share-url="https://union.example/appeal?lang=fr&utm_source=old" share-text="Free Erlan Baltabay & all #unionists"></appeal-widget>`);
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  await el.updateComplete;
  await fillValid(el);
  await submit(el);
  await until(() => !!shadow(el).querySelector('[part=thanks]'), 5000, 'the thanks step');
  await until(() => !!shadow(el).querySelector('.share svg'), 5000, 'the icons');
  return el;
}

const buttons = (el: AppealWidget) => [...shadow(el).querySelectorAll<HTMLElement>('[part=share-button]')];

describe('share step', () => {
  afterEach(() => localStorage.removeItem('appeal-widget:mastodon-instance'));

  it('is accessible and offers the default channels in order, with names and icons', async () => {
    const el = await thanks();
    await expect(el).to.be.accessible();
    expect(buttons(el).map((button) => button.dataset['channel'])).to.deep.equal(['whatsapp', 'facebook', 'x', 'bluesky', 'telegram', 'email', 'copy']);
    expect(buttons(el).map((button) => button.textContent?.replace(/\s+/g, ' ').trim())).to.deep.equal([
      'WhatsApp (opens in a new window)',
      'Facebook (opens in a new window)',
      'X (opens in a new window)',
      'Bluesky (opens in a new window)',
      'Telegram (opens in a new window)',
      'Email',
      'Copy link',
    ]);
    for (const button of buttons(el)) expect(button.querySelector('svg[aria-hidden=true]'), button.dataset['channel']).to.exist;
  });

  it('links every channel to its share address with the tagged URL, and fires appeal-share', async () => {
    const el = await thanks({ share: SHARE_CHANNELS.join(',') });
    localStorage.setItem('appeal-widget:mastodon-instance', 'social.coop');
    for (const button of buttons(el).filter((candidate) => candidate instanceof HTMLAnchorElement) as HTMLAnchorElement[]) {
      const channel = button.dataset['channel']!;
      const shared = `https://union.example/appeal?lang=fr&utm_source=${channel}&utm_medium=share&utm_campaign=free-baltabay`;
      expect(decodeURIComponent(button.href), channel).to.include(shared);
      // Facebook and LinkedIn take only the URL: they read the page's own title.
      if (!['facebook', 'linkedin'].includes(channel)) {
        expect(decodeURIComponent(button.href), channel).to.include('Free Erlan Baltabay & all #unionists');
      }
      // Keep the test page where it is: the link's own navigation is not what is tested.
      button.addEventListener('click', (event) => event.preventDefault(), { once: true });
      const event = oneEvent(el, 'appeal-share');
      button.click();
      expect((await event).detail).to.deep.equal({ channel, url: shared });
    }
  });

  it('copy: writes the link, then shows and announces the confirmation', async () => {
    const el = await thanks();
    const copy = buttons(el).find((button) => button.dataset['channel'] === 'copy')!;
    const event = oneEvent(el, 'appeal-share');
    copy.click();
    expect((await event).detail.channel).to.equal('copy');
    await until(() => !!shadow(el).querySelector('[part=copied]'), 5000, 'the confirmation');
    expect(shadow(el).querySelector('[part=copied]')!.textContent).to.equal('Link copied to the clipboard.');
    expect(shadow(el).querySelector('[role=status]')!.textContent).to.equal('Link copied to the clipboard.');
  });

  it('mastodon: asks for the server once, checks it, and remembers it', async () => {
    const el = await thanks({ share: 'mastodon' });
    const ask = buttons(el)[0]!;
    expect(ask.tagName).to.equal('BUTTON');
    ask.click();
    await el.updateComplete;
    const input = shadow(el).querySelector<HTMLInputElement>('#appeal-mastodon')!;
    expect(shadow(el).activeElement).to.equal(input);
    expect(ask.getAttribute('aria-expanded')).to.equal('true');
    await expect(el).to.be.accessible();
    input.value = 'not a server';
    shadow(el).querySelector<HTMLButtonElement>('[part=mastodon] button')!.click();
    await el.updateComplete;
    expect(shadow(el).querySelector('#appeal-mastodon-error')!.textContent).to.include('mastodon.social');

    const opened: string[] = [];
    const open = window.open;
    window.open = ((url: string) => (opened.push(url), null)) as typeof window.open;
    try {
      input.value = 'https://Social.Coop/@me';
      const event = oneEvent(el, 'appeal-share');
      shadow(el).querySelector<HTMLButtonElement>('[part=mastodon] button')!.click();
      expect((await event).detail.channel).to.equal('mastodon');
    } finally {
      window.open = open;
    }
    expect(opened).to.have.length(1);
    expect(opened[0]!.startsWith('https://social.coop/share?text=')).to.be.true;
    expect(localStorage.getItem('appeal-widget:mastodon-instance')).to.equal('social.coop');

    // Next time it is a plain link to the remembered server: no question.
    const again = await thanks({ share: 'mastodon' });
    const link = buttons(again)[0] as HTMLAnchorElement;
    expect(link.tagName).to.equal('A');
    expect(link.href.startsWith('https://social.coop/share?text=')).to.be.true;
  });

  it('offers the native share sheet first where the browser has one', async () => {
    const share = navigator.share;
    const shared: ShareData[] = [];
    Object.defineProperty(navigator, 'share', { configurable: true, value: async (data: ShareData) => void shared.push(data) });
    try {
      const el = await thanks();
      const native = buttons(el)[0]!;
      expect(native.dataset['channel']).to.equal('native');
      expect(native.textContent?.trim()).to.equal('Share…');
      native.click();
      await until(() => shared.length === 1, 5000, 'the share sheet');
      expect(shared[0]!.url).to.equal('https://union.example/appeal?lang=fr&utm_source=native&utm_medium=share&utm_campaign=free-baltabay');
    } finally {
      Object.defineProperty(navigator, 'share', { configurable: true, value: share });
    }
  });

  it('without share-url, shares the canonical link, else the page without its utm_*', async () => {
    const link = Object.assign(document.createElement('link'), { rel: 'canonical', href: 'https://union.example/canonical' });
    document.head.append(link);
    try {
      const el = await fixture<AppealWidget>(html`<appeal-widget endpoint=${endpoint('status=201').url} lang="en" share="x"></appeal-widget>`);
      await fillValid(el);
      await submit(el);
      await until(() => buttons(el).length === 1, 5000, 'the share step');
      expect(decodeURIComponent((buttons(el)[0] as HTMLAnchorElement).href)).to.include('url=https://union.example/canonical?utm_source=x');
    } finally {
      link.remove();
    }
  });
});

describe('counter', () => {
  it('shows nothing while the count is unknown', async () => {
    const el = await fixture<AppealWidget>(html`<appeal-widget endpoint=${endpoint().url} lang="en" goal="100"></appeal-widget>`);
    expect(shadow(el).querySelector('[part=counter]')).to.be.null;
  });

  it('renders the count from count-url in the locale’s number format, with an accessible progress bar', async () => {
    const { url, bucket } = endpoint('status=201&body={"ok":true,"count":12346}');
    const el = await fixture<AppealWidget>(html`<appeal-widget endpoint=${url} lang="fr" goal="20000"
      count-url=${`/test-endpoint/${bucket}/count?n=12345`}></appeal-widget>`);
    await until(() => !!shadow(el).querySelector('[part=counter]'), 5000, 'the counter');
    const count = () => shadow(el).querySelector('.count')!.textContent!;
    expect(count()).to.equal(`${new Intl.NumberFormat('fr').format(12345)} signatures`);
    const bar = shadow(el).querySelector<HTMLProgressElement>('progress')!;
    expect([bar.value, bar.max]).to.deep.equal([12345, 20000]);
    expect(bar.getAttribute('aria-valuetext')).to.include(new Intl.NumberFormat('fr').format(12345));
    expect(bar.getAttribute('aria-label')).to.be.a('string').and.not.be.empty;
    await expect(el).to.be.accessible();
    // It moves with the count the endpoint returns after a signature.
    await fillValid(el);
    await submit(el);
    await until(() => count().startsWith(new Intl.NumberFormat('fr').format(12346)), 5000, 'the new count');
    expect(bar.value).to.equal(12346);
  });

  it('steps the goal up once it is reached', async () => {
    const { bucket } = endpoint();
    const el = await fixture<AppealWidget>(html`<appeal-widget endpoint=${endpoint().url} lang="en" goal="10000"
      count-url=${`/test-endpoint/${bucket}/count?n=10500`}></appeal-widget>`);
    await until(() => !!shadow(el).querySelector('progress'), 5000, 'the bar');
    expect(shadow(el).querySelector<HTMLProgressElement>('progress')!.max).to.equal(20000);
    expect(text(el)).to.include('Goal: 20,000 signatures');
  });

  it('uses the plural forms of the language', async () => {
    const { bucket } = endpoint();
    const counts: Record<string, string> = {};
    for (const n of [1, 3, 5, 21]) {
      const el = await fixture<AppealWidget>(html`<appeal-widget endpoint=${endpoint().url} lang="ru"
        count-url=${`/test-endpoint/${bucket}/count?n=${n}`}></appeal-widget>`);
      await until(() => !!shadow(el).querySelector('.count'), 5000, 'the counter');
      counts[n] = shadow(el).querySelector('.count')!.textContent!;
    }
    expect(counts).to.deep.equal({ 1: '1 подпись', 3: '3 подписи', 5: '5 подписей', 21: '21 подпись' });
  });
});
