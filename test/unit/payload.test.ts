import { expect } from '@open-wc/testing';
import { buildPayload, toFormBody } from '../../src/steps/sending/payload.js';
import { retryAfterSeconds } from '../../src/steps/sending/send-signature.js';
import { backoffDelay } from '../../src/steps/sending/delivery-controller.js';
import { uuidV4 } from '../../src/steps/sending/uuid.js';

const input = {
  id: '3b7c1f0e-8a2d-4c6b-9e1f-2a3b4c5d6e7f',
  campaign: 'free-baltabay',
  locale: 'fr',
  signer: { firstName: '  Aigerim ', lastName: 'N.', email: 'a@example.org', country: 'KZ' },
  consent: { updates: true, text: 'Oui, tenez-moi informée.' },
  pageUrl: 'https://union.example/appeal?utm_source=newsletter&utm_medium=email&x=1',
  referrer: 'https://union.example/',
  now: new Date('2026-11-27T18:00:00.000Z'),
};

describe('payload', () => {
  it('builds the JSON payload of SPEC §4.1, trimming signer values', () => {
    expect(buildPayload(input)).to.deep.equal({
      id: input.id,
      campaign: 'free-baltabay',
      createdAt: '2026-11-27T18:00:00.000Z',
      locale: 'fr',
      signer: { firstName: 'Aigerim', lastName: 'N.', email: 'a@example.org', country: 'KZ' },
      consent: { updates: true, text: 'Oui, tenez-moi informée.' },
      source: {
        url: 'https://union.example/appeal',
        referrer: 'https://union.example/',
        utm: { source: 'newsletter', medium: 'email' },
      },
    });
  });

  it('adds message only with a letter, and utm only when the page has some', () => {
    const payload = buildPayload({ ...input, pageUrl: 'https://union.example/', message: { subject: 'S', body: 'B' } });
    expect(payload.message).to.deep.equal({ subject: 'S', body: 'B' });
    expect(payload.source).to.deep.equal({ url: 'https://union.example/', referrer: 'https://union.example/' });
  });

  it('sends where the signer was, not the query or fragment of the page or the referrer: only origin, path and utm_*', () => {
    const payload = buildPayload({
      ...input,
      pageUrl: 'https://union.example/appeal/?reset=s3cr3t&email=a%40example.org&utm_source=newsletter&utm_campaign=free#token=abc',
      referrer: 'https://mail.example/inbox/42?session=xyz#message',
    });
    expect(payload.source).to.deep.equal({
      url: 'https://union.example/appeal/',
      referrer: 'https://mail.example/inbox/42',
      utm: { source: 'newsletter', campaign: 'free' },
    });
    expect(buildPayload({ ...input, referrer: '' }).source.referrer).to.equal('');
  });

  it('cuts the page URL, the referrer and each utm value to the receiver’s limits, so a long link cannot block signing', () => {
    const path = `https://union.example/${'a'.repeat(3000)}`;
    const payload = buildPayload({ ...input, pageUrl: `${path}?utm_source=${'s'.repeat(500)}&utm_medium=email`, referrer: path });
    // Lengths, not the strings: a failure should not print 6 KB of "a".
    expect([payload.source.url.length, payload.source.referrer.length]).to.deep.equal([2048, 2048]);
    expect(path.startsWith(payload.source.url) && path.startsWith(payload.source.referrer)).to.be.true;
    expect(payload.source.utm).to.deep.equal({ source: 's'.repeat(200), medium: 'email' });
  });

  it('flattens to the snake_case form of SPEC §4.2', () => {
    const body = toFormBody(buildPayload({ ...input, message: { subject: 'Sujet', body: 'Corps & âme' } }));
    expect(Object.fromEntries(body)).to.deep.equal({
      id: input.id,
      campaign: 'free-baltabay',
      created_at: '2026-11-27T18:00:00.000Z',
      locale: 'fr',
      first_name: 'Aigerim',
      last_name: 'N.',
      email: 'a@example.org',
      country: 'KZ',
      consent_updates: 'yes',
      consent_text: 'Oui, tenez-moi informée.',
      message_subject: 'Sujet',
      message_body: 'Corps & âme',
      source_url: 'https://union.example/appeal',
      referrer: 'https://union.example/',
      utm_source: 'newsletter',
      utm_medium: 'email',
    });
    expect(toFormBody(buildPayload({ ...input, consent: { updates: false, text: '' } })).get('consent_updates')).to.equal('no');
  });
});

describe('sending helpers', () => {
  it('reads Retry-After in seconds, else waits 30 s', () => {
    expect(retryAfterSeconds('2')).to.equal(2);
    expect(retryAfterSeconds('0')).to.equal(0);
    expect(retryAfterSeconds('Fri, 27 Nov 2026 18:00:10 GMT')).to.equal(30);
    expect(retryAfterSeconds(null)).to.equal(30);
    expect(retryAfterSeconds('soon')).to.equal(30);
  });

  it('backs off from 1 s, doubling, capped at 5 min, with at most 20 % jitter', () => {
    expect([1, 2, 3, 4].map((attempt) => backoffDelay(attempt, () => 0))).to.deep.equal([1000, 2000, 4000, 8000]);
    expect(backoffDelay(30, () => 0)).to.equal(300_000);
    expect(backoffDelay(1, () => 1)).to.equal(1200);
  });

  it('makes distinct version-4 UUIDs without a secure context', () => {
    const ids = new Set(Array.from({ length: 200 }, uuidV4));
    expect(ids.size).to.equal(200);
    for (const id of ids) expect(id).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
