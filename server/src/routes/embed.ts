/**
 * The embed page (SPEC §10, console-api.ts): `GET /embed/<campaign>?lang=<tag>`, a page holding
 * only the widget, for an `<iframe>` on a site whose editors cannot paste a script (a WordPress
 * role that strips `<script>`). The widget loads from this receiver's `/dist/`, reads the
 * campaign's document here and posts here, all same-origin, so the page's policy is the strict
 * one the README recommends to sites (no inline script or style, only 'self'), and it is the one
 * page of the receiver that other sites may frame: `frame-ancestors` lists the ALLOWED_ORIGINS
 * (`*` when any origin is allowed) and the receiver itself (the console previews it). Every other
 * answer carries `X-Frame-Options: DENY` (http/frame-guard.ts) or a policy of its own.
 *
 * Nothing from the URL is written into the page but the campaign id, which must match the
 * campaign pattern and name a campaign the receiver holds (else 400 / 404), and the language,
 * which must look like a language tag (else it is left out and the widget picks the reader's).
 * Both are escaped all the same. The page needs the built widget: without `/dist/` (the folder
 * missing at start, see static-files.ts) it answers 503 saying so.
 *
 * The widget posts from the receiver's own origin, which the signature route accepts when it is
 * PUBLIC_URL's or listed in ALLOWED_ORIGINS (routes/signatures.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { AllowedOrigins } from '../config/allowed-origins.ts';
import { routeRateLimits } from '../http/rate-limits.ts';
import { escapeHtml } from '../letters/confirm-page.ts';
import { invalidCampaign, isCampaignId } from './campaign-id.ts';

/** What the embed plugin is told by app.ts. */
export interface EmbedOptions {
  /** Whether this receiver serves the built widget at /dist/. */
  widgetServed: boolean;
}

/** The page's policy without its frame-ancestors: the widget's strict CSP (README, test/e2e/csp.test.ts). */
export const EMBED_PAGE_BASE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'";

/**
 * Who may frame the page: every allowed origin and the receiver itself; `*` for any. The local
 * development origins become `http://localhost:*` and `http://127.0.0.1:*` (CSP has no syntax
 * for an IPv6 literal, so `[::1]` cannot be listed).
 */
export function frameAncestors(allowed: AllowedOrigins): string {
  if (allowed.any) return '*';
  const local = allowed.localDev ? ['http://localhost:*', 'http://127.0.0.1:*'] : [];
  return ["'self'", ...allowed.origins, ...local].join(' ');
}

/** The whole policy of the embed page for `allowed`. */
export function embedPageCsp(allowed: AllowedOrigins): string {
  return `${EMBED_PAGE_BASE_CSP}; frame-ancestors ${frameAncestors(allowed)}`;
}

/** A language tag as `?lang=` may give it (`fr`, `pt-BR`, `zh-Hant-TW`), at most 35 characters; else undefined. */
export function embedLanguage(value: unknown): string | undefined {
  return typeof value === 'string' && value.length <= 35 && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,4}$/.test(value) ? value : undefined;
}

/** The campaign's title for the page's <title>: in `lang`, its base language, English, else the first. */
function titleOf(document: Record<string, unknown>, lang: string | undefined): string | undefined {
  const texts = document.texts;
  if (typeof texts !== 'object' || texts === null) return undefined;
  const byLanguage = texts as Record<string, { title?: unknown } | undefined>;
  const wanted = [lang, lang?.split('-')[0], 'en', ...Object.keys(byLanguage)];
  for (const code of wanted) {
    const title = code === undefined ? undefined : byLanguage[code]?.title;
    if (typeof title === 'string' && title.trim() !== '') return title;
  }
  return undefined;
}

/** The page (pure): the widget's script tag and nothing else; every value escaped. */
export function embedPage(campaign: string, lang: string | undefined, title: string | undefined): string {
  const id = escapeHtml(campaign);
  const attributes = [
    'src="/dist/appeal-widget.js"',
    'data-endpoint="/api/signatures"',
    `data-campaign="${id}"`,
    `data-campaign-url="/api/campaigns/${id}"`,
    `data-count-url="/api/campaigns/${id}/count"`,
    ...(lang === undefined ? [] : [`data-lang="${escapeHtml(lang)}"`]),
  ];
  // Without ?lang the <html> names no language: the widget then speaks the reader's.
  return `<!doctype html>
<html${lang === undefined ? '' : ` lang="${escapeHtml(lang)}"`}>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title ?? campaign)}</title>
</head>
<body>
<main>
<script ${attributes.join(' ')}></script>
</main>
</body>
</html>
`;
}

/** Registers `GET /embed/:campaign` (and HEAD). */
export async function embedRoutes(app: FastifyInstance, options: EmbedOptions): Promise<void> {
  const config = app.receiverConfig;
  const csp = embedPageCsp(config.allowedOrigins);

  app.get<{ Params: { campaign: string }; Querystring: { lang?: unknown } }>(
    '/embed/:campaign',
    { config: { rateLimit: routeRateLimits(config.rateLimit).read } },
    async (request, reply) => {
      const { campaign: id } = request.params;
      if (!isCampaignId(id)) return reply.code(400).send(invalidCampaign());
      if (!options.widgetServed) {
        return reply.code(503).send({
          error: 'embed-unavailable',
          message: 'This receiver does not serve the built widget at /dist/, which the embed page loads: run npm run build, then restart the receiver.',
        });
      }
      const campaign = await app.campaignCache.get(id);
      if (!campaign) return reply.code(404).send({ error: 'unknown-campaign', message: `This receiver holds no campaign "${id}".` });
      const lang = embedLanguage(request.query.lang);
      return reply
        .type('text/html; charset=utf-8')
        .header('content-security-policy', csp)
        .header('cache-control', 'no-cache')
        .header('referrer-policy', 'strict-origin-when-cross-origin')
        .send(embedPage(id, lang, titleOf(campaign.document, lang)));
    },
  );
}
