/**
 * The receiver's HTTP application (SPEC §7). `buildApp` wires config, storage and routes and
 * returns the Fastify instance without listening, so tests and `main.ts` share one code path.
 *
 * Error bodies are always JSON with a human reason: `{"error": "<code>", "message": "…"}`,
 * except 422 which is `{"errors": {"<payload key>": "reason"}}` as the widget expects.
 */
import Fastify, {
  LogController,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import cors, { type FastifyCorsOptions } from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import { adminRoutes } from './admin/admin-routes.ts';
import { checkBearer, type TokenDenial } from './admin/bearer-token.ts';
import { createCampaignCache, type CampaignCache } from './campaigns/campaign-cache.ts';
import { publicDocument } from './campaigns/campaign-input.ts';
import { confirmRoutes } from './letters/confirm-routes.ts';
import { isOriginAllowed, type Config } from './config.ts';
import { csvFilename, signaturesCsvStream } from './csv-export.ts';
import { registerConsoleSessions, type ConsoleSessionOptions } from './routes/console/session.ts';
import { createLetterWorker, type LetterWorker, type LetterWorkerOptions } from './letters/letter-worker.ts';
import { digestEntriesForSignature, letterAnswer, lettersForSignature } from './letters/letters-for-signature.ts';
import { createMailTransport } from './letters/mail-transport.ts';
import { isStorageFull, type InsertOutcome, type SubmissionFormat } from './store/sqlite-database.ts';
import { openSqliteStore } from './store/sqlite-store.ts';
import type { Store } from './store/store.ts';
import {
  AJV_OPTIONS,
  CAMPAIGN_PATTERN,
  capFieldErrors,
  checkSignatureSemantics,
  formToPayload,
  schemaErrorsToFieldErrors,
  signatureSchema,
  type FieldErrors,
  type FormConversion,
  type SchemaError,
  type SignaturePayload,
} from './signature-schema.ts';

export interface BuildAppOptions {
  /** Use this store instead of opening `config.databasePath` (the caller then closes it). */
  store?: Store;
  /** Static folders for `npm start`: `demo` served at `/`, `dist` at `/dist/`. */
  staticRoots?: { demo?: string | undefined; dist?: string | undefined };
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

declare module 'fastify' {
  interface FastifyInstance {
    signatureStore: Store;
    /** The worker that sends letters; undefined without SMTP_URL. */
    letterWorker: LetterWorker | undefined;
  }
}

/** Marks a body that arrived as a form, until `preValidation` turns it into the JSON shape. */
class FormBody {
  readonly conversion: FormConversion;
  constructor(conversion: FormConversion) {
    this.conversion = conversion;
  }
}

const CAMPAIGN = new RegExp(CAMPAIGN_PATTERN);
const FORMATS = new WeakMap<FastifyRequest, SubmissionFormat>();

export function buildApp(config: Config, options: BuildAppOptions = {}): FastifyInstance {
  const app = Fastify({
    logger: config.logLevel === 'silent' ? false : { level: config.logLevel },
    // One log line per request costs more than the request itself; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.bodyLimit,
    trustProxy: typeof config.trustProxy === 'number'
      ? (_address: string, hop: number) => hop < (config.trustProxy as number)
      : config.trustProxy,
    // A body that drips or never comes is cut off (Node answers 408 and closes) instead of
    // holding a socket forever. Node checks these every connectionsCheckingInterval (30 s by
    // default): check often enough that the timeout means what it says.
    requestTimeout: config.requestTimeoutMs,
    connectionTimeout: config.requestTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    http: {
      headersTimeout: config.requestTimeoutMs,
      connectionsCheckingInterval: Math.min(30_000, Math.max(100, Math.floor(config.requestTimeoutMs / 4))),
    },
    return503OnClosing: true,
    ajv: { customOptions: { ...AJV_OPTIONS } },
  });

  const ownsStore = options.store === undefined;
  const store = options.store ?? openSqliteStore(config.databasePath, {
    synchronous: config.databaseSynchronous,
    maxBytes: config.databaseMaxBytes,
  });
  const worker = createWorker(app, config, store, options);
  const campaigns = createCampaignCache(store);
  app.decorate('signatureStore', store);
  app.decorate('letterWorker', worker);
  app.addHook('onReady', async () => worker?.start());
  app.addHook('onClose', async () => {
    // Sends in flight are recorded before the database closes.
    await worker?.stop();
    if (ownsStore) await store.close();
  });

  installBodyParsers(app);
  installErrorHandlers(app, config);

  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    return payload;
  });

  app.register(cors, () => (request: FastifyRequest, callback: (error: Error | null, options: FastifyCorsOptions) => void) => {
    const origin = request.headers.origin;
    callback(null, {
      // The browser enforces this; the POST route also refuses foreign origins (see originGuard).
      // The admin API is for organisers' scripts and the console on the receiver itself: never CORS.
      // Decided by the matched route, not the raw URL, so /api/%61dmin/… gets no CORS either; the
      // dev pages (/dev/mail/, the captured letters) are never for other origins.
      origin: origin !== undefined && !isPrivateRequest(request) && isOriginAllowed(origin, config.allowedOrigins),
      methods: ['GET', 'POST'],
      allowedHeaders: ['Content-Type', 'Authorization'],
      // The widget reads Retry-After on a 429; cross-origin it must be exposed explicitly.
      exposedHeaders: ['Retry-After'],
      maxAge: 600,
    });
  });
  app.register(rateLimit, {
    // Every route, static files and 404s included, costs budget; API routes set their own below.
    global: true,
    max: config.rateLimit.readMax,
    timeWindow: config.rateLimit.windowMs,
    errorResponseBuilder: (_request, context) => ({
      statusCode: context.statusCode,
      error: 'rate-limited',
      message: `Too many requests from this address; try again in ${Math.max(1, Math.ceil(context.ttl / 1000))} s.`,
    }),
  });
  // After the rate-limit plugin loaded: the 404 handler spends the same budget as a read.
  app.after(() => installNotFoundHandler(app));
  if (options.staticRoots) app.addHook('onRequest', demoHostGuard);
  // One clock for recording letters and sending them, so a test that moves it sees digests close.
  const now = options.letterWorker?.now ?? Date.now;
  app.register(async (api) => registerApiRoutes(api, config, store, campaigns, worker, now));
  app.register(async (scope) => confirmRoutes(scope, {
    store,
    publicUrl: config.publicUrl,
    now,
    onConfirmed: () => worker?.wake(),
    readLimit: { max: config.rateLimit.readMax, timeWindow: config.rateLimit.windowMs },
    writeLimit: { max: config.rateLimit.max, timeWindow: config.rateLimit.windowMs },
  }));
  app.register(adminRoutes, {
    store,
    now,
    adminToken: config.adminToken,
    publicUrl: config.publicUrl,
    rateLimit: { max: config.rateLimit.readMax, timeWindow: config.rateLimit.windowMs },
    onCampaignChanged: (id) => {
      campaigns.forget(id);
      worker?.wake();
    },
  });
  registerConsoleSessions(app, { store, publicUrl: config.publicUrl, ...options.consoleSessions });
  for (const plugin of options.plugins ?? []) app.register(plugin);
  if (options.staticRoots) registerStatic(app, options.staticRoots);
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
    ...options.letterWorker, queue: store.letters, transport, mailFrom: config.mail.mailFrom, publicUrl: config.publicUrl, log: app.log,
  });
}

