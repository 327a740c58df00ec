/** What the admin route groups share: their rate limit, the unknown-campaign 404, the change notice. */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { routeRateLimits } from '../../http/rate-limits.ts';

/** Route options every admin route takes: the read budget. */
export function adminRouteOptions(app: FastifyInstance) {
  return { config: { rateLimit: routeRateLimits(app.receiverConfig.rateLimit).read } };
}

/** The 404 for a campaign id the receiver does not hold (the id cut to 64 characters). */
export function unknownCampaign(reply: FastifyReply, id: string): FastifyReply {
  return reply.code(404).send({ error: 'unknown-campaign', message: `There is no campaign "${id.slice(0, 64)}".` });
}

/** After a change: the campaign cache forgets `id` ('' for every campaign) and the worker looks again at once. */
export function campaignChanged(app: FastifyInstance, id: string): void {
  app.campaignCache.forget(id);
  app.letterWorker?.wake();
}

/** A `limit` query parameter the list routes take, and what is said when it is not one. */
export const LIST_LIMIT = { pattern: /^\d{1,4}$/, problem: 'must be a whole number 1–1000' };
