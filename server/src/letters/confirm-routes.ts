/**
 * The confirmation page (delivery.confirm, SPEC §9.3): `GET /confirm/<token>` (and HEAD) shows the
 * held letter's subject and a button, and changes nothing, because mail scanners and link
 * previews fetch every link in an email; `POST /confirm/<token>` (the button, a plain form that
 * works without JavaScript) releases the signature's letters, once.
 *
 * The page runs no script and loads nothing (its CSP allows only its own inline style, by hash),
 * sends no Referer (the token is in the URL) and cannot be framed. A cross-site POST is refused
 * by Sec-Fetch-Site and Origin when the browser sends them: another site's page must not be able
 * to press the button for a signer who has the link.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Store } from '../store/store.ts';
import { confirmLanguage, confirmTexts, textDirection, type ConfirmTexts } from './confirm-texts.ts';
import { hashToken, TOKEN_PATTERN, type ConfirmationView } from './sqlite-confirmations.ts';

export interface ConfirmRoutesOptions {
  store: Store;
  /** PUBLIC_URL; its origin is the one a same-origin POST carries. */
  publicUrl: string | undefined;
  now: () => number;
  /** Letters were released: wake the worker. */
  onConfirmed(): void;
  readLimit: { max: number; timeWindow: number };
  writeLimit: { max: number; timeWindow: number };
}

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

type PageKind = 'waiting' | 'sent' | 'unknown' | 'expired' | 'refused';

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

const STATUS: Record<PageKind, number> = { waiting: 200, sent: 200, unknown: 404, expired: 410, refused: 403 };

function sendPage(reply: FastifyReply, kind: PageKind, view?: ConfirmationView): FastifyReply {
  return reply
    .code(STATUS[kind])
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('content-security-policy', CONFIRM_PAGE_CSP)
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY')
    .send(confirmPage(kind, view?.locale, view?.subject));
}

const pageFor = (view: ConfirmationView): PageKind =>
  view.state === 'confirmed' ? 'sent' : view.state;

/**
 * True when a POST may be the signer's own press of the button. Where the browser says where the
 * post came from (Sec-Fetch-Site, which no page can set), only `same-origin` passes: the page is
 * served with `Referrer-Policy: no-referrer`, under which Chromium sends `Origin: null` even for
 * its own form, so Origin cannot decide then. Without that header (older browsers), the Origin
 * must be absent or this receiver's public origin.
 */
export function isSameOriginPost(headers: { origin?: string | undefined; 'sec-fetch-site'?: string | string[] | undefined }, ownOrigin: string): boolean {
  const site = headers['sec-fetch-site'];
  if (site !== undefined) return site === 'same-origin';
  const origin = headers.origin;
  return origin === undefined || origin === ownOrigin;
}

type TokenRequest = FastifyRequest<{ Params: { token: string } }>;

/** Registers `/confirm/:token` (GET, HEAD, POST). */
export function confirmRoutes(app: FastifyInstance, options: ConfirmRoutesOptions): void {
  const { store, now } = options;
  const ownOrigin = (request: FastifyRequest): string =>
    options.publicUrl !== undefined ? new URL(options.publicUrl).origin : `${request.protocol}://${request.host}`;

  app.get('/confirm/:token', { config: { rateLimit: options.readLimit } }, async (request: TokenRequest, reply) => {
    const { token } = request.params;
    if (!TOKEN_PATTERN.test(token)) return sendPage(reply, 'unknown');
    // Read only: a scanner fetching the link must confirm nothing.
    const view = await store.confirmationView(hashToken(token), now());
    return sendPage(reply, pageFor(view), view);
  });

  app.post('/confirm/:token', { config: { rateLimit: options.writeLimit } }, async (request: TokenRequest, reply) => {
    if (!isSameOriginPost(request.headers, ownOrigin(request))) return sendPage(reply, 'refused');
    const { token } = request.params;
    if (!TOKEN_PATTERN.test(token)) return sendPage(reply, 'unknown');
    const view = await store.confirmSignature(hashToken(token), now());
    if (view.state === 'confirmed') options.onConfirmed();
    return sendPage(reply, pageFor(view), view);
  });
}
