/**
 * How letters leave, beyond mode `each` (SPEC §9.1, issue 12), through the real receiver and a
 * real SMTP server (the sink): confirmation by email (`confirm`), Reply-To by the signer's
 * consent (`replyTo: "signer-if-agreed"`) and mode `mailto`, with the public document each one
 * serves. The campaign is set up through the admin API; the worker's clock is moved, not waited for.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SinkMessage, SmtpSink } from '../src/dev/smtp-sink.ts';
import { csvRecords, getCsv, postForm, postJson, signature, uniqueEmail, type TestServer } from './helpers.ts';
import { assertNothingMoreArrives, messagesTo, startMailReceiver } from './support/mail-receiver.ts';
import { admin, ADMIN_TOKEN, campaignBody, putCampaign, TARGETS, until } from './support/admin.ts';

const FROM_ADDRESS = 'letters@union.example';
const PUBLIC_URL = 'https://letters.union.example';
const CAMPAIGN = 'free-baltabay';
const DAY = 24 * 60 * 60 * 1000;
const SAME_ORIGIN = { origin: PUBLIC_URL, 'sec-fetch-site': 'same-origin', 'content-type': 'application/x-www-form-urlencoded' };

interface Setup {
  sink: SmtpSink;
  server: TestServer;
  advance(ms: number): void;
  runOnce(): Promise<number>;
  statuses(campaign?: string): Promise<string[]>;
  close(): Promise<void>;
}

async function setup(delivery: Record<string, unknown>, env: Record<string, string> = { PUBLIC_URL }): Promise<Setup> {
  const receiver = await startMailReceiver({ env });
  const { server } = receiver;
  const context: Setup = {
    ...receiver,
    async statuses(campaign = CAMPAIGN) {
      const answer = await admin(server.url, 'GET', `/api/admin/campaigns/${campaign}/letters`);
      assert.equal(answer.status, 200, answer.text);
      return (answer.body.letters as { status: string }[]).map((letter) => letter.status).sort();
    },
  };
  try {
    await putCampaign(server.url, CAMPAIGN, campaignBody(CAMPAIGN, delivery));
  } catch (error) {
    await context.close();
    throw error;
  }
  return context;
}

/** The token of the link in a confirmation email (which must point at PUBLIC_URL). */
function tokenIn(message: SinkMessage): string {
  const match = /https:\/\/letters\.union\.example\/confirm\/([A-Za-z0-9_-]+)/.exec(message.parsed.text ?? '');
  assert.ok(match, `a link to PUBLIC_URL/confirm/… in:\n${message.parsed.text}`);
  return match[1]!;
}

