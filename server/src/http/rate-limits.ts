/**
 * Requests per client address per window (@fastify/rate-limit): every path costs the read budget
 * unless its route names another; signatures and confirmations spend the smaller write budget.
 * Over budget: 429 with Retry-After and a reason in our error shape.
 *
 * Counted in the receiver's memory, or, when the store shares counters with other receivers
 * (PostgreSQL: Store.rateLimits), in the database, so the budgets hold across all of them.
 */
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor, RateLimitPluginOptions } from '@fastify/rate-limit';
import type { Config } from '../config/load-config.ts';
import type { RateLimitCounters } from '../store/store.ts';

/** A budget a route names in its `config.rateLimit`. */
export interface RouteRateLimit {
  max: number;
  timeWindow: number;
}

/** The plugin's options: every route, static files and 404s included, costs the read budget; counted in `counters` when given. */
export function globalRateLimit(limits: Config['rateLimit'], counters?: RateLimitCounters): RateLimitPluginOptions {
  return {
    ...(counters === undefined ? {} : { store: sharedRateLimitStore(counters) }),
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

/**
 * A @fastify/rate-limit store on shared counters. Like the plugin's own store, each route with a
 * budget of its own (and each `app.rateLimit()`) counts apart from the others, so its keys carry
 * the route's method and path; the routes on the global budget share one count per client.
 */
export function sharedRateLimitStore(counters: RateLimitCounters): FastifyRateLimitStoreCtor {
  let unnamed = 0;
  const storeFor = (namespace: string): FastifyRateLimitStore => ({
    incr(key, callback, timeWindow) {
      counters.increment(`${namespace}|${key}`, timeWindow).then(
        ({ count, ttlMs }) => callback(null, { current: count, ttl: ttlMs }),
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
    },
    child(routeOptions) {
      const options = routeOptions as { routeInfo?: { method?: string | string[]; url?: string }; continueExceeding?: boolean; exponentialBackoff?: boolean };
      refuseUnsupported(options);
      const route = options.routeInfo;
      const method = Array.isArray(route?.method) ? route.method.join(',') : route?.method;
      return storeFor(route?.url === undefined ? `limiter-${++unnamed}` : `${method ?? ''} ${route.url}`);
    },
  });
  return class SharedRateLimitStore {
    constructor(options: { continueExceeding?: boolean; exponentialBackoff?: boolean }) {
      refuseUnsupported(options);
      return storeFor('global');
    }
  } as unknown as FastifyRateLimitStoreCtor;
}

/** The shared counters keep plain fixed windows: a setting that needs more must not pass silently. */
function refuseUnsupported(options: { continueExceeding?: boolean; exponentialBackoff?: boolean }): void {
  if (options.continueExceeding === true || options.exponentialBackoff === true) {
    throw new Error('the shared rate-limit store keeps fixed windows only (continueExceeding and exponentialBackoff are not supported)');
  }
}
