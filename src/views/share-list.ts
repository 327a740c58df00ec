import { html, nothing, type TemplateResult } from 'lit';
import { shareHref, type ShareChannel } from '../share/share-links.js';
import { shareIcon } from '../share/share-icons.js';

/** What the share list needs from the widget. */
export interface ShareListView {
  channels: readonly ShareChannel[];
  /** The tagged URL to share on `channel` (or `native`). */
  urlFor: (channel: ShareChannel | 'native') => string;
  text: string;
  /** Where the signer said their Mastodon account lives, once known. */
  mastodonInstance: string | undefined;
  /** Whether the Mastodon server question is open. */
  askingMastodon: boolean;
  mastodonError: string | undefined;
  /** Whether to offer the browser's own share sheet. */
  native: boolean;
  icons: Record<string, unknown> | undefined;
  t: (key: string) => string;
  onShare: (channel: ShareChannel | 'native', url: string, event: Event) => void;
  onMastodonInstance: (event: SubmitEvent) => void;
}

/** The share buttons, in the configured order, the native share sheet first where there is one. */
export function renderShareList(view: ShareListView): TemplateResult {
  const { t } = view;
  const newWindow = html`<span class="visually-hidden"> ${t('common.newWindow')}</span>`;
  const item = (channel: ShareChannel | 'native') => {
    const url = view.urlFor(channel);
    const href = channel === 'native' ? undefined : shareHref(channel, { text: view.text, url }, view.mastodonInstance);
    const content = html`${channel === 'native' ? nothing : shareIcon(view.icons, channel)}${t(`share.${channel}`)}`;
    const onClick = (event: Event) => view.onShare(channel, url, event);
    return html`<li>
      ${href
        ? html`<a class="share" part="share-button" data-channel=${channel} href=${href} @click=${onClick}
            target=${channel === 'email' ? nothing : '_blank'} rel="noopener noreferrer"
            >${content}${channel === 'email' ? nothing : newWindow}</a
          >`
        : html`<button type="button" class="share" part="share-button" data-channel=${channel} @click=${onClick}
            aria-expanded=${channel === 'mastodon' ? String(view.askingMastodon) : nothing}>${content}</button>`}
    </li>`;
  };
  return html`<ul class="share-list" part="share-list" role="list">
      ${view.native ? item('native') : nothing}${view.channels.map(item)}
    </ul>
    ${view.askingMastodon
      ? html`<form class="mastodon" part="mastodon" @submit=${view.onMastodonInstance} novalidate>
          <div class="field">
            <label for="appeal-mastodon">${t('share.mastodonInstance')}</label>
            <input id="appeal-mastodon" name="instance" dir="ltr" autocomplete="url" placeholder="mastodon.social"
              aria-invalid=${view.mastodonError ? 'true' : nothing}
              aria-describedby=${view.mastodonError ? 'appeal-mastodon-error' : nothing} />
            ${view.mastodonError ? html`<p class="error" id="appeal-mastodon-error">${view.mastodonError}</p>` : nothing}
          </div>
          <button type="submit">${t('share.mastodonGo')}</button>
        </form>`
      : nothing}`;
}