async function page(url: string, method: 'GET' | 'HEAD' | 'POST', headers: Record<string, string> = {}) {
  const response = await fetch(url, { method, headers, body: method === 'POST' ? '' : undefined, redirect: 'manual' });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

test('confirm: only the confirmation email until the button is pressed; GET, HEAD and a cross-site POST change nothing; one POST sends each letter once', async () => {
  const context = await setup({ mode: 'each', targets: TARGETS, confirm: true });
  try {
    const { url } = context.server;
    const email = uniqueEmail();
    const payload = signature({ campaign: CAMPAIGN, locale: 'fr', message: { subject: 'Libérez <Erlan> & vite', body: 'Monsieur,\n\nLibérez-le.' } }, { email });
    const answer = await postJson(url, payload);
    assert.equal(answer.status, 201);
    assert.deepEqual(answer.body, { ok: true, count: 1, letter: 'awaiting-confirmation' });

    const [confirmation] = await context.sink.waitForMessages(1);
    await assertNothingMoreArrives(context, 'only the confirmation email');
    assert.deepEqual(confirmation!.envelope, { from: FROM_ADDRESS, to: [email] });
    assert.deepEqual(confirmation!.parsed.from?.value.map((address) => address.address), [FROM_ADDRESS]);
    assert.equal(confirmation!.parsed.subject, 'Confirmez votre lettre', 'in the signer\'s language');
    assert.match(confirmation!.parsed.text ?? '', /7 jours/);
    for (const target of TARGETS) assert.equal(messagesTo(context.sink, target.email).length, 0);
    assert.deepEqual(await context.statuses(), ['awaiting-confirmation', 'awaiting-confirmation']);

    // The same id again, and the same address with a new id: the same answers, no second email.
    const retried = await postJson(url, payload);
    assert.deepEqual([retried.status, retried.body], [200, { ok: true, count: 1, letter: 'awaiting-confirmation' }]);
    const repeated = await postJson(url, signature({ campaign: CAMPAIGN }, { email }));
    assert.deepEqual([repeated.status, repeated.body], [201, { ok: true, count: 1, letter: 'awaiting-confirmation' }]);
    await assertNothingMoreArrives(context, 'no second confirmation email');

    const token = tokenIn(confirmation!);
    assert.ok(token.length >= 43, 'at least 256 bits');
    const link = `${url}/confirm/${token}`;
    const shown = await page(link, 'GET');
    assert.equal(shown.status, 200);
    assert.match(shown.headers.get('content-type') ?? '', /^text\/html; charset=utf-8/);
    const csp = shown.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.doesNotMatch(csp, /script-src|unsafe-inline/);
    assert.equal(shown.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(shown.headers.get('cache-control'), 'no-store');
    assert.match(shown.text, /<html lang="fr" dir="ltr">/);
    assert.match(shown.text, /<h1>Envoyer votre lettre<\/h1>/);
    assert.ok(shown.text.includes('Libérez &lt;Erlan&gt; &amp; vite'), 'the subject, escaped');
    assert.match(shown.text, /<form method="post"><button type="submit">Envoyer ma lettre<\/button><\/form>/);
    assert.doesNotMatch(shown.text, /<script/i);
    assert.equal((await page(link, 'HEAD')).status, 200);
    assert.equal((await page(link, 'GET')).status, 200, 'a scanner may fetch it again');

    const crossSite = await page(link, 'POST', { ...SAME_ORIGIN, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' });
    assert.equal(crossSite.status, 403);
    assert.equal((await page(link, 'POST', { ...SAME_ORIGIN, 'sec-fetch-site': 'same-site' })).status, 403, 'a sibling site is not us');
    // An opaque origin without Sec-Fetch-Site (an older browser, a sandboxed frame) is not us.
    assert.equal((await page(link, 'POST', { origin: 'null', 'content-type': 'application/x-www-form-urlencoded' })).status, 403);
    await assertNothingMoreArrives(context, 'GET, HEAD and refused POSTs send nothing');
    assert.deepEqual(await context.statuses(), ['awaiting-confirmation', 'awaiting-confirmation']);

    const pressed = await page(link, 'POST', SAME_ORIGIN);
    assert.equal(pressed.status, 200);
    assert.match(pressed.text, /<h1>Votre lettre est en route<\/h1>/);
    await context.sink.waitForMessages(3);
    await until(async () => (await context.statuses()).every((status) => status === 'sent'), 10_000, "letters 'sent'");
    for (const target of TARGETS) {
      const received = messagesTo(context.sink, target.email);
      assert.equal(received.length, 1, `one letter at ${target.email}`);
      assert.equal(received[0]!.parsed.subject, 'Libérez <Erlan> & vite');
      assert.equal(received[0]!.parsed.replyTo, undefined);
      assert.ok(!received[0]!.raw.toString('latin1').toLowerCase().includes(email.toLowerCase()), 'no signer address in the letter');
    }

    const again = await page(link, 'POST', SAME_ORIGIN);
    assert.equal(again.status, 200, 'a second press is harmless');
    assert.match(again.text, /Votre lettre est en route/);
    await assertNothingMoreArrives(context, 'a second POST sends nothing');
    assert.equal(context.sink.messages.length, 3);

    const inspected = await admin(url, 'GET', `/api/admin/campaigns/${CAMPAIGN}`);
    assert.deepEqual(inspected.body.confirmations, { queued: 0, sending: 0, sent: 1, failed: 0, unknown: 0, confirmed: 1 });
    assert.equal((await page(`${url}/confirm/${'x'.repeat(43)}`, 'GET')).status, 404, 'an unknown token');
    assert.equal((await page(`${url}/confirm/short`, 'POST', SAME_ORIGIN)).status, 404);
  } finally {
    await context.close();
  }
});

test('confirm: after 7 days unconfirmed letters expire, the link says so (410) and nothing is sent', async () => {
  const context = await setup({ mode: 'each', targets: TARGETS, confirm: true });
  try {
    const { url } = context.server;
    const payload = signature({ campaign: CAMPAIGN, locale: 'pt-BR' });
    assert.equal((await postJson(url, payload)).status, 201);
    const [confirmation] = await context.sink.waitForMessages(1);
    assert.equal(confirmation!.parsed.subject, 'Confirme a sua carta', 'pt-BR falls back to pt');
    const link = `${url}/confirm/${tokenIn(confirmation!)}`;

    context.advance(7 * DAY + 60_000);
    await context.runOnce();
    assert.deepEqual(await context.statuses(), ['expired', 'expired']);
    assert.equal((await page(link, 'GET')).status, 410);
    const late = await page(link, 'POST', SAME_ORIGIN);
    assert.equal(late.status, 410);
    assert.match(late.text, /<h1>Este link expirou<\/h1>/);
    await assertNothingMoreArrives(context, 'nothing after expiry');
    assert.deepEqual(await context.statuses(), ['expired', 'expired']);
    for (const target of TARGETS) assert.equal(messagesTo(context.sink, target.email).length, 0);
    // The signer did sign: the count keeps them (see the README, "Choosing how letters leave").
    assert.equal((await admin(url, 'GET', `/api/admin/campaigns/${CAMPAIGN}`)).body.count, 1);
  } finally {
    await context.close();
  }
});

test('confirm needs PUBLIC_URL, and single letters: refused otherwise, naming the reason', async () => {
  const context = await setup({ mode: 'each', targets: TARGETS }, {});
  try {
    const { url } = context.server;
    const refused = await admin(url, 'PUT', '/api/admin/campaigns/held', { body: campaignBody('held', { mode: 'each', targets: TARGETS, confirm: true }) });
    assert.equal(refused.status, 422);
    assert.match(refused.body.errors['delivery.confirm'], /PUBLIC_URL/);
    for (const [key, delivery] of [
      ['delivery.confirm', { mode: 'digest', targets: TARGETS, confirm: true }],
      ['delivery.replyTo', { mode: 'digest', targets: TARGETS, replyTo: 'signer-if-agreed' }],
      ['delivery.test', { mode: 'mailto', targets: TARGETS, test: true, testers: ['organiser@union.example'] }],
    ] as const) {
      const answer = await admin(url, 'PUT', '/api/admin/campaigns/held', { body: campaignBody('held', delivery) });
      assert.equal(answer.status, 422, answer.text);
      assert.ok(answer.body.errors[key], `${key} named: ${answer.text}`);
    }
    const stale = campaignBody('held');
    (stale.document as Record<string, unknown>).replyTo = true;
    ((stale.document as Record<string, unknown>).letter as Record<string, unknown>).mailto = ['spy@evil.example'];
    const staleAnswer = await admin(url, 'PUT', '/api/admin/campaigns/held', { body: stale });
    assert.equal(staleAnswer.status, 422);
    assert.ok(staleAnswer.body.errors['document.replyTo'] && staleAnswer.body.errors['document.letter.mailto'], staleAnswer.text);
    assert.equal((await admin(url, 'GET', '/api/admin/campaigns/held')).status, 404, 'nothing stored');
  } finally {
    await context.close();
  }
});

test('replyTo "signer-if-agreed": the document asks; Reply-To exactly for the signers who agreed; their answer and its wording in the CSV', async () => {
  const context = await setup({ mode: 'each', targets: [TARGETS[0]], replyTo: 'signer-if-agreed' });
  try {
    const { url } = context.server;
    const document = await (await fetch(`${url}/api/campaigns/${CAMPAIGN}`)).json() as Record<string, unknown>;
    assert.equal(document.replyTo, true);
    assert.equal((document.letter as Record<string, unknown>).mailto, undefined);
    assert.ok(!JSON.stringify(document).includes('@'), 'no address in the public document');

    const question = 'The authorities may reply to me at my address.\nThis shows them my address.';
    const agreed = `agreed-${process.pid}@signer.example`;
    const declined = `declined-${process.pid}@signer.example`;
    const silent = `silent-${process.pid}@signer.example`;
    const byForm = `form-${process.pid}@signer.example`;
    const consent = { updates: false, replyTo: true, replyToText: question };
    assert.equal((await postJson(url, signature({ campaign: CAMPAIGN, consent }, { email: agreed }))).status, 201);
    assert.equal((await postJson(url, signature({ campaign: CAMPAIGN, consent: { ...consent, replyTo: false } }, { email: declined }))).status, 201);
    assert.equal((await postJson(url, signature({ campaign: CAMPAIGN, consent: { updates: false } }, { email: silent }))).status, 201);
    const form = await postForm(url, {
      id: crypto.randomUUID(), campaign: CAMPAIGN, created_at: '2026-11-27T18:00:00.000Z', email: byForm, first_name: 'Form',
      consent_reply_to: 'yes', consent_reply_to_text: question, message_subject: 'Free him', message_body: 'Release him.',
    });
    assert.equal(form.status, 201, JSON.stringify(form.body));
    // A yes without the question's wording is refused, like consent.updates without consent.text.
    const bare = await postJson(url, signature({ campaign: CAMPAIGN, consent: { replyTo: true } }));
    assert.equal(bare.status, 422);
    assert.ok(bare.body.errors && (bare.body.errors as Record<string, string>)['consent.replyToText']);

    await context.sink.waitForMessages(4);
    await assertNothingMoreArrives(context, 'four letters');
    const replyToOf = (signer: string) => {
      const message = context.sink.messages.find((candidate) => (candidate.parsed.text ?? '').includes(signer) || candidate.parsed.replyTo?.value[0]?.address === signer);
      return message?.parsed.replyTo?.value.map((address) => address.address);
    };
    assert.deepEqual(replyToOf(agreed), [agreed]);
    assert.deepEqual(replyToOf(byForm), [byForm]);
    const withReplyTo = context.sink.messages.filter((message) => message.parsed.replyTo !== undefined);
    assert.equal(withReplyTo.length, 2, 'only the two who agreed');
    for (const message of context.sink.messages) {
      const raw = message.raw.toString('latin1');
      for (const other of [declined, silent]) assert.ok(!raw.includes(other), `${other} appears nowhere`);
      assert.deepEqual(message.envelope, { from: FROM_ADDRESS, to: [TARGETS[0].email] });
    }

    const records = csvRecords((await getCsv(url, CAMPAIGN, ADMIN_TOKEN)).text);
    const row = (email: string) => records.find((record) => record.email === email);
    assert.equal(row(agreed)?.consent_reply_to, 'yes');
    assert.equal(row(agreed)?.consent_reply_to_text?.replace(/\r\n/g, '\n'), question);
    assert.equal(row(declined)?.consent_reply_to, 'no');
    assert.equal(row(silent)?.consent_reply_to, '');
    assert.equal(row(byForm)?.consent_reply_to, 'yes');
  } finally {
    await context.close();
  }
});

test('replyTo "none": never a Reply-To, even when the payload says yes; the document does not ask', async () => {
  const context = await setup({ mode: 'each', targets: [TARGETS[0]] });
  try {
    const { url } = context.server;
    const document = await (await fetch(`${url}/api/campaigns/${CAMPAIGN}`)).json() as Record<string, unknown>;
    assert.equal(document.replyTo, undefined);
    assert.ok(!JSON.stringify(document).includes('@'), 'no address in the public document');
    const email = uniqueEmail();
    const payload = signature({ campaign: CAMPAIGN, consent: { replyTo: true, replyToText: 'They may reply to me.' } }, { email });
    assert.equal((await postJson(url, payload)).status, 201);
    const [message] = await context.sink.waitForMessages(1);
    assert.equal(message!.parsed.replyTo, undefined);
    assert.ok(!message!.raw.toString('latin1').toLowerCase().includes(email.toLowerCase()), 'the signer\'s address appears nowhere');
  } finally {
    await context.close();
  }
});

test('mailto: the document carries the targets\' addresses, the answer says "mailto", and the receiver sends nothing', async () => {
  const context = await setup({ mode: 'mailto', targets: TARGETS });
  try {
    const { url } = context.server;
    const document = await (await fetch(`${url}/api/campaigns/${CAMPAIGN}`)).json() as Record<string, any>;
    assert.deepEqual(document.letter.mailto, TARGETS.map((target) => target.email));
    assert.equal(document.letter.en.subject, 'Free Erlan Baltabay', 'the letter itself is still there');
    assert.equal(document.replyTo, undefined);
    const answer = await postJson(url, signature({ campaign: CAMPAIGN }));
    assert.deepEqual([answer.status, answer.body], [201, { ok: true, count: 1, letter: 'mailto' }]);
    await assertNothingMoreArrives(context, 'nothing sent in mode mailto');
    assert.equal(context.sink.messages.length, 0);
    assert.deepEqual(await context.statuses(), []);
    // The stored document stays as the organiser wrote it: the addresses are computed when served.
    const stored = await admin(url, 'GET', `/api/admin/campaigns/${CAMPAIGN}`);
    assert.equal(stored.body.document.letter.mailto, undefined);
  } finally {
    await context.close();
  }
});
