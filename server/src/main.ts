/**
 * Entry point: `node --import tsx server/src/main.ts`. Reads the environment (see config/load-config.ts),
 * refuses to start on a bad value (exit code 1, one line per problem), listens, and on
 * SIGTERM/SIGINT stops accepting, finishes in-flight requests and closes the database.
 */
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig, type Config } from './config/load-config.ts';
import { buildApp } from './app.ts';
import { openStore } from './store/open-store.ts';
import type { Store } from './store/store.ts';
import { ensureDevOrganiser, seedDemoCampaign, startMailCapture, type MailCapture } from './dev/dev-mode.ts';

const REPO_ROOT_URL = new URL('../../', import.meta.url);
const REPO_ROOT = fileURLToPath(REPO_ROOT_URL);
/** Set by `npm start` (scripts/start.mjs) only: seed the demo and capture letters locally. */
const DEV_MODE = process.env.APPEAL_DEV_MODE === 'true';
const SHUTDOWN_TIMEOUT_MS = 10_000;

async function main(): Promise<void> {
  // Before the configuration is read: the capture server's address becomes SMTP_URL.
  let capture: MailCapture | undefined;
  if (DEV_MODE && !process.env.SMTP_URL?.trim()) capture = await startMailCapture(process.env);
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`appeal-widget receiver: refusing to start, ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }

  // SQLite is opened by buildApp; PostgreSQL (DATABASE_URL) first connects and migrates, and a
  // database that cannot be reached or migrated stops the start here, saying why.
  let store: Store | undefined;
  if (config.databaseUrl !== undefined) {
    try {
      store = await openStore(config);
    } catch (error) {
      process.stderr.write(`appeal-widget receiver: refusing to start, cannot open the database: ${(error as Error).message}\n`);
      process.exit(1);
    }
  }
  const app = buildApp(config, {
    store,
    // The built widget whenever it is there: the embed page (/embed/<campaign>) loads it from here.
    staticRoots: { demo: config.serveDemo ? `${REPO_ROOT}demo` : undefined, dist: `${REPO_ROOT}dist` },
    plugins: capture ? [capture.plugin] : [],
  });
  // Closed after the hooks buildApp added (the letter worker's stop comes first).
  if (store) app.addHook('onClose', async () => store.close());
  if (DEV_MODE) await seedDemoCampaign(app.signatureStore, REPO_ROOT_URL.href);
  // start-env.mjs always sets ORGANISER_PASSWORD for npm start (a random one unless given).
  if (DEV_MODE && config.organiserPassword !== undefined) await ensureDevOrganiser(app.signatureStore, config.organiserPassword);

  let stoppingSince: number | undefined;
  const stop = (signal: NodeJS.Signals) => {
    if (stoppingSince !== undefined) {
      // Ctrl+C under `npm start` arrives twice at once (terminal + parent forwarding it): only
      // a deliberate second signal forces the exit.
      if (Date.now() - stoppingSince < 1000) return;
      process.stderr.write(`appeal-widget receiver: ${signal} again, exiting now\n`);
      process.exit(1);
    }
    stoppingSince = Date.now();
    const timer = setTimeout(() => {
      process.stderr.write('appeal-widget receiver: shutdown timed out\n');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`appeal-widget receiver: error while closing: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);

  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    process.stderr.write(`appeal-widget receiver: cannot listen on ${config.host}:${config.port}: ${(error as Error).message}\n`);
    await app.close().catch(() => undefined);
    process.exit(1);
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  const shownHost = config.host.includes(':') ? `[${config.host}]` : config.host;
  // A plain line whatever LOG_LEVEL is: scripts and tests read the URL from it.
  const letters = capture
    ? `letters captured locally at /dev/mail/ (${capture.sink.url})`
    : config.mail ? `letters sent through ${new URL(config.mail.smtpUrl).host}` : 'letters queued, not sent: SMTP_URL is not set';
  process.stdout.write(
    `appeal-widget receiver listening on http://${shownHost}:${port} (database ${app.signatureStore.path}, ` +
      `export ${config.exportToken ? 'enabled' : 'disabled'}, admin API ${config.adminToken ? 'enabled' : 'disabled'}, ${letters})\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`appeal-widget receiver: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
