/**
 * Erasing a person on request, from the console (SPEC §10, console-api.ts):
 *
 *   POST /api/console/erasure/search  {"email"}                               → ErasureMatches
 *   POST /api/console/erasure         {"email", "action", "confirm": true}    → ErasureDone
 *
 * Both need an organiser's session and the receiver's own origin (session.ts), JSON bodies, and
 * spend the write budget of the rate limit. The address is matched on its normal form across
 * every campaign; what anonymise and delete do to each row, and how old copies leave the file:
 * store/sqlite-erasure.ts. The audit log (console_log) gets who did what and how many rows,
 * never the address; neither do the server's own logs.
 *
 * Answers: 400 for a missing or malformed field (and for `confirm` not exactly true: the page
 * asks "are you sure" first), 404 `{error: "not-found"}` when no signature has the address
 * (nothing changed, nothing logged), 409 `{error: "busy"}` while one of that signer's emails is
 * being handed to SMTP (nothing changed; Retry-After says when to try again).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { routeRateLimits } from '../../http/rate-limits.ts';
import type { ErasureAction } from '../../store/erasure.ts';
import type { ErasureDone, ErasureMatches } from './console-api.ts';

const MAX_EMAIL_INPUT = 320;
const ACTIONS: readonly ErasureAction[] = ['anonymise', 'delete'];
/** Seconds to wait after a 409: a letter is handed to SMTP in seconds. */
const BUSY_RETRY_AFTER_S = 10;

type Body = Record<string, unknown>;

/** The body as an object, or undefined once the 415/400 was sent. */
function jsonBody(request: FastifyRequest, reply: FastifyReply): Body | undefined {
  if (!/^application\/json\b/i.test(request.headers['content-type'] ?? '')) {
    void reply.code(415).send({ error: 'unsupported-media-type', message: 'Send the request as JSON.' });
    return undefined;
  }
  const body = request.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    void reply.code(400).send({ error: 'bad-request', message: 'The body must be a JSON object.' });
    return undefined;
  }
  return body as Body;
}

/** The address to look for, or undefined when `value` cannot be one. */
function emailOf(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const email = value.trim();
  return email !== '' && email.length <= MAX_EMAIL_INPUT && email.includes('@') ? email : undefined;
}

const badEmail = (reply: FastifyReply) =>
  reply.code(400).send({ error: 'bad-request', message: `"email" must be the signer's email address (at most ${MAX_EMAIL_INPUT} characters).` });

/** Registers the two erasure routes. */
export async function consoleErasureRoutes(app: FastifyInstance): Promise<void> {
  const store = app.signatureStore;
  const options = {
    preHandler: app.consoleSessions.requireOrganiser,
    config: { rateLimit: routeRateLimits(app.receiverConfig.rateLimit).write },
  };

  app.post('/api/console/erasure/search', options, async (request, reply) => {
    const body = jsonBody(request, reply);
    if (body === undefined) return reply;
    const email = emailOf(body.email);
    if (email === undefined) return badEmail(reply);
    const organiser = request.organiser!;
    const matches = await store.erasure.find(email);
    // Looking a person up is itself worth a line: who looked, and whether anything was found.
    await store.organisers.log({ at: Date.now(), actor: organiser.email, action: 'signer-searched', detail: { matches: matches.length } });
    return { matches } satisfies ErasureMatches;
  });

  app.post('/api/console/erasure', options, async (request, reply) => {
    const body = jsonBody(request, reply);
    if (body === undefined) return reply;
    const { email: rawEmail, action, confirm } = body;
    const email = emailOf(rawEmail);
    if (email === undefined) return badEmail(reply);
    if (typeof action !== 'string' || !(ACTIONS as readonly string[]).includes(action)) {
      return reply.code(400).send({ error: 'bad-request', message: '"action" must be "anonymise" (the signature stays counted) or "delete" (it is removed and the count goes down).' });
    }
    if (confirm !== true) {
      return reply.code(400).send({ error: 'confirmation-required', message: 'Erasure cannot be undone: send "confirm": true once the organiser has confirmed it.' });
    }
    const organiser = request.organiser!;
    const result = await store.erasure.erase(email, action as ErasureAction, { actor: organiser.email, now: Date.now() });
    if (result.outcome === 'not-found') {
      return reply.code(404).send({ error: 'not-found', message: 'No signature has this email address, in any campaign; nothing was changed.' });
    }
    if (result.outcome === 'busy') {
      return reply.code(409).header('retry-after', String(BUSY_RETRY_AFTER_S)).send({
        error: 'busy',
        message: `An email of this signer is being handed to the mail server right now; nothing was changed. Try again in ${BUSY_RETRY_AFTER_S} seconds.`,
      });
    }
    const { counts, warning } = result;
    request.log.info({ organiser: organiser.id, action, ...counts }, 'console: signer erased');
    if (warning !== undefined) request.log.warn({ organiser: organiser.id }, `console: erasure: ${warning}`);
    const done: ErasureDone = { action: action as ErasureAction, signatures: counts.signatures, campaigns: counts.campaigns };
    return warning === undefined ? done : { ...done, warning };
  });
}
