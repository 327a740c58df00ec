/**
 * What a request that matches no route gets: a 404 naming what was asked for, or, for a CORS
 * preflight the cors plugin declined, a 403 naming the reason. Either costs the same rate-limit
 * budget as a read, so probing unknown paths is no way around the limit.
 */
import fp from 'fastify-plugin';

/**
 * Sets the 404 handler. Wrapped in fastify-plugin on purpose: the handler must be the root
 * scope's, where every unmatched path lands. Registered after @fastify/rate-limit, whose
 * `app.rateLimit()` it uses (`dependencies` says so at start).
 */
export const notFoundHandler = fp(async (app) => {
  app.setNotFoundHandler({ preHandler: app.rateLimit() }, (request, reply) => {
    const origin = request.headers.origin;
    if (request.method === 'OPTIONS' && origin) {
      return reply.code(403).send({
        error: 'origin-not-allowed',
        message: `Requests from ${origin} are not accepted by this receiver (see ALLOWED_ORIGINS).`,
      });
    }
    return reply.code(404).send({ error: 'not-found', message: `Nothing at ${request.method} ${request.url.split('?')[0]}.` });
  });
}, { name: 'not-found-handler', dependencies: ['@fastify/rate-limit'] });
