import { html, nothing, type TemplateResult } from 'lit';
import { shareHref, type ShareChannel } from '../share/share-links.js';
import { shareIcon } from '../share/share-icons.js';

/** What the share list needs from the widget. */
export interface ShareListView {
  channels: readonly ShareChannel[];
  /** The tagged URL to share on `channel`. */
  urlFor: (channel: ShareChannel) => string;
  text: string;
  label: (channel: ShareChannel) => string;
  newWindowText: string;
  copied: boolean;
  copiedText: string;
  onShare: (channel: ShareChannel, url: string, event: Event) => void;
}

/** The share links and buttons, in the configured order. */
export function renderShareList(view: ShareListView): TemplateResult {
  return html`<ul class="share-list" part="share-list" role="list">
    ${view.channels.map((channel) => {
      const url = view.urlFor(channel);
      const label = view.label(channel);
      const href = shareHref(channel, { text: view.text, url });
      const content = html`${shareIcon(channel)}<span class="share-label">${label}</span>`;
      if (!href) {
        return html`<li>
          <button type="button" class="share share-${channel}" part="share-button" data-channel=${channel}
            @click=${(event: Event) => view.onShare(channel, url, event)}>${content}</button>
        </li>`;
      }
      const external = channel !== 'email';
      return html`<li>
        <a class="share share-${channel}" part="share-button" data-channel=${channel} href=${href}
          target=${external ? '_blank' : nothing} rel=${external ? 'noopener noreferrer' : nothing}
          @click=${(event: Event) => view.onShare(channel, url, event)}
          >${content}${external ? html`<span class="visually-hidden"> ${view.newWindowText}</span>` : nothing}</a>
      </li>`;
    })}
  </ul>`;
}
