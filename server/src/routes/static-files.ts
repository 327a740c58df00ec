/**
 * The static folders served beside the API: the demo at `/` (npm start only; same-origin only,
 * never framed by another site) and the built widget at `/dist/` (meant to be loaded by other
 * sites, and by the receiver's own embed page, so served whenever it is built).
 * A folder that does not exist is skipped with a warning, so the receiver starts without it.
 */
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';

/** The folders to serve; either may be left out. */
export interface StaticRoots {
  demo?: string | undefined;
  dist?: string | undefined;
  /** The console's build, served at /admin/ by routes/console/pages.ts (not here); default dist/console/. */
  console?: string | undefined;
}

const DIST_HEADERS = {
  // The built widget and its locales are meant to be loaded by other sites.
  'access-control-allow-origin': '*',
  'cross-origin-resource-policy': 'cross-origin',
};

const DEMO_HEADERS = {
  'referrer-policy': 'strict-origin-when-cross-origin',
  'x-frame-options': 'SAMEORIGIN',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/** Whether `root` is a folder staticFiles serves (it exists now; a folder made later is served after a restart). */
export function folderServed(root: string | undefined): boolean {
  return root !== undefined && existsSync(root);
}

/** Registers `/dist/` and `/` for the folders in `roots` that exist. */
export async function staticFiles(app: FastifyInstance, roots: StaticRoots): Promise<void> {
  // dist/console/ is the console's, served at /admin/ under its own policy, not here without one.
  serveFolder(app, roots.dist, '/dist/', DIST_HEADERS, `not serving /dist/: ${roots.dist} does not exist (run npm run build; the embed page /embed/<campaign> needs it)`, (path) => !path.startsWith('/console/'));
  serveFolder(app, roots.demo, '/', DEMO_HEADERS, `not serving the demo: ${roots.demo} does not exist`);
}

function serveFolder(
  app: FastifyInstance,
  root: string | undefined,
  prefix: string,
  headers: Record<string, string>,
  missing: string,
  allowedPath: (path: string) => boolean = () => true,
): void {
  if (root === undefined) return;
  if (!folderServed(root)) {
    app.log.warn(missing);
    return;
  }
  app.register(fastifyStatic, {
    root,
    prefix,
    // The plugin is registered twice in this scope: a second reply.sendFile decorator would clash.
    decorateReply: false,
    allowedPath,
    setHeaders: (reply) => {
      for (const [name, value] of Object.entries(headers)) reply.header(name, value);
    },
  });
}
