/** `X-Content-Type-Options: nosniff` on every answer: a browser takes each body as the type we say. */
import fp from 'fastify-plugin';

/**
 * Adds the header. Wrapped in fastify-plugin on purpose: the hook must hold for every route,
 * static files and 404s included, not only inside a scope of its own.
 */
export const nosniff = fp(async (app) => {
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    return payload;
  });
}, { name: 'nosniff' });
