/**
 * TEMPORARY: a stand-in for the console's data routes (server/src/routes/console/console-api.ts),
 * which are being written elsewhere at the same time. It answers the contract's shapes from memory,
 * behind the REAL session guard (`app.consoleSessions.requireOrganiser`), so the console pages can
 * be tested before those routes land. Delete this file, and its registration in
 * test/e2e/console.test.ts, once the real routes are in the tree; the test should then seed a real
 * database instead (see issue 15's "Done when").
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type {
  CampaignDetail,
  CampaignEdit,
  CampaignList,
  DayCount,
  ErasureDone,
  ErasureMatches,
  Overview,
} from '../../../server/src/routes/console/console-api.ts';
import { parseCampaignInput } from '../../../server/src/campaigns/campaign-input.ts';

export const STUB_CAMPAIGN = 'free-baltabay';
export const STUB_CLOSED = 'old-petition';
export const STUB_PERSON = 'aigerim@example.org';

/** The stub's state, for the test to look at after the pages changed it. */
export interface ConsoleStub {
  plugin: (app: FastifyInstance) => Promise<void>;
  campaign: CampaignEdit;
  paused: boolean;
  requeued: number;
  erasures: { email: string; action: string }[];
  days: DayCount[];
  overview(): Overview;
  list(): CampaignList;
}

/** 30 days up to `today` (UTC), a few signatures each, cumulative from 100 before them. */
function makeDays(today: Date): DayCount[] {
  let total = 100;
  return Array.from({ length: 30 }, (_unused, index) => {
    const date = new Date(today.getTime() - (29 - index) * 86_400_000).toISOString().slice(0, 10);
    const added = (index * 7) % 13 + (index > 20 ? 10 : 2);
    total += added;
    return { date, added, total };
  });
}

