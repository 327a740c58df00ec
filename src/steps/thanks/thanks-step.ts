/**
 * The thank-you step: thanks, what becomes of the letter (on its way, to confirm, or the signer's
 * to send from their own mail program, SPEC §9.4), and the share buttons with what they do.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { emit } from '../../events.js';
import { httpUrl } from '../../setup/read-config.js';
import { renderPlainText } from '../appeal/plain-text.js';
import { valueOf } from '../form/answers.js';
import type { ThanksStep } from '../journey.js';
import { focusAfterRender, type StepHost } from '../step-host.js';
import { mailtoLink } from './mailto-link.js';
import { rememberInstance, rememberedInstance } from './mastodon-instance.js';
import { shareIcon } from './share-icons.js';
import { parseMastodonInstance, shareHref, type ShareChannel } from './share-links.js';
import { withShareUtm } from './utm.js';

/** The message id of each channel's button. */
const LABELS = {
  native: 'share.native',
  whatsapp: 'share.whatsapp',
  facebook: 'share.facebook',
  x: 'share.x',
  bluesky: 'share.bluesky',
  telegram: 'share.telegram',
  mastodon: 'share.mastodon',
  linkedin: 'share.linkedin',
  reddit: 'share.reddit',
  email: 'share.email',
  copy: 'share.copy',
} as const satisfies Record<ShareChannel | 'native', string>;

/** Thanks by name, what becomes of the letter, and the share buttons. */
export function renderThanks(host: StepHost, state: ThanksStep): TemplateResult {
  const t = host._t;
  const { texts, textLanguage } = host._campaign;
  const { values } = state.answers;
  const name = (values['firstName'] || values['name'])?.trim();
  const onItsWay = letterSentence(host, state);
  return html`<section part="thanks" aria-labelledby="appeal-thanks">
    <h3 id="appeal-thanks" tabindex="-1">
      ${state.alreadySigned ? t('thanks.alreadyTitle') : name ? t('thanks.titleName', { name }) : t('thanks.title')}
    </h3>
    ${state.alreadySigned
      ? html`<p>${t('thanks.alreadyText')}</p>`
      : texts?.thanks
        ? html`<div lang=${textLanguage ?? nothing}>${renderPlainText(texts.thanks)}</div>`
        : html`<p>${t('thanks.text')}</p>`}
    ${onItsWay ? html`<p>${onItsWay}</p>` : nothing}${renderMailto(host, state)}
    ${host._config.share.length
      ? html`<h4>${t('share.title')}</h4>
          ${texts?.thanks ? nothing : html`<p>${t('share.ask')}</p>`} ${renderShareList(host, state)}
          ${state.linkCopied ? html`<p class="copied" part="copied">${t('share.copied')}</p>` : nothing}`
      : nothing}
  </section>`;
}

/** The share buttons, in the configured order, the browser's own share sheet first where there is one. */
function renderShareList(host: StepHost, state: ThanksStep): TemplateResult {
  const t = host._t;
  const text = shareTitle(host);
  const instance = rememberedInstance();
  const newWindow = html`<span class="visually-hidden"> ${t('common.newWindow')}</span>`;
  const item = (channel: ShareChannel | 'native') => {
    const url = shareUrlFor(host, channel);
    const href = channel === 'native' ? undefined : shareHref(channel, { text, url }, instance);
    const content = html`${channel === 'native' ? nothing : shareIcon(host._icons, channel)}${t(LABELS[channel])}`;
    const onClick = (event: Event) => void onShare(host, channel, url, text, event);
    return html`<li>
      ${href
        ? html`<a class="share" part="share-button" data-channel=${channel} href=${href} @click=${onClick}
            target=${channel === 'email' ? nothing : '_blank'} rel="noopener noreferrer"
            >${content}${channel === 'email' ? nothing : newWindow}</a
          >`
        : html`<button type="button" class="share" part="share-button" data-channel=${channel} @click=${onClick}
            aria-expanded=${channel === 'mastodon' ? String(state.askingMastodon) : nothing}>${content}</button>`}
    </li>`;
  };
  const invalid = state.mastodonInvalid;
  return html`<ul class="share-list" part="share-list" role="list">
      ${typeof navigator.share === 'function' ? item('native') : nothing}${host._config.share.map(item)}
    </ul>
    ${state.askingMastodon
      ? html`<form class="mastodon" part="mastodon" @submit=${(event: SubmitEvent) => onMastodonInstance(host, event, text)} novalidate>
          <div class="field">
            <label for="appeal-mastodon">${t('share.mastodonInstance')}</label>
            <input id="appeal-mastodon" name="instance" dir="ltr" autocomplete="url" placeholder="mastodon.social"
              aria-invalid=${invalid ? 'true' : nothing} aria-describedby=${invalid ? 'appeal-mastodon-error' : nothing} />
            ${invalid ? html`<p class="error" id="appeal-mastodon-error">${t('share.mastodonInvalid')}</p>` : nothing}
          </div>
          <button type="submit">${t('share.mastodonGo')}</button>
        </form>`
      : nothing}`;
}

