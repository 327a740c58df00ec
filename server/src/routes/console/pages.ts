/**
 * The console's pages (SPEC §10) at `/admin/`: the Lit app built by `npm run build` into
 * `dist/console/` (console/vite.config.ts), under a strict Content Security Policy.
 *
 *   GET /admin              → 308 to /admin/
 *   GET /admin/assets/…     the app's scripts and stylesheets (hashed names: cached for a year)
 *   GET /admin/preview      the edit page's preview frame (the one console page that may be framed, by the console itself)
 *   GET /admin/widget/…     the built widget and its locale and icon files, for the preview frame
 *                           (served here because /dist/ is only served beside the demo)
 *   GET /admin/*            index.html, whatever the path: the app routes with the History API, so a
 *                           reload or a bookmark of /admin/campaigns/x/edit opens that page
 *
 * The pages are public (they hold no data); everything they show comes from /api/console/,
 * behind the organiser's session. Without a build, /admin/ says how to make one.
 */
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The console's policy: nothing inline, nothing from elsewhere, never framed. */
export const CONSOLE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; frame-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
/** The preview frame's: the same, framed by the console only. */
const PREVIEW_CSP = CONSOLE_CSP.replace("frame-ancestors 'none'", "frame-ancestors 'self'");

const DEFAULT_ROOT = fileURLToPath(new URL('../../../../dist/console/', import.meta.url));

/** The widget's files the preview frame loads, relative to the widget's build folder. */
const WIDGET_FILE = /^\/(appeal-widget\.js|locales\/[A-Za-z0-9-]+\.json|assets\/[a-z0-9-]+\.json)$/;

export interface ConsolePagesOptions {
  /** The console's build (default: the repository's dist/console/). */
  root?: string | undefined;
  /** The widget's build, for the preview (default: the folder above `root`). */
  widget?: string | undefined;
}

const COMMON_HEADERS = {
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

function pageHeaders(reply: FastifyReply, csp: string): FastifyReply {
  return reply
    .headers(COMMON_HEADERS)
    .header('content-security-policy', csp)
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8');
}

/** Registers `/admin/…`. */
export async function consolePages(app: FastifyInstance, options: ConsolePagesOptions = {}): Promise<void> {
  const root = options.root ?? DEFAULT_ROOT;
  const widget = options.widget ?? dirname(root.replace(/[\\/]+$/, ''));
  const index = join(root, 'index.html');

  app.get('/admin', async (_request, reply) => reply.code(308).header('location', '/admin/').send());

  if (!existsSync(index)) {
    app.log.warn(`the console is not built (${index} is missing): run npm run build`);
    app.get('/admin/*', async (_request, reply) =>
      pageHeaders(reply, CONSOLE_CSP).code(503).send('<!doctype html><html lang="en"><meta charset="utf-8"><title>Console not built</title><h1>The console is not built</h1><p>Run <code>npm run build</code> and restart the receiver.</p></html>'),
    );
    return;
  }

  app.register(fastifyStatic, {
    root: join(root, 'assets'),
    prefix: '/admin/assets/',
    decorateReply: false,
    index: false,
    maxAge: '365d',
    immutable: true,
    setHeaders: (reply) => reply.headers(COMMON_HEADERS),
  });

  app.register(fastifyStatic, {
    root: widget,
    prefix: '/admin/widget/',
    decorateReply: false,
    index: false,
    allowedPath: (path) => WIDGET_FILE.test(path),
    setHeaders: (reply) => reply.headers(COMMON_HEADERS),
  });

  // Read on each request (a few hundred bytes): a rebuild changes the assets' names.
  const page = (file: string, csp: string) => async (_request: unknown, reply: FastifyReply) => {
    const html = await readFile(join(root, file), 'utf8').catch(() => undefined);
    if (html === undefined) return pageHeaders(reply, csp).code(503).send('<!doctype html><title>Console not built</title><p>Run npm run build.</p>');
    return pageHeaders(reply, csp).send(html);
  };
  app.get('/admin/preview', page('preview.html', PREVIEW_CSP));
  app.get('/admin/', page('index.html', CONSOLE_CSP));
  app.get('/admin/*', page('index.html', CONSOLE_CSP));
}
