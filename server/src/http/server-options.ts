/**
 * The options the receiver's Fastify instance is built with: logging, the body limit, which
 * proxies are trusted, and the timeouts that cut off slow or silent clients.
 */
import { LogController, type FastifyHttpOptions } from 'fastify';
import type { Server } from 'node:http';
import type { Config } from '../config/load-config.ts';
import { AJV_OPTIONS } from '../signature-schema.ts';

/** Fastify's constructor options for `config`. */
export function serverOptions(config: Config): FastifyHttpOptions<Server> {
  return {
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
  };
}
