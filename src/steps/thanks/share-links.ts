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
}

/**
 * Each channel's current public share address; `{text}`, `{url}`, `{both}` (text, space, URL),
 * `{body}` (text, blank line, URL) are filled in encoded, `{instance}` as the host it is.
 */
const SHARE_TEMPLATES: Readonly<Partial<Record<ShareChannel, string>>> = {
  whatsapp: 'https://wa.me/?text={both}',
  facebook: 'https://www.facebook.com/sharer/sharer.php?u={url}',
  x: 'https://x.com/intent/post?text={text}&url={url}',
  bluesky: 'https://bsky.app/intent/compose?text={both}',
  telegram: 'https://t.me/share/url?url={url}&text={text}',
  mastodon: 'https://{instance}/share?text={both}',
  linkedin: 'https://www.linkedin.com/sharing/share-offsite/?url={url}',
  reddit: 'https://www.reddit.com/submit?url={url}&title={text}',
  // mailto wants %20, not '+', for spaces: encodeURIComponent gives exactly that.
  email: 'mailto:?subject={text}&body={body}',
};

/** The link that shares `content` on `channel`; undefined for `copy` and for Mastodon without an instance. */
export function shareHref(channel: ShareChannel, { text, url }: ShareContent, mastodonInstance?: string): string | undefined {
  const values: Record<string, string> = { text, url, both: `${text} ${url}`, body: `${text}\n\n${url}` };
  if (channel === 'mastodon' && !mastodonInstance) return undefined;
  return SHARE_TEMPLATES[channel]?.replace(/{(\w+)}/g, (_, name: string) =>
    name === 'instance' ? mastodonInstance! : encodeURIComponent(values[name]!),
  );
}

/** The host name of a Mastodon server as a signer may type it (`https://x.y/`, `@me@x.y`, `x.y`), or undefined. */
export function parseMastodonInstance(input: string): string | undefined {
  const host = input.trim().toLowerCase().replace(/^https?:\/\/|^@?[^@\s/]*@|[/?#].*$/g, '');
  return /^([a-z\d]([a-z\d-]{0,61}[a-z\d])?\.)+[a-z][a-z\d-]*[a-z\d](:\d{1,5})?$/.test(host) ? host : undefined;
}
