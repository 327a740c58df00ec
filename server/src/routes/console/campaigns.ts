/**
 * The console's campaign data (SPEC §10; shapes in console-api.ts): the campaigns list, one
 * campaign to edit, its overview, pausing and resuming its sending, and sending again its letters
 * of unknown outcome. Every route stands behind an organiser's session (session.ts), which also
 * refuses a change from another origin; every change goes in the console's audit log.
 *
 * An edit is checked as the admin API's PUT checks it (checkCampaignEdit), refused at its fields
 * with 422 and nothing stored, else stored in one statement (document, status and delivery
 * together) and the campaign cache told at once, so the public document and the signature
 * route switch from the old campaign to the new one whole. The console edits; it does not create
 * (an unknown id is 404, as everywhere here).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { adminRouteOptions, campaignChanged, unknownCampaign } from '../admin/admin-common.ts';
import { checkCampaignEdit } from '../admin/campaigns.ts';
import type { StoredCampaign } from '../../store/store.ts';
import { allowedOriginList, campaignListItem, editableCampaign, overview } from './campaign-views.ts';
import type { CampaignDetail, CampaignList, Overview } from './console-api.ts';
import { parseDateRange } from './date-range.ts';
import { ownOrigin } from './same-origin.ts';

/** How many embedding pages the overview lists. */
export const TOP_PAGES = 20;

type CampaignRequest = FastifyRequest<{ Params: { id: string } }>;
type OverviewRequest = FastifyRequest<{ Params: { id: string }; Querystring: { from?: unknown; to?: unknown } }>;

/** Registers `/api/console/campaigns…` (after registerConsoleSessions, whose guard it uses). */
export async function consoleCampaignRoutes(app: FastifyInstance): Promise<void> {
  const store = app.signatureStore;
  const config = app.receiverConfig;
  const options = { ...adminRouteOptions(app), preHandler: app.consoleSessions.requireOrganiser };

  const audit = (request: FastifyRequest, action: string, campaign: string, detail?: Record<string, unknown>) =>
    store.organisers.log({ at: Date.now(), actor: request.organiser!.email, action, campaign, detail });

  const detail = async (request: FastifyRequest, campaign: StoredCampaign): Promise<CampaignDetail> => ({
    id: campaign.id,
    campaign: editableCampaign(campaign),
    count: await store.countSignatures(campaign.id),
    paused: campaign.sendingPaused,
    allowedOrigins: allowedOriginList(config.allowedOrigins),
    publicUrl: config.publicUrl ?? ownOrigin(request, undefined) ?? '',
  });

  /** The campaign, or the 404 already sent. */
  const campaignOr404 = async (id: string, reply: FastifyReply): Promise<StoredCampaign | undefined> => {
    const campaign = await store.getCampaign(id);
    if (!campaign) unknownCampaign(reply, id);
    return campaign;
  };

  app.get('/api/console/campaigns', options, async (): Promise<CampaignList> => {
    const [summaries, stats] = await Promise.all([store.listCampaigns(), store.overview.campaignStats()]);
    const statsById = new Map(stats.map((entry) => [entry.campaign, entry]));
    return { campaigns: summaries.map((summary) => campaignListItem(summary, statsById.get(summary.id))) };
  });

  app.get('/api/console/campaigns/:id', options, async (request: CampaignRequest, reply) => {
    const campaign = await campaignOr404(request.params.id, reply);
    return campaign ? detail(request, campaign) : reply;
  });

  app.put('/api/console/campaigns/:id', options, async (request: CampaignRequest, reply) => {
    const { id } = request.params;
    if (!(await campaignOr404(id, reply))) return reply;
    const parsed = checkCampaignEdit(app, id, request.body);
    if (!parsed.ok) return reply.code(422).send({ errors: parsed.errors });
    await store.putCampaign(id, parsed.input);
    campaignChanged(app, id);
    await audit(request, 'campaign-edited', id, { status: parsed.input.status });
    request.log.info({ organiser: request.organiser!.id, campaign: id }, 'campaign edited in the console');
    const stored = await campaignOr404(id, reply);
    return stored ? detail(request, stored) : reply;
  });

  app.get('/api/console/campaigns/:id/overview', options, async (request: OverviewRequest, reply): Promise<Overview | FastifyReply> => {
    const campaign = await campaignOr404(request.params.id, reply);
    if (!campaign) return reply;
    const range = parseDateRange(request.query, Date.now());
    if (!range.ok) return reply.code(400).send({ error: 'invalid-range', message: range.message });
    const signatures = await store.overview.signatureOverview(campaign.id, range.received, TOP_PAGES);
    const tallies = await store.overview.targetLetters(campaign.id);
    return overview(campaign, range, signatures, tallies);
  });

  for (const [action, paused] of [['pause', true], ['resume', false]] as const) {
    app.post(`/api/console/campaigns/:id/${action}`, options, async (request: CampaignRequest, reply) => {
      const { id } = request.params;
      if (!(await store.setSendingPaused(id, paused))) return unknownCampaign(reply, id);
      campaignChanged(app, id);
      await audit(request, paused ? 'sending-paused' : 'sending-resumed', id);
      return { paused };
    });
  }

  app.post('/api/console/campaigns/:id/letters/resend-unknown', options, async (request: CampaignRequest, reply) => {
    const campaign = await campaignOr404(request.params.id, reply);
    if (!campaign) return reply;
    const requeued = await store.overview.resendUnknownLetters(campaign.id, app.letterClock());
    if (requeued > 0) campaignChanged(app, campaign.id);
    await audit(request, 'letters-resent', campaign.id, { requeued });
    return { requeued };
  });
}
