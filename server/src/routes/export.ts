/**
 * The organiser's CSV export (SPEC §7–§8): `GET /api/campaigns/:campaign/signatures.csv` with
 * `Authorization: Bearer <EXPORT_TOKEN or ADMIN_TOKEN>`, streamed, never cached. Not part of the
 * admin API: it opens with a token of its own and answers CORS like the other public routes.
 */
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/load-config.ts';
import { csvFilename, signaturesCsvStream } from '../csv-export.ts';
import { checkBearer, type TokenDenial } from '../http/bearer-token.ts';
import { routeRateLimits } from '../http/rate-limits.ts';
import { invalidCampaign, isCampaignId } from './campaign-id.ts';

/** Registers the CSV export. */
export async function exportRoutes(app: FastifyInstance): Promise<void> {
  const config = app.receiverConfig;
  const readLimit = { rateLimit: routeRateLimits(config.rateLimit).read };

  app.get<{ Params: { campaign: string } }>('/api/campaigns/:campaign/signatures.csv', { config: readLimit }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const denied = checkExportToken(config, request.headers.authorization);
    if (denied) {
      if (denied.status === 401) reply.header('www-authenticate', 'Bearer realm="appeal-widget export"');
      return reply.code(denied.status).send({ error: denied.error, message: denied.message });
    }
    const { campaign } = request.params;
    if (!isCampaignId(campaign)) return reply.code(400).send(invalidCampaign());
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${csvFilename(campaign)}"`)
      .send(signaturesCsvStream(app.signatureStore, campaign));
  });
}

/** The CSV export opens with EXPORT_TOKEN or ADMIN_TOKEN (SPEC §8); with neither set it is off. */
export function checkExportToken(
  config: Pick<Config, 'exportToken' | 'adminToken'>,
  header: string | undefined,
): TokenDenial | undefined {
  if (config.exportToken === undefined && config.adminToken === undefined) {
    return { status: 403, error: 'export-disabled', message: 'CSV export is disabled: set EXPORT_TOKEN on the server to enable it.' };
  }
  return checkBearer(header, [config.exportToken, config.adminToken], 'export');
}
