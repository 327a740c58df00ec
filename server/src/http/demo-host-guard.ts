/**
 * When the receiver serves the demo (npm start), whatever address it listens on, a request naming
 * a host other than localhost or an IP address arrived through DNS rebinding (a foreign site
 * resolving its own name to this machine): refused with 421, so such a page cannot read the demo,
 * the captured letters, the count or the export. Not applied to a receiver without the demo,
 * behind a reverse proxy that forwards the public Host.
 */
import fp from 'fastify-plugin';

/**
 * Host headers a demo server answers: localhost names and IP literals. DNS rebinding needs a
 * domain name of the attacker's, so an IP literal (a phone on the LAN trying `HOST=0.0.0.0`) is safe.
 */
const DEMO_HOST_HEADER = /^(localhost|[a-z0-9-]+\.localhost|\d{1,3}(\.\d{1,3}){3}|\[[0-9a-f:.]+\])(:\d{1,5})?$/i;

/**
 * The guard, as an onRequest hook. Wrapped in fastify-plugin on purpose: it must stand before
 * every route, static files and 404s included, not only inside a scope of its own.
 */
export const demoHostGuard = fp(async (app) => {
  app.addHook('onRequest', (request, reply, done) => {
    if (DEMO_HOST_HEADER.test(request.headers.host ?? '')) {
      done();
      return;
    }
    reply.header('connection', 'close');
    reply.code(421).send({
      error: 'misdirected-request',
      message: 'This local receiver only answers requests addressed to localhost or 127.0.0.1.',
    });
  });
}, { name: 'demo-host-guard' });
