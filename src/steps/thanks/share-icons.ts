import { html, nothing, type TemplateResult } from 'lit';
import { fetchAsset } from '../../setup/assets.js';
import type { ShareChannel } from './share-links.js';

/**
 * Icon paths (24×24, drawn for this project) live in `assets/share-icons.json`, fetched when the
 * share step draws near: inline they cost 1.5 KB gzipped of the embed's budget.
 */
export function loadShareIcons(folder: string): Promise<Record<string, unknown> | undefined> {
  return fetchAsset('assets/share-icons.json', folder);
}

/** The decorative icon of `channel` from `icons`, or nothing while they are not loaded. */
export function shareIcon(icons: Record<string, unknown> | undefined, channel: ShareChannel): TemplateResult | typeof nothing {
  const path = icons?.[channel];
  return typeof path === 'string'
    ? html`<svg class="icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false"><path fill="currentColor" d=${path}></path></svg>`
    : nothing;
}