function installBodyParsers(app: FastifyInstance): void {
  // Our own JSON parser, for a precise reason on malformed JSON and to refuse `__proto__` keys
  // anywhere (the reviver sees keys after unescaping, so "\u005f_proto__" is caught too).
  // Only the two formats of SPEC §4: text/plain and the rest get 415.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = body as string;
    if (text.trim() === '') return done(badRequest('malformed-json', 'The request body is empty; expected a JSON object.'));
    try {
      done(null, JSON.parse(text, (key, value: unknown) => {
        if (key === '__proto__') throw new ForbiddenKeyError();
        return value;
      }));
    } catch (error) {
      const reason = error instanceof ForbiddenKeyError
        ? 'The key "__proto__" is not allowed.'
        : `Malformed JSON: ${(error as Error).message}`;
      done(badRequest('malformed-json', reason));
    }
  });
  // The form format (SPEC §4.2), a CORS simple request.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, new FormBody(formToPayload(body as string)));
  });
}

class ForbiddenKeyError extends Error {}

function badRequest(code: string, message: string): FastifyError {
  return Object.assign(new Error(message), { statusCode: 400, code }) as FastifyError;
}

const ERROR_CODES: Record<string, [string, (error: FastifyError, config: Config) => string]> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [
    'unsupported-media-type',
    () => 'Content-Type must be application/json or application/x-www-form-urlencoded.',
  ],
  FST_ERR_CTP_BODY_TOO_LARGE: ['payload-too-large', (_e, config) => `The request body is larger than ${config.bodyLimit} bytes.`],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ['bad-request', () => 'Content-Length does not match the body.'],
  FST_ERR_CTP_EMPTY_JSON_BODY: ['malformed-json', () => 'The request body is empty; expected a JSON object.'],
  FST_ERR_CTP_INVALID_JSON_BODY: ['malformed-json', () => 'The request body is not valid JSON.'],
};

