/**
 * TEMPORARY: a stand-in for the two console routes not yet in this tree, the console's export
 * (`GET /api/console/campaigns/:id/signatures.csv`) and erasure (`POST /api/console/erasure/search`,
 * `POST /api/console/erasure`), being written elsewhere (contract in
 * server/src/routes/console/console-api.ts). Everything else the console test uses is the REAL
 * receiver on a real SQLite file.
 *
 * It answers from memory, behind the REAL session guard (`app.consoleSessions.requireOrganiser`),
 * so the export and erasure pages can be driven before their routes land. When they do, the
 * receiver will refuse to start with this plugin registered (Fastify refuses a route declared
 * twice): delete this file and its registration in test/e2e/console.test.ts, and test the export
 * (with and without non-consenting signers) and the erasure (the address gone from the .sqlite and
 * -wal files) against the seeded database instead, as issue 15's "Done when" asks.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ErasureDone, ErasureMatches } from '../../../server/src/routes/console/console-api.ts';

/** The address the stub's erasure search finds. */
export const STUB_PERSON = 'aigerim@example.org';

/** What the pages sent, for the test to look at. */
export interface ConsoleStub {
  plugin: (app: FastifyInstance) => Promise<void>;
  erasures: { email: string; action: string }[];
  exports: { campaign: string; signers: string | undefined; from: string | undefined; to: string | undefined }[];
}

/** The stub; `campaigns` are where STUB_PERSON "signed" (two campaigns of the seeded receiver). */
export function consoleDataStub(campaigns: readonly [string, string]): ConsoleStub {
  const signedAt = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString();
  const stub: ConsoleStub = {
    erasures: [],
    exports: [],
    plugin: async (app) => {
      const guard = { preHandler: app.consoleSessions.requireOrganiser };
      type ExportRequest = FastifyRequest<{ Params: { id: string }; Querystring: { signers?: string; from?: string; to?: string } }>;
      app.get('/api/console/campaigns/:id/signatures.csv', guard, async (request: ExportRequest, reply) => {
        const { signers, from, to } = request.query;
        stub.exports.push({ campaign: request.params.id, signers, from, to });
        return reply
          .type('text/csv; charset=utf-8')
          .send(`email,consent\r\na@example.org,yes\r\n${signers === 'all' ? 'b@example.org,no\r\n' : ''}`);
      });
      app.post('/api/console/erasure/search', guard, async (request): Promise<ErasureMatches> => {
        const { email } = request.body as { email: string };
        return {
          matches: email === STUB_PERSON
            ? [{ campaign: campaigns[0], signedAt: signedAt(26), letters: 2 }, { campaign: campaigns[1], signedAt: signedAt(40), letters: 0 }]
            : [],
        };
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
    },
  };
  return stub;
}
