/**
 * The confirmation page (delivery.confirm, SPEC §9.3) as HTML, one page per state, in the
 * signer's language. It runs no script and loads nothing: its CSP allows only its own inline
 * style, by hash. The routes that serve it are in routes/confirm.ts.
 */
import { createHash } from 'node:crypto';
import { confirmLanguage, confirmTexts, textDirection, type ConfirmTexts } from './confirm-texts.ts';
import type { ConfirmationView } from './sqlite-confirmations.ts';

const STYLE = 'body{font-family:system-ui,sans-serif;line-height:1.5;max-width:36rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a;background:#fff}'
  + 'button{font:inherit;font-weight:600;padding:.6rem 1.2rem;border:2px solid #1a4d8f;border-radius:.4rem;background:#1a4d8f;color:#fff;cursor:pointer}'
  + 'button:focus-visible{outline:3px solid #f5a623;outline-offset:2px}.subject{font-weight:600}';
const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');
/** No script, nothing loaded, forms only to this origin, never framed. */
export const CONFIRM_PAGE_CSP = `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text safe in HTML content and attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => ESCAPES[char]!);
}

/** Which page: the button (waiting), or what became of the signature. */
export type PageKind = 'waiting' | 'sent' | 'unknown' | 'expired' | 'refused';

/** The page for a confirmation as the store sees it. */
export const pageFor = (view: ConfirmationView): PageKind =>
  view.state === 'confirmed' ? 'sent' : view.state;

/** The whole page for one state (pure); `subject` is the held letter's, shown as text. */
export function confirmPage(kind: PageKind, locale: string | undefined, subject?: string): string {
  const language = confirmLanguage(locale);
  const texts: ConfirmTexts = confirmTexts(language);
  const [title, paragraph]: [string, string] = ({
    waiting: [texts.pageTitle, texts.pageIntro],
    sent: [texts.sentTitle, texts.sentText],
    unknown: [texts.unknownTitle, texts.unknownText],
    expired: [texts.expiredTitle, texts.expiredText],
    refused: [texts.refusedTitle, texts.refusedText],
  } satisfies Record<PageKind, [string, string]>)[kind];
  const parts = [`<h1>${escapeHtml(title)}</h1>`, `<p>${escapeHtml(paragraph)}</p>`];
  if (kind === 'waiting') {
    if (subject) parts.push(`<p class="subject">${escapeHtml(subject)}</p>`);
    // No action: the form posts back to this very URL, wherever a proxy mounts the receiver.
    parts.push(`<form method="post"><button type="submit">${escapeHtml(texts.button)}</button></form>`);
  }
  return `<!doctype html>
<html lang="${language}" dir="${textDirection(language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${parts.join('\n')}
</main>
</body>
</html>
`;
}
