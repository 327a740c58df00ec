/**
 * The public side of a campaign (SPEC §8): `GET /api/campaigns/:campaign`, its public document
 * with status and count, and `GET /api/campaigns/:campaign/count`. Both revalidated on every
 * read (no-cache), so a widget shows the count as it is.
 */
import type { FastifyInstance } from 'fastify';
import { publicDocument } from '../campaigns/campaign-input.ts';
import { routeRateLimits } from '../http/rate-limits.ts';
import { invalidCampaign, isCampaignId } from './campaign-id.ts';

type CampaignParams = { Params: { campaign: string } };

/** Registers the campaign document and count routes. */
export async function campaignRoutes(app: FastifyInstance): Promise<void> {
  const store = app.signatureStore;
  const readLimit = { rateLimit: routeRateLimits(app.receiverConfig.rateLimit).read };

  app.get<CampaignParams>('/api/campaigns/:campaign', { config: readLimit }, async (request, reply) => {
    const { campaign: id } = request.params;
    if (!isCampaignId(id)) return reply.code(400).send(invalidCampaign());
    const campaign = await app.campaignCache.get(id);
    if (!campaign) return reply.code(404).send({ error: 'unknown-campaign', message: `This receiver holds no campaign "${id}".` });
    reply.header('cache-control', 'no-cache');
    // The public document only: the delivery settings never leave the admin API, except what
    // publicDocument lets out (the reply-to question; the addresses in mode mailto, by choice).
    return { ...publicDocument(campaign.document, campaign.delivery), id, status: campaign.status, count: await store.countSignatures(id) };
  });

  app.get<CampaignParams>('/api/campaigns/:campaign/count', { config: readLimit }, async (request, reply) => {
    const { campaign } = request.params;
    if (!isCampaignId(campaign)) return reply.code(400).send(invalidCampaign());
    reply.header('cache-control', 'no-cache');
    return { count: await store.countSignatures(campaign) };
  });
}
