/**
 * No page of the receiver is framed by another site but the embed page (routes/embed.ts): every
 * answer that says nothing about framing itself, neither `X-Frame-Options` nor a CSP with
 * `frame-ancestors`, gets `X-Frame-Options: DENY`. Pages that set their own (the confirmation
 * page, the console's pages, the demo's SAMEORIGIN, the embed page's frame-ancestors) keep theirs.
 */
import fp from 'fastify-plugin';

/**
 * The onSend hook. Wrapped in fastify-plugin on purpose: it must hold for every route, static
 * files and 404s included, not only inside a scope of its own.
 */
export const frameGuard = fp(async (app) => {
  app.addHook('onSend', async (_request, reply, payload) => {
    const policy = reply.getHeader('content-security-policy');
    const framing = reply.hasHeader('x-frame-options') || (typeof policy === 'string' && /(^|;)\s*frame-ancestors\b/i.test(policy));
    if (!framing) reply.header('x-frame-options', 'DENY');
    return payload;
  });
}, { name: 'frame-guard' });