/** What the live region says on arriving here: thanks, and what happens to the letter. */
export function thanksAnnouncement(host: StepHost, state: ThanksStep): string {
  return state.alreadySigned ? host._t('thanks.alreadyTitle') : `${host._t('status.signed')} ${letterSentence(host, state)}`.trim();
}

/** What happens to the letter next, in words: on its way, awaiting the signer's confirmation, or theirs to send; else empty. */
function letterSentence(host: StepHost, state: ThanksStep): string {
  const next = state.letter;
  const letter = next && host._campaign.letter;
  if (!letter) return '';
  return host._t(next === 'queued' ? 'thanks.letterQueued' : next === 'mailto' ? 'thanks.mailtoText' : 'thanks.letterConfirm', { to: letter.to });
}

/** The mailto step: a link for the signer's own mail program, the full letter to copy, and the addresses. */
function renderMailto(host: StepHost, state: ThanksStep): TemplateResult | typeof nothing {
  const t = host._t;
  const letter = state.letter === 'mailto' && host._campaign.letter;
  if (!letter) return nothing;
  const { answers } = state;
  const addresses = host._campaign.document?.letter?.mailto ?? [];
  const subject = valueOf(host, answers, 'messageSubject');
  const name = (answers.values['name'] ?? [answers.values['firstName'], answers.values['lastName']].join(' ')).trim();
  const body = valueOf(host, answers, 'messageBody');
  const link = mailtoLink(addresses, subject, body, name, t('thanks.mailtoCut'));
  const full = `${body}${name && `\n\n${name}`}`;
  return html`<div part="mailto" lang=${letter.lang}>
    ${addresses.length ? html`<p>${t('letter.to', { to: addresses.join(', ') })}</p>` : nothing}
    <p>${t('letter.subject')}: ${subject}</p>
    <p><a class="share" href=${link.href}>${t('thanks.mailtoOpen')}</a></p>
    ${link.shortened ? html`<p class="hint">${t('thanks.mailtoShortened')}</p>` : nothing}
    <p><button type="button" class="share" @click=${() => copy(host, full, 'letter')}>${t('thanks.mailtoCopy')}</button></p>
    ${state.letterCopied ? html`<p class="copied" part="copied">${t('thanks.mailtoCopied')}</p>` : nothing}
  </div>`;
}

/** What is shared as text: `share-text`, else the document's share text or title, else the page's title slot. */
function shareTitle(host: StepHost): string {
  const texts = host._campaign.texts;
  return host.shareText?.trim() || texts?.shareText || texts?.title || host.querySelector('[slot="title"]')?.textContent?.trim() || '';
}

/** The URL shared on `channel`: `share-url`, else the canonical link, else this page; tagged with UTM. */
function shareUrlFor(host: StepHost, channel: string): string {
  const base = httpUrl(host.shareUrl) ?? httpUrl(document.querySelector('link[rel="canonical"]')?.getAttribute('href'));
  // withShareUtm drops the page's own utm_* parameters.
  return withShareUtm(base?.href ?? location.href, channel, host._campaign.id);
}

async function onShare(host: StepHost, channel: ShareChannel | 'native', url: string, title: string, event: Event): Promise<void> {
  if (channel === 'mastodon' && !rememberedInstance()) {
    event.preventDefault();
    host._dispatch({ type: 'askMastodon' });
    return focusAfterRender(host, '#appeal-mastodon');
  }
  emit(host, 'appeal-share', { channel, url });
  if (channel === 'native') {
    await navigator.share({ title, text: title, url }).catch(() => undefined);
  } else if (channel === 'copy') {
    await copy(host, url, 'link');
  }
}

/** Copies `text`, then shows and announces that it was copied. */
async function copy(host: StepHost, text: string, what: 'link' | 'letter'): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // No Clipboard API on http pages, or permission refused.
    copyWithSelection(text, host.renderRoot);
  }
  host._dispatch({ type: 'copied', what });
}

function onMastodonInstance(host: StepHost, event: SubmitEvent, title: string): void {
  event.preventDefault();
  const input = (event.target as HTMLFormElement).elements.namedItem('instance') as HTMLInputElement;
  const instance = parseMastodonInstance(input.value);
  host._dispatch({ type: 'mastodonServer', valid: !!instance });
  if (!instance) return;
  rememberInstance(instance);
  void focusAfterRender(host, '[data-channel="mastodon"]');
  const url = shareUrlFor(host, 'mastodon');
  emit(host, 'appeal-share', { channel: 'mastodon', url });
  window.open(shareHref('mastodon', { text: title, url }, instance), '_blank', 'noopener');
}

/** Copies `text` where the Clipboard API is refused (a page without https, or permission denied). */
function copyWithSelection(text: string, root: HTMLElement | DocumentFragment): void {
  const area = document.createElement('textarea');
  area.value = text;
  root.append(area);
  area.select();
  // NOTE: execCommand is deprecated, yet it is the only copy that works where the Clipboard API is refused.
  document.execCommand('copy');
  area.remove();
}
