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
}, { name: 'error-handler', decorators: { fastify: ['receiverConfig'] } });