export function consoleDataStub(publicUrl: () => string): ConsoleStub {
  const days = makeDays(new Date());
  const count = days.at(-1)!.total;
  const inRange = days.reduce((sum, day) => sum + day.added, 0);
  const stub: ConsoleStub = {
    plugin: async () => undefined,
    paused: false,
    requeued: 0,
    erasures: [],
    days,
    campaign: {
      id: STUB_CAMPAIGN,
      status: 'open',
      document: {
        id: STUB_CAMPAIGN,
        goal: 500,
        texts: {
          en: { title: 'Free Erlan Baltabay', appeal: 'Erlan Baltabay is a union leader.\n\nSign for his release.', thanks: 'Thank you.', shareText: 'Sign for Erlan' },
          fr: { title: 'Libérez Erlan Baltabay', appeal: 'Erlan Baltabay est un syndicaliste.', thanks: 'Merci.', shareText: 'Signez' },
        },
        letter: { to: 'the Prosecutor General', en: { subject: 'Release Erlan Baltabay', body: 'Dear Prosecutor General, …' } },
      },
      delivery: {
        mode: 'each',
        targets: [
          { name: 'Prosecutor General', email: 'office@prosecutor.example' },
          { name: 'Ministry of Labour', email: 'info@labour.example' },
        ],
        confirm: false,
        replyTo: 'none',
        test: false,
        hourlyCap: 30,
      },
    },
    overview() {
      return {
        id: STUB_CAMPAIGN,
        from: days[0]!.date,
        to: days.at(-1)!.date,
        goal: 500,
        count,
        inRange,
        days,
        channels: [{ key: '(none)', count: inRange - 120 }, { key: 'whatsapp', count: 70 }, { key: 'telegram', count: 35 }, { key: 'copy', count: 15 }],
        languages: [{ key: 'en', count: inRange - 90 }, { key: 'kk', count: 60 }, { key: 'fr', count: 30 }],
        countries: [{ key: 'KZ', count: inRange - 100 }, { key: 'FR', count: 55 }, { key: '', count: 45 }],
        pages: [{ key: 'https://union.example/news/free-erlan', count: inRange - 40 }, { key: 'https://blog.example/<script>alert(1)</script>', count: 40 }],
        targets: [
          { name: 'Prosecutor General', email: 'office@prosecutor.example', counts: { sent: 300, waiting: 12, failed: 1, unknown: 2 }, lastAnswer: '250 2.0.0 Ok: queued as 4F2A1', lastAttemptAt: new Date().toISOString() },
          { name: 'Ministry of Labour', email: 'info@labour.example', counts: { sent: 310, waiting: 4, failed: 0, unknown: 0 }, lastAnswer: null, lastAttemptAt: null },
        ],
        paused: stub.paused,
      };
    },
    list() {
      const texts = (stub.campaign['document'] as { texts: { en: { title: string } } }).texts;
      return {
        campaigns: [
          {
            id: STUB_CAMPAIGN, title: texts.en.title, status: stub.campaign['status'] as 'open', paused: stub.paused, count, goal: 500, goalReached: count >= 500,
            consentingShare: 0.625, lastSignatureAt: `${days.at(-1)!.date}T09:30:00.000Z`, letters: { sent: 610, waiting: 16, failed: 1, unknown: 2 },
          },
          {
            id: STUB_CLOSED, title: 'An old petition', status: 'closed', paused: true, count: 0, goal: null, goalReached: false,
            consentingShare: 0, lastSignatureAt: null, letters: { sent: 0, waiting: 0, failed: 0, unknown: 0 },
          },
        ],
      };
    },
  };

  const detail = (): CampaignDetail => ({ id: STUB_CAMPAIGN, campaign: stub.campaign, count, paused: stub.paused, allowedOrigins: ['https://union.example'], publicUrl: publicUrl() });
  type IdRequest = FastifyRequest<{ Params: { id: string } }>;

  stub.plugin = async (app) => {
    const guard = { preHandler: app.consoleSessions.requireOrganiser };
    const known = (request: IdRequest) => request.params.id === STUB_CAMPAIGN;
    const unknown = { error: 'unknown-campaign', message: 'There is no such campaign.' };
    app.get('/api/console/campaigns', guard, async () => stub.list());
    app.get('/api/console/campaigns/:id', guard, async (request: IdRequest, reply) => (known(request) ? detail() : reply.code(404).send(unknown)));
    app.put('/api/console/campaigns/:id', guard, async (request: IdRequest, reply) => {
      if (!known(request)) return reply.code(404).send(unknown);
      // The real check of a campaign, so the 422s are the receiver's own.
      const parsed = parseCampaignInput(STUB_CAMPAIGN, request.body);
      if (!parsed.ok) return reply.code(422).send({ errors: parsed.errors });
      stub.campaign = { id: STUB_CAMPAIGN, ...parsed.input } as unknown as CampaignEdit;
      return detail();
    });
    app.get('/api/console/campaigns/:id/overview', guard, async (request: IdRequest, reply) => (known(request) ? stub.overview() : reply.code(404).send(unknown)));
    for (const [action, paused] of [['pause', true], ['resume', false]] as const) {
      app.post(`/api/console/campaigns/:id/${action}`, guard, async () => {
        stub.paused = paused;
        return { paused };
      });
    }
    app.post('/api/console/campaigns/:id/letters/resend-unknown', guard, async () => {
      stub.requeued += 2;
      return { requeued: 2 };
    });
    app.get('/api/console/campaigns/:id/signatures.csv', guard, async (request: FastifyRequest<{ Querystring: { signers?: string } }>, reply) =>
      reply.type('text/csv; charset=utf-8').send(`email,consent\r\na@example.org,yes\r\n${request.query.signers === 'all' ? 'b@example.org,no\r\n' : ''}`),
    );
    app.post('/api/console/erasure/search', guard, async (request): Promise<ErasureMatches> => {
      const { email } = request.body as { email: string };
      return { matches: email === STUB_PERSON ? [{ campaign: STUB_CAMPAIGN, signedAt: `${days[3]!.date}T12:00:00.000Z`, letters: 2 }, { campaign: STUB_CLOSED, signedAt: `${days[1]!.date}T08:00:00.000Z`, letters: 0 }] : [] };
    });
    app.post('/api/console/erasure', guard, async (request, reply): Promise<ErasureDone | undefined> => {
      const body = request.body as { email: string; action: 'anonymise' | 'delete'; confirm?: unknown };
      if (body.confirm !== true) {
        await reply.code(422).send({ errors: { confirm: 'must be true' } });
        return undefined;
      }
      stub.erasures.push({ email: body.email, action: body.action });
      return { action: body.action, signatures: 2, campaigns: 2 };
    });
  };
  return stub;
}
