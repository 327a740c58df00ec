/**
 * The console's CSV export (SPEC §10, console-api.ts):
 *
 *   GET /api/console/campaigns/:id/signatures.csv?signers=consenting|all&from=YYYY-MM-DD&to=YYYY-MM-DD
 *
 * The token export's CSV (csv-export.ts: the same columns with each signature's letter statuses,
 * every cell quoted, formulas made inert, streamed page by page), opened by an organiser's
 * session instead of a token. Only the signers who agreed to hear from the organiser unless
 * `signers=all`: the export is most often a mailing list, and those who said no must not land
 * on it by default. `from` and `to` are UTC days, both included, by when the receiver got the
 * signature (`received_at`: the signer's own `createdAt` is their device's clock). The audit log
 * records who exported what, never rows.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { signaturesCsvStream } from '../../csv-export.ts';
import { routeRateLimits } from '../../http/rate-limits.ts';
import type { SignatureFilter } from '../../store/store.ts';
import { invalidCampaign, isCampaignId } from '../campaign-id.ts';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Midnight UTC of `day` (YYYY-MM-DD) in ms, or undefined when it is not a day of the calendar. */
function dayStart(day: string): number | undefined {
  if (!DAY.test(day)) return undefined;
  const at = Date.parse(`${day}T00:00:00.000Z`);
  return Number.isNaN(at) || new Date(at).toISOString().slice(0, 10) !== day ? undefined : at;
}

type ExportQuery = { signers?: unknown; from?: unknown; to?: unknown };

/** The filter the query asks for, or the reason it cannot be one. */
export function exportFilter(query: ExportQuery): { signers: 'consenting' | 'all'; from?: string; to?: string; filter: SignatureFilter } | { problem: string } {
  const { signers = 'consenting', from, to } = query;
  if (signers !== 'consenting' && signers !== 'all') return { problem: '"signers" must be "consenting" (the default) or "all", once.' };
  const filter: SignatureFilter = { consentingOnly: signers === 'consenting' };
  let start: number | undefined;
  let end: number | undefined;
  if (from !== undefined) {
    start = typeof from === 'string' ? dayStart(from) : undefined;
    if (start === undefined) return { problem: '"from" must be a day such as 2026-11-27 (UTC), once.' };
    filter.receivedFrom = new Date(start).toISOString();
  }
  if (to !== undefined) {
    end = typeof to === 'string' ? dayStart(to) : undefined;
    if (end === undefined) return { problem: '"to" must be a day such as 2026-11-27 (UTC, included), once.' };
    filter.receivedBefore = new Date(end + DAY_MS).toISOString();
  }
  if (start !== undefined && end !== undefined && start > end) return { problem: '"from" must not be after "to".' };
  return {
    signers,
    ...(typeof from === 'string' ? { from } : {}),
    ...(typeof to === 'string' ? { to } : {}),
    filter,
  };
}

const badRequest = (reply: FastifyReply, message: string) => reply.code(400).send({ error: 'bad-request', message });

/** Registers the console's export. */
export async function consoleExportRoutes(app: FastifyInstance): Promise<void> {
  const store = app.signatureStore;
  const options = {
    preHandler: app.consoleSessions.requireOrganiser,
    config: { rateLimit: routeRateLimits(app.receiverConfig.rateLimit).read },
  };

  app.get<{ Params: { id: string }; Querystring: ExportQuery }>('/api/console/campaigns/:id/signatures.csv', options, async (request, reply) => {
    const { id } = request.params;
    if (!isCampaignId(id)) return reply.code(400).send(invalidCampaign());
    const asked = exportFilter(request.query);
    if ('problem' in asked) return badRequest(reply, asked.problem);
    if ((await store.getCampaign(id)) === undefined) {
      return reply.code(404).send({ error: 'unknown-campaign', message: `There is no campaign "${id}".` });
    }
    const { signers, from, to, filter } = asked;
    const organiser = request.organiser!;
    await store.organisers.log({ at: Date.now(), actor: organiser.email, action: 'signatures-exported', campaign: id, detail: { signers, from, to } });
    const range = `${from === undefined ? '' : `-from-${from}`}${to === undefined ? '' : `-to-${to}`}`;
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${id}-signatures-${signers}${range}.csv"`)
      .send(signaturesCsvStream(store, id, 500, filter));
  });
}