/** Seconds a client should wait after a 503 storage-full (the widget queues and retries). */
const STORAGE_RETRY_AFTER_S = 300;

function installErrorHandlers(app: FastifyInstance, config: Config): void {
  let lastStorageFullLog = 0;
  const logStorageFull = (request: FastifyRequest, error: FastifyError) => {
    if (Date.now() - lastStorageFullLog < 60_000) return;
    lastStorageFullLog = Date.now();
    request.log.error({ err: error }, 'database or disk full: answering 503 (raise DATABASE_MAX_BYTES or free disk space)');
  };
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status >= 400 && status < 500) {
      const known = ERROR_CODES[error.code];
      const code = known?.[0] ?? (typeof error.code === 'string' && !error.code.startsWith('FST_') ? error.code : undefined)
        ?? (status === 429 ? 'rate-limited' : 'bad-request');
      const message = known?.[1](error, config) ?? error.message;
      return reply.code(status).send({ error: code, message });
    }
    if (isStorageFull(error)) {
      // Logged once a minute at most: a full disk must not also fill the log.
      logStorageFull(request, error);
      return reply.code(503).header('retry-after', String(STORAGE_RETRY_AFTER_S)).send({
        error: 'storage-full',
        message: 'The receiver cannot store signatures right now (its database or disk is full); try again later.',
      });
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send({ error: 'internal', message: 'The server could not handle this request; the error was logged.' });
  });
}

function installNotFoundHandler(app: FastifyInstance): void {
  app.setNotFoundHandler({ preHandler: app.rateLimit() }, (request, reply) => {
    // A CORS preflight the cors plugin declined lands here: name the reason, not a missing route.
    const origin = request.headers.origin;
    if (request.method === 'OPTIONS' && origin) {
      return reply.code(403).send({
        error: 'origin-not-allowed',
        message: `Requests from ${origin} are not accepted by this receiver (see ALLOWED_ORIGINS).`,
      });
    }
    return reply.code(404).send({ error: 'not-found', message: `Nothing at ${request.method} ${request.url.split('?')[0]}.` });
  });
}

