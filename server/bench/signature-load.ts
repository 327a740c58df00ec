/**
 * The load both receiver benchmarks post: distinct, realistic signatures over several
 * connections with autocannon, each answered 201 remembered by its id.
 */
import autocannon from 'autocannon';
import { randomBytes, randomUUID } from 'node:crypto';
import { mintFormToken } from '../src/bots/form-token.ts';

/** This run's key for the receivers' form tokens: the load carries a valid token per signature, as a widget's would. */
const FORM_TOKEN_SECRET = randomBytes(24).toString('hex');

/**
 * What a benchmarked receiver needs beside its store: the bot checks' key, no minimum time (the
 * load posts at once, which the real check would hold back) and no per-campaign cap (the load is
 * one campaign), so the bench measures accepted signatures, token check included.
 */
export const BENCH_RECEIVER_ENV = { FORM_TOKEN_SECRET, FORM_MIN_MS: '0', CAMPAIGN_RATE_LIMIT_MAX: '100000000' } as const;

/** One signature as the widget sends it, distinct by `index` (its email, after `emailPrefix`) and `id`. */
export function benchPayload(campaign: string, index: number, id: string, emailPrefix = campaign): string {
  return JSON.stringify({
    id,
    campaign,
    createdAt: new Date().toISOString(),
    formToken: mintFormToken(FORM_TOKEN_SECRET, campaign, Date.now()),
    locale: 'fr',
    signer: { firstName: 'Aigerim', lastName: `Bench ${index}`, email: `${emailPrefix}-${index}@example.org`, country: 'KZ', postcode: '', organisation: 'Union', comment: '' },
    consent: { updates: index % 2 === 0, text: 'Yes, keep me informed about this campaign.' },
    message: { subject: 'Free Erlan Baltabay', body: 'Dear Minister,\n\nI call on you to release Erlan Baltabay.' },
    source: { url: 'https://example.org/appeal', referrer: '', utm: { source: 'bench', medium: 'share', campaign } },
  });
}

/**
 * Posts `amount` signatures (emails `<emailPrefix>-<n>@example.org`: give two loads on one campaign
 * different prefixes) and returns autocannon's result, the run's seconds and the ids answered
 * 201. autocannon notices the end only at its sampling tick (1 s by default, which would understate
 * a 2 s run by up to half), so it samples every 20 ms and the run is timed here. Without pipelining
 * a connection has one request in flight, so its context still holds that request's id when the
 * response arrives.
 */
export async function postSignatures(url: string, campaign: string, amount: number, connections: number, emailPrefix = campaign) {
  let index = 0;
  const created = new Set<string>();
  const started = performance.now();
  const result = await autocannon({
    sampleInt: 20,
    url,
    connections,
    amount,
    timeout: 10,
    requests: [{
      method: 'POST',
      path: '/api/signatures',
      headers: { 'content-type': 'application/json' },
      setupRequest: (request, context) => {
        const id = randomUUID();
        context.id = id;
        return { ...request, body: benchPayload(campaign, index++, id, emailPrefix) };
      },
      onResponse: (status, _body, context) => {
        if (status === 201) created.add(context.id as string);
      },
    }],
  });
  return { result, created, seconds: (performance.now() - started) / 1000 };
}

