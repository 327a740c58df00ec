/**
 * The admin API (SPEC §8): organisers create, replace, list and inspect campaigns, pause and
 * resume their sending, list a campaign's letters (`GET /api/admin/campaigns/:id/letters?status=unknown`:
 * id, target, status, attempts, last SMTP answer, times; nothing about the signer) and re-send a
 * letter whose outcome was unknown or that failed. Authorised by
 * `Authorization: Bearer <ADMIN_TOKEN>`; never CORS, never cached.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseCampaignInput } from '../campaigns/campaign-input.ts';
import { LETTER_STATUSES, type LetterStatus } from '../letters/letter-types.ts';
import type { Store } from '../store/store.ts';
import { checkBearer } from './bearer-token.ts';

export interface AdminRoutesOptions {
  store: Store;
  /** Undefined: the admin API answers 403 and says how to enable it. */
  adminToken: string | undefined;
  /** PUBLIC_URL; without it a campaign with `delivery.confirm` is refused (its emails would have no link). */
  publicUrl?: string | undefined;
  /** Called after a campaign changed, so caches and the letter worker catch up at once. */
  onCampaignChanged(id: string): void;
  rateLimit: { max: number; timeWindow: number };
  /** The letter clock (tests move it); default Date.now. */
  now?: () => number;
}

/** Why a confirm campaign is refused on a receiver without PUBLIC_URL. */
export const CONFIRM_NEEDS_PUBLIC_URL = 'confirmation by email needs PUBLIC_URL (this receiver\'s address as signers reach it, e.g. https://letters.union.example) for the link in the email; set it and restart';

type CampaignRequest = FastifyRequest<{ Params: { id: string } }>;

/** Registers `/api/admin/…` on `app`. */
export async function adminRoutes(app: FastifyInstance, options: AdminRoutesOptions): Promise<void> {
  const { store, adminToken, onCampaignChanged } = options;
  const config = { rateLimit: options.rateLimit };

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

  const unknown = (reply: FastifyReply, id: string) =>
    reply.code(404).send({ error: 'unknown-campaign', message: `There is no campaign "${id.slice(0, 64)}".` });

  app.get('/api/admin/campaigns', { config }, async () => ({ campaigns: await store.listCampaigns() }));

  app.get('/api/admin/campaigns/:id', { config }, async (request: CampaignRequest, reply) => {
    const { id } = request.params;
    const campaign = await store.getCampaign(id);
    if (!campaign) return unknown(reply, id);
    const [count, letters, digests, confirmations] = await Promise.all([
      store.countSignatures(id), store.letterStatusByTarget(id), store.digestStatusByTarget(id), store.confirmationCounts(id),
    ]);
    return { ...campaign, count, letters, digests, confirmations };
  });

  app.get('/api/admin/campaigns/:id/digests', { config }, async (request: FastifyRequest<{ Params: { id: string }; Querystring: { limit?: string } }>, reply) => {
    const { id } = request.params;
    const { limit } = request.query;
    if (limit !== undefined && !/^\d{1,4}$/.test(limit)) return reply.code(422).send({ errors: { limit: 'must be a whole number 1–1000' } });
    if (!(await store.getCampaign(id))) return unknown(reply, id);
    return { digests: await store.listDigests(id, limit === undefined ? {} : { limit: Number(limit) }) };
  });

  // The organiser's "send the digest now": everything waiting, one digest per target.
  app.post('/api/admin/campaigns/:id/digest', { config }, async (request: CampaignRequest, reply) => {
    const { id } = request.params;
    const campaign = await store.getCampaign(id);
    if (!campaign) return unknown(reply, id);
    if (campaign.delivery.mode !== 'digest') {
      return reply.code(409).send({ error: 'not-digest-mode', message: `Campaign "${id}" sends in mode "${campaign.delivery.mode}", not "digest".` });
    }
    const queued = await store.sendDigestNow(id, (options.now ?? Date.now)());
    if (queued.length === 0) return { ok: true, id, digests: [], message: 'Nothing to send: no signer is waiting for a digest.' };
    onCampaignChanged(id);
    const signers = queued.reduce((sum, entry) => sum + entry.signers, 0);
    const paused = campaign.sendingPaused ? ' Sending is paused: they leave on resume.' : '';
    return reply.code(202).send({ ok: true, id, digests: queued, message: `${queued.length} digest(s) queued, ${signers} signer entries.${paused}` });
  });

  app.post('/api/admin/digests/:id/resend', { config }, async (request: CampaignRequest, reply) => {
    const { id } = request.params;
    if (!(await store.resendDigest(id))) {
      return reply.code(409).send({
        error: 'not-resendable',
        message: 'Only a digest whose outcome is unknown or that failed can be sent again; this one is not (or does not exist).',
      });
    }
    onCampaignChanged('');
    return { ok: true, id, status: 'queued' };
  });

  // The letters themselves, so the organiser can find the one to send again (its id).
  app.get('/api/admin/campaigns/:id/letters', { config }, async (request: FastifyRequest<{ Params: { id: string }; Querystring: { status?: string; limit?: string } }>, reply) => {
    const { id } = request.params;
    const { status, limit } = request.query;
    const errors: Record<string, string> = {};
    if (status !== undefined && !(LETTER_STATUSES as readonly string[]).includes(status)) errors.status = `must be one of ${LETTER_STATUSES.join(', ')}`;
    if (limit !== undefined && !/^\d{1,4}$/.test(limit)) errors.limit = 'must be a whole number 1–1000';
    if (Object.keys(errors).length > 0) return reply.code(422).send({ errors });
    if (!(await store.getCampaign(id))) return unknown(reply, id);
    const options: { status?: LetterStatus; limit?: number } = {};
    if (status !== undefined) options.status = status as LetterStatus;
    if (limit !== undefined) options.limit = Number(limit);
    return { letters: await store.listLetters(id, options) };
  });

  app.put('/api/admin/campaigns/:id', { config }, async (request: CampaignRequest, reply) => {
    const { id } = request.params;
    const parsed = parseCampaignInput(id, request.body);
    if (!parsed.ok) return reply.code(422).send({ errors: parsed.errors });
    if (parsed.input.delivery.confirm && options.publicUrl === undefined) {
      return reply.code(422).send({ errors: { 'delivery.confirm': CONFIRM_NEEDS_PUBLIC_URL } });
    }
    const result = await store.putCampaign(id, parsed.input);
    onCampaignChanged(id);
    return reply.code(result === 'created' ? 201 : 200).send({ ok: true, id, status: parsed.input.status });
  });

  for (const [action, paused] of [['pause', true], ['resume', false]] as const) {
    app.post(`/api/admin/campaigns/:id/${action}`, { config }, async (request: CampaignRequest, reply) => {
      const { id } = request.params;
      if (!(await store.setSendingPaused(id, paused))) return unknown(reply, id);
      onCampaignChanged(id);
      return { ok: true, id, sendingPaused: paused };
    });
  }

  app.post('/api/admin/letters/:id/resend', { config }, async (request: CampaignRequest, reply) => {
    const { id } = request.params;
    if (!(await store.resendLetter(id))) {
      return reply.code(409).send({
        error: 'not-resendable',
        message: 'Only a letter whose outcome is unknown or that failed can be sent again; this one is not (or does not exist).',
      });
    }
    onCampaignChanged('');
    return { ok: true, id, status: 'queued' };
  });
}