function registerApiRoutes(
  api: FastifyInstance,
  config: Config,
  store: Store,
  campaigns: CampaignCache,
  worker: LetterWorker | undefined,
  now: () => number,
): void {
  const window = config.rateLimit.windowMs;
  const writeLimit = { rateLimit: { max: config.rateLimit.max, timeWindow: window } };
  const readLimit = { rateLimit: { max: config.rateLimit.readMax, timeWindow: window } };

  api.post('/api/signatures', {
    config: writeLimit,
    onRequest: (request, reply, done) => originGuard(config, request, reply, done),
    preValidation: async (request, reply) => {
      if (!(request.body instanceof FormBody)) return;
      const { conversion } = request.body;
      if (!conversion.ok) return reply.code(422).send({ errors: capFieldErrors(conversion.errors) });
      FORMATS.set(request, 'form');
      request.body = conversion.payload;
    },
    attachValidation: true,
    schema: { body: signatureSchema },
  }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    if (request.validationError) {
      const validation = (request.validationError as FastifyError).validation as SchemaError[] | undefined;
      const errors: FieldErrors = validation
        ? schemaErrorsToFieldErrors(validation)
        : { body: request.validationError.message };
      return reply.code(422).send({ errors: capFieldErrors(errors) });
    }
    const payload = request.body as SignaturePayload;
    const errors = checkSignatureSemantics(payload);
    if (Object.keys(errors).length > 0) return reply.code(422).send({ errors: capFieldErrors(errors) });

    // Only campaigns the receiver holds take signatures (SPEC §8); nothing is stored otherwise.
    const campaign = await campaigns.get(payload.campaign);
    if (!campaign) {
      return reply.code(404).send({ error: 'unknown-campaign', message: `This receiver holds no campaign "${payload.campaign}".` });
    }
    if (campaign.status === 'closed') {
      return reply.code(410).send({ error: 'closed', message: 'This campaign is closed and no longer takes signatures.' });
    }
    const signedAt = now();
    const letters = lettersForSignature(payload, campaign, signedAt);
    const digestEntries = digestEntriesForSignature(payload, campaign, signedAt);
    const { outcome, count } = await store.insertSignature(payload, FORMATS.get(request) ?? 'json', letters, digestEntries);
    if (outcome === 'created' && letters.length > 0) worker?.wake();
    // The same answer for a repeated address as for a new one, `letter` included (SPEC §7).
    return reply.code(statusForOutcome(outcome)).send({ ok: true, count, letter: letterAnswer(campaign.delivery, letters) });
  });

  api.get<{ Params: { campaign: string } }>('/api/campaigns/:campaign', { config: readLimit }, async (request, reply) => {
    const { campaign: id } = request.params;
    if (!CAMPAIGN.test(id)) return reply.code(400).send(invalidCampaign());
    const campaign = await campaigns.get(id);
    if (!campaign) return reply.code(404).send({ error: 'unknown-campaign', message: `This receiver holds no campaign "${id}".` });
    reply.header('cache-control', 'no-cache');
    // The public document only: the delivery settings never leave the admin API, except what
    // publicDocument lets out (the reply-to question; the addresses in mode mailto, by choice).
    return { ...publicDocument(campaign.document, campaign.delivery), id, status: campaign.status, count: await store.countSignatures(id) };
  });

  api.get<{ Params: { campaign: string } }>('/api/campaigns/:campaign/count', { config: readLimit }, async (request, reply) => {
    const { campaign } = request.params;
    if (!CAMPAIGN.test(campaign)) return reply.code(400).send(invalidCampaign());
    reply.header('cache-control', 'no-cache');
    return { count: await store.countSignatures(campaign) };
  });

  api.get<{ Params: { campaign: string } }>('/api/campaigns/:campaign/signatures.csv', { config: readLimit }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const denied = checkExportToken(config, request.headers.authorization);
    if (denied) {
      if (denied.status === 401) reply.header('www-authenticate', 'Bearer realm="appeal-widget export"');
      return reply.code(denied.status).send({ error: denied.error, message: denied.message });
    }
    const { campaign } = request.params;
    if (!CAMPAIGN.test(campaign)) return reply.code(400).send(invalidCampaign());
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${csvFilename(campaign)}"`)
      .send(signaturesCsvStream(store, campaign));
  });
}

/**
 * The status of an accepted signature. A repeated address with a new id answers exactly like a
 * new signature (SPEC §7): the public must not learn whether a named person signed. Only a
 * retry of the same id (which only its sender knows) answers 200.
 */
export function statusForOutcome(outcome: InsertOutcome): 200 | 201 {
  return outcome === 'duplicate-id' ? 200 : 201;
}

function invalidCampaign() {
  return { error: 'invalid-campaign', message: `The campaign must match ${CAMPAIGN_PATTERN}.` };
}

/**
 * CORS alone does not stop a cross-site *simple* request (the form format): the browser sends it
 * and only hides the answer. So a POST carrying an Origin that is not configured is refused
 * before its body is read. Requests without Origin (curl, servers) pass. The Host header is NOT
 * taken as "our own origin": after DNS rebinding an attacker's page has Origin = Host = its own
 * name. A page served by the receiver itself is allowed by configuring its origin (npm start does).
 */
