/**
 * `POST /api/signatures` (SPEC §7–§9): a signature in the JSON or the form format, checked by the
 * schema and then by meaning, for a campaign this receiver holds and that is open; stored with
 * its letters in one transaction, the letter worker woken when there are letters to send.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isOriginAllowed } from '../config/allowed-origins.ts';
import type { Config } from '../config/load-config.ts';
import { FormBody } from '../http/body-parsers.ts';
import { routeRateLimits } from '../http/rate-limits.ts';
import { digestEntriesForSignature, letterAnswer, lettersForSignature } from '../letters/letters-for-signature.ts';
import type { InsertOutcome, SubmissionFormat } from '../store/sqlite-database.ts';
import {
  capFieldErrors,
  checkSignatureSemantics,
  schemaErrorsToFieldErrors,
  signatureSchema,
  type FieldErrors,
  type SchemaError,
  type SignaturePayload,
} from '../signature-schema.ts';

/** Requests whose body came as a form; the rest came as JSON. */
const FORMATS = new WeakMap<FastifyRequest, SubmissionFormat>();

/** Registers `POST /api/signatures`. */
export async function signatureRoutes(app: FastifyInstance): Promise<void> {
  const config = app.receiverConfig;
  const store = app.signatureStore;

  app.post('/api/signatures', {
    config: { rateLimit: routeRateLimits(config.rateLimit).write },
    onRequest: (request, reply, done) => originGuard(config, request, reply, done),
    preValidation: async (request, reply) => {
      if (!(request.body instanceof FormBody)) return;
      const { conversion } = request.body;
      if (!conversion.ok) return reply.code(422).send({ errors: capFieldErrors(conversion.errors) });
      FORMATS.set(request, 'form');
      request.body = conversion.payload;
    },
    attachValidation: true,
    schema: { body: signatureSchema },
  }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    if (request.validationError) {
      const validation = (request.validationError as FastifyError).validation as SchemaError[] | undefined;
      const errors: FieldErrors = validation
        ? schemaErrorsToFieldErrors(validation)
        : { body: request.validationError.message };
      return reply.code(422).send({ errors: capFieldErrors(errors) });
    }
    const payload = request.body as SignaturePayload;
    const errors = checkSignatureSemantics(payload);
    if (Object.keys(errors).length > 0) return reply.code(422).send({ errors: capFieldErrors(errors) });

    // Only campaigns the receiver holds take signatures (SPEC §8); nothing is stored otherwise.
    const campaign = await app.campaignCache.get(payload.campaign);
    if (!campaign) {
      return reply.code(404).send({ error: 'unknown-campaign', message: `This receiver holds no campaign "${payload.campaign}".` });
    }
    if (campaign.status === 'closed') {
      return reply.code(410).send({ error: 'closed', message: 'This campaign is closed and no longer takes signatures.' });
    }
    // The campaign's rate, then the bot checks (bot-checks.ts says in which order).
    const { wait, suspect } = await app.botChecks.screen(payload, Date.now(), campaign.delivery.proofOfWork);
    // Every address together: a flood from many addresses waits, and the widget retries after Retry-After.
    if (wait !== undefined) {
      reply.header('retry-after', String(wait));
      return reply.code(429).send({ error: 'rate-limited', message: `This campaign takes no more signatures this minute; try again in ${wait} s.` });
    }
    const signedAt = app.letterClock();
    const letters = lettersForSignature(payload, campaign, signedAt);
    const format = FORMATS.get(request) ?? 'json';
    if (suspect !== undefined) {
      // Held back, not refused: the answer is a new signature's, so a script learns nothing, and
      // a person whose check failed is released by the organiser (README "Bots and floods").
      const { outcome, count } = await store.quarantineSignature(payload, format, suspect);
      return reply.code(outcome === 'duplicate-id' ? 200 : 201).send({ ok: true, count, letter: letterAnswer(campaign.delivery, letters) });
    }
    const digestEntries = digestEntriesForSignature(payload, campaign, signedAt);
    // The checks' fields have done their work: a counted signature is stored as the signer wrote it.
    const { formToken: _token, honeypot: _honeypot, pow: _pow, ...signed } = payload;
    const { outcome, count } = await store.insertSignature(signed, format, letters, digestEntries);
    if (outcome === 'created' && letters.length > 0) app.letterWorker?.wake();
    // The same answer for a repeated address as for a new one, `letter` included (SPEC §7).
    return reply.code(statusForOutcome(outcome)).send({ ok: true, count, letter: letterAnswer(campaign.delivery, letters) });
  });
}

/**
 * The status of an accepted signature. A repeated address with a new id answers exactly like a
 * new signature (SPEC §7): the public must not learn whether a named person signed. Only a
 * retry of the same id (which only its sender knows) answers 200.
 */
export function statusForOutcome(outcome: InsertOutcome): 200 | 201 {
  return outcome === 'duplicate-id' ? 200 : 201;
}

/**
 * CORS alone does not stop a cross-site *simple* request (the form format): the browser sends it
 * and only hides the answer. So a POST carrying an Origin that is not configured is refused
 * before its body is read. Requests without Origin (curl, servers) pass. The Host header is NOT
 * taken as "our own origin": after DNS rebinding an attacker's page has Origin = Host = its own
 * name. A page served by the receiver itself (the embed page, routes/embed.ts) is allowed by
 * PUBLIC_URL, a fixed setting and not a header, or by listing its origin (npm start does).
 */
function originGuard(config: Config, request: FastifyRequest, reply: FastifyReply, done: () => void): void {
  const origin = request.headers.origin;
  if (origin === undefined || isOriginAllowed(origin, config.allowedOrigins) || isOwnPublicOrigin(origin, config.publicUrl)) {
    done();
    return;
  }
  reply.header('connection', 'close');
  reply.code(403).send({
    error: 'origin-not-allowed',
    message: `Signatures from ${origin} are not accepted by this receiver (see ALLOWED_ORIGINS).`,
  });
}

/** True when `origin` is exactly PUBLIC_URL's origin: the receiver's own pages post from there. */
function isOwnPublicOrigin(origin: string, publicUrl: string | undefined): boolean {
  return publicUrl !== undefined && origin === new URL(publicUrl).origin;
}
