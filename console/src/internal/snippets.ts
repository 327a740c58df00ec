/**
 * The embed code for a campaign held by this receiver (SPEC §2, §10, §11): a script tag, the
 * WordPress shortcode, an iframe of /embed/<campaign>; and whether a site may embed it at all.
 * Pure functions: every value is escaped for the attribute it goes in.
 */

export interface EmbedOptions {
  /** The receiver as browsers reach it, without a trailing slash. */
  publicUrl: string;
  /** Where the site loads the widget's script from. */
  scriptUrl: string;
  campaign: string;
  /** '' for the visitor's own language. */
  lang: string;
  /** The widget's `fields`, '' for its default. */
  fields: string;
  /** The widget's `share`, '' for its default. */
  share: string;
  consent: 'checkbox' | 'radio' | 'none';
}

const attribute = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
/** A shortcode attribute: WordPress ends it at a quote or a bracket, so neither may appear. */
const shortcodeValue = (value: string) => value.replace(/["'[\]<>]/g, '');

export const trimSlash = (url: string) => url.replace(/\/+$/, '');

export function scriptSnippet(options: EmbedOptions): string {
  const base = trimSlash(options.publicUrl);
  const id = encodeURIComponent(options.campaign);
  const data: [string, string][] = [
    ['endpoint', `${base}/api/signatures`],
    ['campaign', options.campaign],
    ['campaign-url', `${base}/api/campaigns/${id}`],
  ];
  if (options.lang) data.push(['lang', options.lang]);
  if (options.fields) data.push(['fields', options.fields]);
  if (options.share) data.push(['share', options.share]);
  if (options.consent !== 'checkbox') data.push(['consent', options.consent]);
  const lines = data.map(([name, value]) => `        data-${name}="${attribute(value)}"`);
  return `<script src="${attribute(options.scriptUrl)}"\n${lines.join('\n')} async></script>`;
}

export function shortcodeSnippet(options: EmbedOptions): string {
  const parts = [`campaign="${shortcodeValue(options.campaign)}"`];
  if (options.lang) parts.push(`lang="${shortcodeValue(options.lang)}"`);
  if (options.fields) parts.push(`fields="${shortcodeValue(options.fields)}"`);
  if (options.share) parts.push(`share="${shortcodeValue(options.share)}"`);
  if (options.consent !== 'checkbox') parts.push(`consent="${options.consent}"`);
  return `[appeal_widget ${parts.join(' ')}]`;
}

export function iframeSnippet(options: EmbedOptions, title: string): string {
  const url = new URL(`${trimSlash(options.publicUrl)}/embed/${encodeURIComponent(options.campaign)}`);
  if (options.lang) url.searchParams.set('lang', options.lang);
  return `<iframe src="${attribute(url.href)}" title="${attribute(title)}" width="100%" height="900" loading="lazy"></iframe>`;
}

/** The origin of what the organiser typed as their site (`union.example` → `https://union.example`), or undefined. */
export function siteOrigin(typed: string): string | undefined {
  const text = typed.trim();
  if (!text) return undefined;
  try {
    const url = new URL(/^[a-z][a-z\d+.-]*:\/\//i.test(text) ? text : `https://${text}`);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether the receiver takes signatures from pages of `origin`. An entry may end in `:*`, any port
 * or none, as the receiver lists local development (`http://localhost:*`, console-api.ts).
 */
export function originAllowed(origin: string, allowed: readonly string[] | '*'): boolean {
  if (allowed === '*') return true;
  const site = origin.toLowerCase();
  return allowed.some((entry) => {
    const bare = trimSlash(entry).toLowerCase();
    if (!bare.endsWith(':*')) return bare === site;
    const host = bare.slice(0, -2);
    return site === host || (site.startsWith(`${host}:`) && /^\d{1,5}$/.test(site.slice(host.length + 1)));
  });
}
