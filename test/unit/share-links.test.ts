import { expect } from '@open-wc/testing';
import { SHARE_CHANNELS, parseMastodonInstance, shareHref } from '../../src/steps/thanks/share-links.js';
import { readUtm, withShareUtm, withoutUtm } from '../../src/steps/thanks/utm.js';

const HARD_TEXT = 'Free Erlan & all #unionists: Ерлан Балтабай қамауда — أطلقوا سراحه ✊🏽';
const HARD_URL = 'https://example.org/appeal?a=1&b=two words#sign';

/** The query parameters of `href` decoded, so assertions read what a platform receives. */
function params(href: string): Record<string, string> {
  return Object.fromEntries(new URL(href).searchParams);
}

describe('share links', () => {
  const content = { text: HARD_TEXT, url: HARD_URL };

  it('builds each web channel with the text and URL encoded exactly once', () => {
    expect(params(shareHref('whatsapp', content)!)).to.deep.equal({ text: `${HARD_TEXT} ${HARD_URL}` });
    expect(params(shareHref('facebook', content)!)).to.deep.equal({ u: HARD_URL });
    expect(params(shareHref('x', content)!)).to.deep.equal({ text: HARD_TEXT, url: HARD_URL });
    expect(params(shareHref('bluesky', content)!)).to.deep.equal({ text: `${HARD_TEXT} ${HARD_URL}` });
    expect(params(shareHref('telegram', content)!)).to.deep.equal({ url: HARD_URL, text: HARD_TEXT });
    expect(params(shareHref('linkedin', content)!)).to.deep.equal({ url: HARD_URL });
    expect(params(shareHref('reddit', content)!)).to.deep.equal({ url: HARD_URL, title: HARD_TEXT });
  });

  it('points each channel at its public share address', () => {
    const hosts = Object.fromEntries(
      SHARE_CHANNELS.filter((channel) => !['copy', 'email', 'mastodon'].includes(channel)).map((channel) => [
        channel,
        new URL(shareHref(channel, content)!).origin + new URL(shareHref(channel, content)!).pathname,
      ]),
    );
    expect(hosts).to.deep.equal({
      whatsapp: 'https://wa.me/',
      facebook: 'https://www.facebook.com/sharer/sharer.php',
      x: 'https://x.com/intent/post',
      bluesky: 'https://bsky.app/intent/compose',
      telegram: 'https://t.me/share/url',
      linkedin: 'https://www.linkedin.com/sharing/share-offsite/',
      reddit: 'https://www.reddit.com/submit',
    });
  });

  it('keeps # and & inside the encoded values, never as URL syntax', () => {
    const href = shareHref('x', content)!;
    expect(new URL(href).hash).to.equal('');
    expect(href).not.to.include(' ');
    expect(href).to.include('%23');
    expect(href).to.include('%26');
  });

  it('writes email as mailto with %20 spaces and the URL on its own line', () => {
    const href = shareHref('email', content)!;
    expect(href.startsWith('mailto:?subject=')).to.be.true;
    expect(href).not.to.include('+');
    const query = new URLSearchParams(href.slice('mailto:?'.length));
    expect(query.get('subject')).to.equal(HARD_TEXT);
    expect(query.get('body')).to.equal(`${HARD_TEXT}\n\n${HARD_URL}`);
  });

  it('has no link for copy, nor for Mastodon until an instance is known', () => {
    expect(shareHref('copy', content)).to.be.undefined;
    expect(shareHref('mastodon', content)).to.be.undefined;
    const href = shareHref('mastodon', content, 'mastodon.social')!;
    expect(href.startsWith('https://mastodon.social/share?text=')).to.be.true;
    expect(params(href)).to.deep.equal({ text: `${HARD_TEXT} ${HARD_URL}` });
  });

  it('reads a Mastodon instance as the signer may type it, and refuses anything else', () => {
    expect(parseMastodonInstance('mastodon.social')).to.equal('mastodon.social');
    expect(parseMastodonInstance('  https://Mastodon.Social/@someone ')).to.equal('mastodon.social');
    expect(parseMastodonInstance('@me@social.coop')).to.equal('social.coop');
    expect(parseMastodonInstance('masto.example.org:8443/about')).to.equal('masto.example.org:8443');
    for (const bad of ['', 'localhost', 'bad host', 'javascript:alert(1)', 'a..b', 'x', '<img>.org', '-a.org']) {
      expect(parseMastodonInstance(bad), bad).to.be.undefined;
    }
  });
});

describe('UTM tagging', () => {
  it('tags the URL for the channel and campaign, keeping its own query and fragment', () => {
    const tagged = new URL(withShareUtm('https://example.org/p?lang=fr#top', 'whatsapp', 'free-baltabay'));
    expect(Object.fromEntries(tagged.searchParams)).to.deep.equal({
      lang: 'fr',
      utm_source: 'whatsapp',
      utm_medium: 'share',
      utm_campaign: 'free-baltabay',
    });
    expect(tagged.hash).to.equal('#top');
  });

  it('replaces earlier utm_* values, whatever their case', () => {
    const tagged = new URL(
      withShareUtm('https://example.org/?utm_source=facebook&UTM_Medium=cpc&utm_content=x&keep=1', 'x', 'c'),
    );
    expect(Object.fromEntries(tagged.searchParams)).to.deep.equal({
      keep: '1',
      utm_source: 'x',
      utm_medium: 'share',
      utm_campaign: 'c',
    });
  });

  it('leaves utm_campaign out when the widget has no campaign', () => {
    expect(new URL(withShareUtm('https://example.org/', 'copy', '')).searchParams.has('utm_campaign')).to.be.false;
  });

  it('strips utm_* from the page address used as the default share URL', () => {
    expect(withoutUtm('https://example.org/a?utm_source=x&b=2&utm_medium=y')).to.equal('https://example.org/a?b=2');
  });

  it('reads the page’s utm_* parameters for the payload', () => {
    expect(readUtm('https://example.org/?utm_source=mail&utm_campaign=c&other=1')).to.deep.equal({ source: 'mail', campaign: 'c' });
    expect(readUtm('https://example.org/')).to.deep.equal({});
  });
});
