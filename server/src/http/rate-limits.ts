/**
 * Requests per client address per window (@fastify/rate-limit): every path costs the read budget
 * unless its route names another; signatures and confirmations spend the smaller write budget.
 * Over budget: 429 with Retry-After and a reason in our error shape.
 */
import type { RateLimitPluginOptions } from '@fastify/rate-limit';
import type { Config } from '../config/load-config.ts';

/** A budget a route names in its `config.rateLimit`. */
export interface RouteRateLimit {
  max: number;
  timeWindow: number;
}

/** The plugin's options: every route, static files and 404s included, costs the read budget. */
export function globalRateLimit(limits: Config['rateLimit']): RateLimitPluginOptions {
  return {
    global: true,
    max: limits.readMax,
    timeWindow: limits.windowMs,
    errorResponseBuilder: (_request, context) => ({
      statusCode: context.statusCode,
      error: 'rate-limited',
      message: `Too many requests from this address; try again in ${Math.max(1, Math.ceil(context.ttl / 1000))} s.`,
    }),
  };
}

/** The two budgets routes choose from: `read` (documents, counts, pages) and `write` (posts). */
export function routeRateLimits(limits: Config['rateLimit']): { read: RouteRateLimit; write: RouteRateLimit } {
  return {
    read: { max: limits.readMax, timeWindow: limits.windowMs },
    write: { max: limits.max, timeWindow: limits.windowMs },
  };
}
