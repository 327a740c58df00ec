/**
 * The admin API (SPEC §8), `/api/admin/…`: organisers' scripts manage campaigns and their letters.
 * Every route in this scope is authorised by `Authorization: Bearer <ADMIN_TOKEN>` and answered
 * `Cache-Control: no-store`; the hook that checks it is this scope's own, so encapsulation keeps
 * it off the public routes. Never CORS (http/cors-by-route.ts).
 */
import type { FastifyInstance } from 'fastify';
import { checkBearer } from '../../http/bearer-token.ts';
import { adminCampaignRoutes } from './campaigns.ts';
import { adminLetterRoutes } from './letters.ts';

/** Registers `/api/admin/…`. */
export async function adminRoutes(app: FastifyInstance): Promise<void> {
  const { adminToken } = app.receiverConfig;

  app.addHook('onRequest', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    if (adminToken === undefined) {
      return reply.code(403).send({ error: 'admin-disabled', message: 'The admin API is disabled: set ADMIN_TOKEN (32 characters or more).' });
    }
    const denied = checkBearer(request.headers.authorization, [adminToken], 'admin');
    if (denied) {
      if (denied.status === 401) reply.header('www-authenticate', 'Bearer realm="appeal-widget admin"');
      return reply.code(denied.status).send({ error: denied.error, message: denied.message });
    }
  });

  await app.register(adminCampaignRoutes);
  await app.register(adminLetterRoutes);
}
