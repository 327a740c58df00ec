/**
 * Campaigns in the admin API (SPEC §8): list them, read one whole (counts, letter, digest and
 * confirmation statuses), create or replace one, and pause or resume its sending.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parseCampaignInput, type CampaignInputResult } from '../../campaigns/campaign-input.ts';
import { adminRouteOptions, campaignChanged, unknownCampaign } from './admin-common.ts';

/** Why a confirm campaign is refused on a receiver without PUBLIC_URL. */
export const CONFIRM_NEEDS_PUBLIC_URL = 'confirmation by email needs PUBLIC_URL (this receiver\'s address as signers reach it, e.g. https://letters.union.example) for the link in the email; set it and restart';

type CampaignRequest = FastifyRequest<{ Params: { id: string } }>;

/**
 * A PUT body for campaign `id`, checked as every organiser's edit is (here and in the console):
 * the campaign itself (parseCampaignInput), and what this receiver's configuration allows.
 */
export function checkCampaignEdit(app: FastifyInstance, id: string, body: unknown): CampaignInputResult {
  const parsed = parseCampaignInput(id, body);
  if (parsed.ok && parsed.input.delivery.confirm && app.receiverConfig.publicUrl === undefined) {
    return { ok: false, errors: { 'delivery.confirm': CONFIRM_NEEDS_PUBLIC_URL } };
  }
  return parsed;
}

/** Registers `/api/admin/campaigns` and `/api/admin/campaigns/:id` (GET, PUT, pause, resume). */
export async function adminCampaignRoutes(app: FastifyInstance): Promise<void> {
  const store = app.signatureStore;
  const options = adminRouteOptions(app);

  app.get('/api/admin/campaigns', options, async () => ({ campaigns: await store.listCampaigns() }));

  app.get('/api/admin/campaigns/:id', options, async (request: CampaignRequest, reply) => {
    const { id } = request.params;
    const campaign = await store.getCampaign(id);
    if (!campaign) return unknownCampaign(reply, id);
    const [count, letters, digests, confirmations] = await Promise.all([
      store.countSignatures(id), store.letterStatusByTarget(id), store.digestStatusByTarget(id), store.confirmationCounts(id),
    ]);
    return { ...campaign, count, letters, digests, confirmations };
  });

  app.put('/api/admin/campaigns/:id', options, async (request: CampaignRequest, reply) => {
    const { id } = request.params;
    const parsed = checkCampaignEdit(app, id, request.body);
    if (!parsed.ok) return reply.code(422).send({ errors: parsed.errors });
    const result = await store.putCampaign(id, parsed.input);
    campaignChanged(app, id);
    return reply.code(result === 'created' ? 201 : 200).send({ ok: true, id, status: parsed.input.status });
  });

  for (const [action, paused] of [['pause', true], ['resume', false]] as const) {
    app.post(`/api/admin/campaigns/:id/${action}`, options, async (request: CampaignRequest, reply) => {
      const { id } = request.params;
      if (!(await store.setSendingPaused(id, paused))) return unknownCampaign(reply, id);
      campaignChanged(app, id);
      return { ok: true, id, sendingPaused: paused };
    });
  }
}
