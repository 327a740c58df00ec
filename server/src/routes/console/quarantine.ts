/**
 * The console's review of signatures held back by the bot checks (README "Bots and floods",
 * console-api.ts): the list of a campaign's held signatures with the reason, and for each a
 * release (stored and counted as if it had just arrived, its letters queued) or a delete. Both
 * changes need an organiser's session, the receiver's own origin (session.ts) and
 * `"confirm": true` (the page asks first), and go in the audit log, without the address.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { routeRateLimits } from '../../http/rate-limits.ts';
import { digestEntriesForSignature, lettersForSignature } from '../../letters/letters-for-signature.ts';
import type { QuarantinedSignature } from '../../store/store.ts';
import { campaignChanged, unknownCampaign } from '../admin/admin-common.ts';
import type { QuarantineDone, QuarantineList, QuarantinedItem } from './console-api.ts';

/** Most held signatures one page lists. */
const LIST_MAX = 500;

type HeldRequest = FastifyRequest<{ Params: { id: string; signature: string } }>;

/** A held signature as the review page shows it. */
function toItem(held: QuarantinedSignature): QuarantinedItem {
  const { signer, source, honeypot } = held.payload;
  return {
    id: held.id,
    reason: held.reason,
    receivedAt: held.receivedAt,
    name: signer.name ?? [signer.firstName, signer.lastName].filter(Boolean).join(' '),
    email: signer.email,
    country: signer.country ?? '',
    sourceUrl: source?.url ?? '',
    honeypot: honeypot ?? '',
  };
}

/** Registers the quarantine routes (after registerConsoleSessions). */
export async function consoleQuarantineRoutes(app: FastifyInstance): Promise<void> {
  const store = app.signatureStore;
  const read = { preHandler: app.consoleSessions.requireOrganiser, config: { rateLimit: routeRateLimits(app.receiverConfig.rateLimit).read } };
  const write = { preHandler: app.consoleSessions.requireOrganiser, config: { rateLimit: routeRateLimits(app.receiverConfig.rateLimit).write } };

  app.get('/api/console/campaigns/:id/quarantine', read, async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
    const { id } = request.params;
    if (!(await store.getCampaign(id))) return unknownCampaign(reply, id);
    const [total, held] = await Promise.all([store.countQuarantined(id), store.listQuarantined(id, { limit: LIST_MAX })]);
    return { total, signatures: held.map(toItem) } satisfies QuarantineList;
  });

  /** The held signature of this campaign, or undefined once the 400/404 was sent. */
  const heldOr = async (request: HeldRequest, reply: FastifyReply): Promise<QuarantinedSignature | undefined> => {
    const body = request.body as { confirm?: unknown } | null | undefined;
    if (body?.confirm !== true) {
      void reply.code(400).send({ error: 'confirmation-required', message: 'Send "confirm": true once the organiser has confirmed it.' });
      return undefined;
    }
    const held = await store.getQuarantined(request.params.signature);
    if (!held || held.campaign !== request.params.id) {
      void reply.code(404).send({ error: 'not-found', message: 'This campaign holds no such signature (released or deleted already?).' });
      return undefined;
    }
    return held;
  };

  app.post('/api/console/campaigns/:id/quarantine/:signature/release', write, async (request: HeldRequest, reply) => {
    const campaign = await store.getCampaign(request.params.id);
    if (!campaign) return unknownCampaign(reply, request.params.id);
    const held = await heldOr(request, reply);
    if (!held) return reply;
    // Its letters as of now, with the campaign's current delivery settings.
    const now = app.letterClock();
    const letters = lettersForSignature(held.payload, campaign, now);
    const result = await store.releaseQuarantined(held.id, letters, digestEntriesForSignature(held.payload, campaign, now));
    if (!result) return reply.code(404).send({ error: 'not-found', message: 'This signature was released or deleted meanwhile.' });
    if (result.outcome === 'created') campaignChanged(app, campaign.id);
    await store.organisers.log({ at: Date.now(), actor: request.organiser!.email, action: 'quarantine-released', campaign: campaign.id, detail: { reason: held.reason } });
    return { action: 'release', outcome: result.outcome === 'created' ? 'counted' : 'already-signed', count: result.count } satisfies QuarantineDone;
  });

  app.post('/api/console/campaigns/:id/quarantine/:signature/delete', write, async (request: HeldRequest, reply) => {
    if (!(await store.getCampaign(request.params.id))) return unknownCampaign(reply, request.params.id);
    const held = await heldOr(request, reply);
    if (!held) return reply;
    await store.deleteQuarantined(held.id);
    await store.organisers.log({ at: Date.now(), actor: request.organiser!.email, action: 'quarantine-deleted', campaign: held.campaign, detail: { reason: held.reason } });
    return { action: 'delete', count: await store.countSignatures(held.campaign) } satisfies QuarantineDone;
  });
}
