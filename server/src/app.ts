/**
 * The receiver's HTTP application (SPEC §7). `buildApp` builds the Fastify instance, decorates it
 * with what the plugins share (receiver-dependencies.ts) and registers the plugins, without
 * listening, so tests and `main.ts` share one code path.
 *
 * What holds for every request is in http/ (body formats, error answers, CORS, rate limits, the
 * demo's Host guard); each route group is a plugin in routes/ with a scope of its own.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import { createBotChecks } from './bots/bot-checks.ts';
import { createCampaignCache } from './campaigns/campaign-cache.ts';
import type { Config } from './config/load-config.ts';
import { bodyParsers } from './http/body-parsers.ts';
import { corsByRoute } from './http/cors-by-route.ts';
import { demoHostGuard } from './http/demo-host-guard.ts';
import { errorHandler } from './http/error-handler.ts';
import { frameGuard } from './http/frame-guard.ts';
import { notFoundHandler } from './http/not-found-handler.ts';
import { nosniff } from './http/nosniff.ts';
import { globalRateLimit } from './http/rate-limits.ts';
import { serverOptions } from './http/server-options.ts';
import { createLetterWorker, type LetterWorker, type LetterWorkerOptions } from './letters/letter-worker.ts';
import { createMailTransport } from './letters/mail-transport.ts';
import { decorateDependencies } from './receiver-dependencies.ts';
import { adminRoutes } from './routes/admin/index.ts';
import { campaignRoutes } from './routes/campaigns.ts';
import { confirmRoutes } from './routes/confirm.ts';
import { consoleCampaignRoutes } from './routes/console/campaigns.ts';
import { consoleErasureRoutes } from './routes/console/erasure.ts';
import { consoleExportRoutes } from './routes/console/export.ts';
import { consolePages } from './routes/console/pages.ts';
import { consoleQuarantineRoutes } from './routes/console/quarantine.ts';
import { registerConsoleSessions, type ConsoleSessionOptions } from './routes/console/session.ts';
import { embedRoutes } from './routes/embed.ts';
import { exportRoutes } from './routes/export.ts';
import { signatureRoutes } from './routes/signatures.ts';
import { folderServed, staticFiles, type StaticRoots } from './routes/static-files.ts';
import { openSqliteStore } from './store/sqlite-store.ts';
import type { Store } from './store/store.ts';

export interface BuildAppOptions {
  /** Use this store instead of opening `config.databasePath` (the caller then closes it). */
  store?: Store;
  /** Static folders: `demo` served at `/` (npm start), `dist` at `/dist/` (npm start, and for the embed page); `console` (the console's build, default dist/console/) at `/admin/`. */
  staticRoots?: StaticRoots;
  /** Extra nodemailer options for the letter transport (tests: shorter timeouts). */
  transportOptions?: Record<string, unknown>;
  /**
   * Letter worker settings for tests: a clock to move time (`now`), a shorter `retryDelay` or
   * `idleMs`. Unset in production: the worker's own defaults (first retry within 15–30 s, …).
   */
  letterWorker?: Pick<LetterWorkerOptions, 'now' | 'retryDelay' | 'idleMs' | 'giveUpAfterMs'>;
  /** Extra pages for `npm start` (the local mail capture), registered beside the API. */
  plugins?: ((app: FastifyInstance) => Promise<void>)[];
  /** The console sessions' clock and login limits, for tests; unset in production. */
  consoleSessions?: Pick<ConsoleSessionOptions, 'now' | 'loginLimits'>;
}

/** The receiver for `config`, ready to listen. */
export function buildApp(config: Config, options: BuildAppOptions = {}): FastifyInstance {
  const app = Fastify(serverOptions(config));

  const ownsStore = options.store === undefined;
  // PostgreSQL opens asynchronously (connect, migrate): main.ts opens it with openStore and passes it in.
  if (ownsStore && config.databaseUrl !== undefined) throw new Error('DATABASE_URL is set: open the store with openStore() and pass it as options.store');
  const store = options.store ?? openSqliteStore(config.databasePath, {
    synchronous: config.databaseSynchronous,
    maxBytes: config.databaseMaxBytes,
  });
  const worker = createWorker(app, config, store, options);
  // One clock for recording letters and sending them, so a test that moves it sees digests close.
  const now = options.letterWorker?.now ?? Date.now;
  decorateDependencies(app, { config, store, campaigns: createCampaignCache(store), worker, now, bots: createBotChecks(config, store) });
  app.addHook('onReady', async () => worker?.start());
  app.addHook('onClose', async () => {
    // Sends in flight are recorded before the database closes.
    await worker?.stop();
    if (ownsStore) await store.close();
  });

  // Order matters: hooks and handlers reach only the routes declared after them, and hooks run
  // in the order registered (cors answers a preflight before the Host guard looks at it; the
  // request that follows gets the guard's 421).
  app.register(bodyParsers);
  app.register(errorHandler);
  app.register(nosniff);
  app.register(frameGuard);
  app.register(cors, corsByRoute(config.allowedOrigins));
  // With PostgreSQL, counted in the database: a client's budget is the same on every receiver.
  app.register(rateLimit, globalRateLimit(config.rateLimit, store.rateLimits));
  app.register(notFoundHandler);
  if (options.staticRoots?.demo !== undefined) app.register(demoHostGuard);

  app.register(signatureRoutes);
  app.register(campaignRoutes);
  app.register(exportRoutes);
  app.register(confirmRoutes);
  app.register(adminRoutes);
  registerConsoleSessions(app, { store, publicUrl: config.publicUrl, ...options.consoleSessions });
  app.register(consoleCampaignRoutes);
  app.register(consoleErasureRoutes);
  app.register(consoleQuarantineRoutes);
  app.register(consoleExportRoutes);
  app.register(embedRoutes, { widgetServed: folderServed(options.staticRoots?.dist) });
  app.register(consolePages, { root: options.staticRoots?.console });
  for (const plugin of options.plugins ?? []) app.register(plugin);
  if (options.staticRoots) app.register(staticFiles, options.staticRoots);
  return app;
}

/**
 * The letter worker, when SMTP_URL is set. Without it letters stay queued, and the receiver says
 * so once at start rather than on every signature.
 */
function createWorker(app: FastifyInstance, config: Config, store: Store, options: BuildAppOptions): LetterWorker | undefined {
  if (!config.mail) {
    app.addHook('onReady', async () => {
      app.log.warn('letters are recorded but not sent: SMTP_URL and MAIL_FROM are not set (see "Letters to the target" in the README)');
    });
    return undefined;
  }
  const transport = createMailTransport({ smtpUrl: config.mail.smtpUrl, dkim: config.mail.dkim, extra: options.transportOptions });
  app.addHook('onClose', async () => transport.close());
  return createLetterWorker({
    leaseMs: config.letterLeaseMs,
    ...options.letterWorker, queue: store.letters, transport, mailFrom: config.mail.mailFrom, publicUrl: config.publicUrl, log: app.log,
  });
}
