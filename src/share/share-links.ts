/** Share URLs for each channel: pure functions of the text and URL to share. */

/** Every share channel the widget knows, in the order the docs list them. */
export const SHARE_CHANNELS = [
  'whatsapp',
  'facebook',
  'x',
  'bluesky',
  'telegram',
  'mastodon',
  'linkedin',
  'reddit',
  'email',
  'copy',
] as const;

/** A share channel name, as written in the `share` attribute. */
export type ShareChannel = (typeof SHARE_CHANNELS)[number];

/** Whether `name` is a share channel the widget knows. */
export function isShareChannel(name: string): name is ShareChannel {
  return (SHARE_CHANNELS as readonly string[]).includes(name);
}

/** What is shared: the text and the (already tagged) URL. */
export interface ShareContent {
  text: string;
  url: string;
  /** Subject line for email; defaults to the text. */
  subject?: string;
}

const enc = encodeURIComponent;

/** Channels whose link opens a page of another site (as opposed to mailto, copy, mastodon). */
type WebChannel = Exclude<ShareChannel, 'email' | 'copy' | 'mastodon'>;

const WEB_SHARE_BUILDERS: Readonly<Record<WebChannel, (content: ShareContent) => string>> = {
  whatsapp: ({ text, url }) => `https://wa.me/?text=${enc(`${text} ${url}`)}`,
  facebook: ({ url }) => `https://www.facebook.com/sharer/sharer.php?u=${enc(url)}`,
  x: ({ text, url }) => `https://x.com/intent/post?text=${enc(text)}&url=${enc(url)}`,
  bluesky: ({ text, url }) => `https://bsky.app/intent/compose?text=${enc(`${text} ${url}`)}`,
  telegram: ({ text, url }) => `https://t.me/share/url?url=${enc(url)}&text=${enc(text)}`,
  linkedin: ({ url }) => `https://www.linkedin.com/sharing/share-offsite/?url=${enc(url)}`,
  reddit: ({ text, url }) => `https://www.reddit.com/submit?url=${enc(url)}&title=${enc(text)}`,
};

/** The link that shares `content` on `channel`; undefined for `copy` and for Mastodon without an instance. */
export function shareHref(channel: ShareChannel, content: ShareContent, mastodonInstance?: string): string | undefined {
  switch (channel) {
    case 'copy':
      return undefined;
    case 'email':
      // mailto wants %20, not '+', for spaces: encodeURIComponent gives exactly that.
      return `mailto:?subject=${enc(content.subject ?? content.text)}&body=${enc(`${content.text}\n\n${content.url}`)}`;
    case 'mastodon':
      return mastodonInstance
        ? `https://${mastodonInstance}/share?text=${enc(`${content.text} ${content.url}`)}`
        : undefined;
    default:
      return WEB_SHARE_BUILDERS[channel](content);
  }
}

/** The host name of a Mastodon server as a signer may type it (`https://x.y/`, `@me@x.y`, `x.y`), or undefined. */
export function parseMastodonInstance(input: string): string | undefined {
  const host = input.trim().toLowerCase().replace(/^https?:\/\/|^@?[^@\s/]*@|[/?#].*$/g, '');
  return /^([a-z\d]([a-z\d-]{0,61}[a-z\d])?\.)+[a-z][a-z\d-]*[a-z\d](:\d{1,5})?$/.test(host) ? host : undefined;
}
