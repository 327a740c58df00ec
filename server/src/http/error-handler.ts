/**
 * How every failure is answered: JSON with a code and a human reason, `{"error": "<code>",
 * "message": "…"}` (422 alone is `{"errors": {…}}`, sent by the routes themselves). Fastify's
 * own 4xx codes are named in our words; a full database or disk is a 503 the widget retries;
 * anything else is a logged 500 that tells nothing of the cause.
 */
import type { FastifyError, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../config/load-config.ts';
import { isStorageFull } from '../store/sqlite-database.ts';
import { isDatabaseUnavailable } from '../store/postgres/pool.ts';

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
/** Seconds to wait after a 503 for an unreachable database: a restart or a failover takes seconds. */
const UNAVAILABLE_RETRY_AFTER_S = 5;
/** How long without an "unreachable" before a stored signature counts as the database being back. */
const OUTAGE_SETTLE_MS = 1_000;

/**
 * Sets the error handler. Wrapped in fastify-plugin on purpose: a handler set in a scope of its
 * own would answer only there, and every route, static files included, must answer alike.
 */
export const errorHandler = fp(async (app) => {
  const config = app.receiverConfig;
  let lastStorageFullLog = 0;
  const logStorageFull = (request: FastifyRequest, error: FastifyError) => {
    if (Date.now() - lastStorageFullLog < 60_000) return;
    lastStorageFullLog = Date.now();
    request.log.error({ err: error }, 'database or disk full: answering 503 (raise DATABASE_MAX_BYTES or free disk space)');
  };
  // The database unreachable (PostgreSQL restarted, network cut): said once when it starts, once
  // when it ends, not once per request of the outage.
  let outage: { since: number; lastAt: number; answered: number } | undefined;
  app.addHook('onResponse', async (request, reply) => {
    // Only a stored signature proves the database is back (a static file or a cached read does
    // not), and only one a while after the last failure: while PostgreSQL shuts down, sessions
    // are cut one by one and a request on a session not yet cut still commits.
    if (outage === undefined || reply.statusCode >= 300 || request.method !== 'POST' || request.routeOptions.url !== '/api/signatures') return;
    if (Date.now() - outage.lastAt < OUTAGE_SETTLE_MS) return;
    request.log.warn({ seconds: Math.round((Date.now() - outage.since) / 1000), answered503: outage.answered }, 'database reachable again');
    outage = undefined;
  });
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
    if (isDatabaseUnavailable(error)) {
      if (outage === undefined) {
        outage = { since: Date.now(), lastAt: Date.now(), answered: 0 };
        request.log.error({ err: error }, 'database unreachable: answering 503 until it returns (nothing is acknowledged that was not committed)');
      }
      outage.answered += 1;
      outage.lastAt = Date.now();
      return reply.code(503).header('retry-after', String(UNAVAILABLE_RETRY_AFTER_S)).send({
        error: 'storage-unavailable',
        message: 'The receiver cannot reach its database right now; nothing was stored. Try again in a few seconds.',
      });
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send({ error: 'internal', message: 'The server could not handle this request; the error was logged.' });
  });
}, { name: 'error-handler', decorators: { fastify: ['receiverConfig'] } });
