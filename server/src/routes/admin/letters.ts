/**
 * Letters and digests in the admin API: a campaign's letters (`?status=unknown`: id, target,
 * status, attempts, last SMTP answer, times; nothing about the signer) and digests, the
 * organiser's "send the digest now", and sending again a letter or digest whose outcome was
 * unknown or that failed.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { LETTER_STATUSES, type LetterStatus } from '../../letters/letter-types.ts';
import { adminRouteOptions, campaignChanged, LIST_LIMIT, unknownCampaign } from './admin-common.ts';

type ListRequest = FastifyRequest<{ Params: { id: string }; Querystring: { status?: string; limit?: string } }>;
type IdRequest = FastifyRequest<{ Params: { id: string } }>;

/** Registers the letter and digest routes under `/api/admin/`. */
export async function adminLetterRoutes(app: FastifyInstance): Promise<void> {
  const store = app.signatureStore;
  const options = adminRouteOptions(app);

  // The letters themselves, so the organiser can find the one to send again (its id).
  app.get('/api/admin/campaigns/:id/letters', options, async (request: ListRequest, reply) => {
    const { id } = request.params;
    const { status, limit } = request.query;
    const errors: Record<string, string> = {};
    if (status !== undefined && !(LETTER_STATUSES as readonly string[]).includes(status)) errors.status = `must be one of ${LETTER_STATUSES.join(', ')}`;
    if (limit !== undefined && !LIST_LIMIT.pattern.test(limit)) errors.limit = LIST_LIMIT.problem;
    if (Object.keys(errors).length > 0) return reply.code(422).send({ errors });
    if (!(await store.getCampaign(id))) return unknownCampaign(reply, id);
    const query: { status?: LetterStatus; limit?: number } = {};
    if (status !== undefined) query.status = status as LetterStatus;
    if (limit !== undefined) query.limit = Number(limit);
    return { letters: await store.listLetters(id, query) };
  });

  app.get('/api/admin/campaigns/:id/digests', options, async (request: ListRequest, reply) => {
    const { id } = request.params;
    const { limit } = request.query;
    if (limit !== undefined && !LIST_LIMIT.pattern.test(limit)) return reply.code(422).send({ errors: { limit: LIST_LIMIT.problem } });
    if (!(await store.getCampaign(id))) return unknownCampaign(reply, id);
    return { digests: await store.listDigests(id, limit === undefined ? {} : { limit: Number(limit) }) };
  });

  // The organiser's "send the digest now": everything waiting, one digest per target.
  app.post('/api/admin/campaigns/:id/digest', options, async (request: IdRequest, reply) => {
    const { id } = request.params;
    const campaign = await store.getCampaign(id);
    if (!campaign) return unknownCampaign(reply, id);
    if (campaign.delivery.mode !== 'digest') {
      return reply.code(409).send({ error: 'not-digest-mode', message: `Campaign "${id}" sends in mode "${campaign.delivery.mode}", not "digest".` });
    }
    const queued = await store.sendDigestNow(id, app.letterClock());
    if (queued.length === 0) return { ok: true, id, digests: [], message: 'Nothing to send: no signer is waiting for a digest.' };
    campaignChanged(app, id);
    const signers = queued.reduce((sum, entry) => sum + entry.signers, 0);
    const paused = campaign.sendingPaused ? ' Sending is paused: they leave on resume.' : '';
    return reply.code(202).send({ ok: true, id, digests: queued, message: `${queued.length} digest(s) queued, ${signers} signer entries.${paused}` });
  });

  const resend = { letter: (id: string) => store.resendLetter(id), digest: (id: string) => store.resendDigest(id) };
  for (const [kind, queueAgain] of Object.entries(resend)) {
    app.post(`/api/admin/${kind}s/:id/resend`, options, async (request: IdRequest, reply) => {
      const { id } = request.params;
      if (!(await queueAgain(id))) {
        return reply.code(409).send({
          error: 'not-resendable',
          message: `Only a ${kind} whose outcome is unknown or that failed can be sent again; this one is not (or does not exist).`,
        });
      }
      // Its campaign is not looked up ('' stands for every one): what matters is that the worker wakes.
      campaignChanged(app, '');
      return { ok: true, id, status: 'queued' };
    });
  }
}
