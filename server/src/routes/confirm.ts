/**
 * The confirmation link (delivery.confirm, SPEC §9.3): `GET /confirm/<token>` (and HEAD) shows the
 * held letter's subject and a button, and changes nothing, because mail scanners and link
 * previews fetch every link in an email; `POST /confirm/<token>` (the button, a plain form that
 * works without JavaScript) releases the signature's letters, once.
 *
 * The page sends no Referer (the token is in the URL) and cannot be framed. A cross-site POST is
 * refused by Sec-Fetch-Site and Origin when the browser sends them: another site's page must not
 * be able to press the button for a signer who has the link.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { routeRateLimits } from '../http/rate-limits.ts';
import { CONFIRM_PAGE_CSP, confirmPage, pageFor, type PageKind } from '../letters/confirm-page.ts';
import { hashToken, TOKEN_PATTERN, type ConfirmationView } from '../letters/sqlite-confirmations.ts';

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
export async function confirmRoutes(app: FastifyInstance): Promise<void> {
  const { signatureStore: store, letterClock: now } = app;
  const { publicUrl, rateLimit } = app.receiverConfig;
  const limits = routeRateLimits(rateLimit);
  // PUBLIC_URL's origin is the one a same-origin POST carries.
  const ownOrigin = (request: FastifyRequest): string =>
    publicUrl !== undefined ? new URL(publicUrl).origin : `${request.protocol}://${request.host}`;

  app.get('/confirm/:token', { config: { rateLimit: limits.read } }, async (request: TokenRequest, reply) => {
    const { token } = request.params;
    if (!TOKEN_PATTERN.test(token)) return sendPage(reply, 'unknown');
    // Read only: a scanner fetching the link must confirm nothing.
    const view = await store.confirmationView(hashToken(token), now());
    return sendPage(reply, pageFor(view), view);
  });

  app.post('/confirm/:token', { config: { rateLimit: limits.write } }, async (request: TokenRequest, reply) => {
    if (!isSameOriginPost(request.headers, ownOrigin(request))) return sendPage(reply, 'refused');
    const { token } = request.params;
    if (!TOKEN_PATTERN.test(token)) return sendPage(reply, 'unknown');
    const view = await store.confirmSignature(hashToken(token), now());
    // Letters were released: the worker sends them now rather than at its next round.
    if (view.state === 'confirmed') app.letterWorker?.wake();
    return sendPage(reply, pageFor(view), view);
  });
}