function originGuard(config: Config, request: FastifyRequest, reply: FastifyReply, done: () => void): void {
  const origin = request.headers.origin;
  if (origin === undefined || isOriginAllowed(origin, config.allowedOrigins)) {
    done();
    return;
  }
  reply.header('connection', 'close');
  reply.code(403).send({
    error: 'origin-not-allowed',
    message: `Signatures from ${origin} are not accepted by this receiver (see ALLOWED_ORIGINS).`,
  });
}

/**
 * Host headers a demo server answers: localhost names and IP literals. DNS rebinding needs a
 * domain name of the attacker's, so an IP literal (a phone on the LAN trying `HOST=0.0.0.0`) is safe.
 */
const DEMO_HOST_HEADER = /^(localhost|[a-z0-9-]+\.localhost|\d{1,3}(\.\d{1,3}){3}|\[[0-9a-f:.]+\])(:\d{1,5})?$/i;

/** Routes for organisers (admin API, console) and the dev pages: never answered with CORS headers. */
function isPrivateRequest(request: FastifyRequest): boolean {
  const isPrivate = (path: string) => path.startsWith('/api/admin/') || path.startsWith('/api/console/') || path.startsWith('/dev/');
  // The matched route catches /api/%61dmin/…; the URL itself catches preflights (matched by CORS's
  // catch-all), decoded as the router decodes it, so a preflight for /api/%61dmin/… gets none either.
  return isPrivate(request.routeOptions.url ?? '') || isPrivate(request.url) || isPrivate(decodedPath(request.url));
}

function decodedPath(url: string): string {
  try {
    return decodeURIComponent(url.split('?', 1)[0]!);
  } catch {
    return url;
  }
}

/**
 * When the receiver serves the demo (npm start), whatever address it listens on, a request naming
 * a host other than localhost or an IP address arrived through DNS rebinding (a foreign site
 * resolving its own name to this machine): refused with 421, so such a page cannot read the demo,
 * the captured letters, the count or the export. Not applied to a receiver without the demo,
 * behind a reverse proxy that forwards the public Host.
 */
function demoHostGuard(request: FastifyRequest, reply: FastifyReply, done: () => void): void {
  if (DEMO_HOST_HEADER.test(request.headers.host ?? '')) {
    done();
    return;
  }
  reply.header('connection', 'close');
  reply.code(421).send({
    error: 'misdirected-request',
    message: 'This local receiver only answers requests addressed to localhost or 127.0.0.1.',
  });
}

/** The CSV export opens with EXPORT_TOKEN or ADMIN_TOKEN (SPEC §8); with neither set it is off. */
export function checkExportToken(
  config: Pick<Config, 'exportToken' | 'adminToken'>,
  header: string | undefined,
): TokenDenial | undefined {
  if (config.exportToken === undefined && config.adminToken === undefined) {
    return { status: 403, error: 'export-disabled', message: 'CSV export is disabled: set EXPORT_TOKEN on the server to enable it.' };
  }
  return checkBearer(header, [config.exportToken, config.adminToken], 'export');
}

function registerStatic(app: FastifyInstance, roots: NonNullable<BuildAppOptions['staticRoots']>): void {
  const { demo, dist } = roots;
  if (dist !== undefined) {
    if (existsSync(dist)) {
      app.register(fastifyStatic, {
        root: dist,
        prefix: '/dist/',
        decorateReply: false,
        setHeaders: (reply) => {
          // The built widget and its locales are meant to be loaded by other sites.
          reply.header('access-control-allow-origin', '*');
          reply.header('cross-origin-resource-policy', 'cross-origin');
        },
      });
    } else {
      app.log.warn(`not serving /dist/: ${dist} does not exist (run npm run build)`);
    }
  }
  if (demo !== undefined) {
    if (existsSync(demo)) {
      app.register(fastifyStatic, {
        root: demo,
        prefix: '/',
        decorateReply: false,
        setHeaders: (reply) => {
          reply.header('referrer-policy', 'strict-origin-when-cross-origin');
          reply.header('x-frame-options', 'SAMEORIGIN');
          reply.header('cross-origin-opener-policy', 'same-origin');
          reply.header('cross-origin-resource-policy', 'same-origin');
        },
      });
    } else {
      app.log.warn(`not serving the demo: ${demo} does not exist`);
    }
  }
}
