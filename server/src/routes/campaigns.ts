/**
 * The public side of a campaign (SPEC §8): `GET /api/campaigns/:campaign`, its public document
 * with status and count, and `GET /api/campaigns/:campaign/count`. Both revalidated on every
 * read (no-cache), so a widget shows the count as it is.
 */
import type { FastifyInstance } from 'fastify';
import { publicDocument } from '../campaigns/campaign-input.ts';
import { routeRateLimits } from '../http/rate-limits.ts';
import type { StoredCampaign } from '../store/store.ts';
import { invalidCampaign, isCampaignId } from './campaign-id.ts';

type CampaignParams = { Params: { campaign: string } };

/** Registers the campaign document and count routes. */
export async function campaignRoutes(app: FastifyInstance): Promise<void> {
  const store = app.signatureStore;
  const readLimit = { rateLimit: routeRateLimits(app.receiverConfig.rateLimit).read };

  /** For an open campaign: a form token, and the proof-of-work challenge when the campaign asks for one. */
  const formChecks = async (campaign: StoredCampaign | undefined) =>
    campaign?.status !== 'open'
      ? {}
      : {
          formToken: await app.botChecks.tokenFor(campaign.id),
          ...(campaign.delivery.proofOfWork && { pow: await app.botChecks.challengeFor(campaign.id) }),
        };

  app.get<CampaignParams>('/api/campaigns/:campaign', { config: readLimit }, async (request, reply) => {
    const { campaign: id } = request.params;
    if (!isCampaignId(id)) return reply.code(400).send(invalidCampaign());
    const campaign = await app.campaignCache.get(id);
    if (!campaign) return reply.code(404).send({ error: 'unknown-campaign', message: `This receiver holds no campaign "${id}".` });
    reply.header('cache-control', 'no-cache');
    // The public document only: the delivery settings never leave the admin API, except what
    // publicDocument lets out (the reply-to question; the addresses in mode mailto, by choice).
    // A form token (bots/form-token.ts) for the form this document is about to show.
    return { ...publicDocument(campaign.document, campaign.delivery), id, status: campaign.status, count: await store.countSignatures(id), ...(await formChecks(campaign)) };
  });

  app.get<CampaignParams>('/api/campaigns/:campaign/count', { config: readLimit }, async (request, reply) => {
    const { campaign } = request.params;
    if (!isCampaignId(campaign)) return reply.code(400).send(invalidCampaign());
    reply.header('cache-control', 'no-cache');
    // Also a form token, for a widget whose campaign document is a file and not the receiver's.
    return { count: await store.countSignatures(campaign), ...(await formChecks(await app.campaignCache.get(campaign))) };
  });
}
