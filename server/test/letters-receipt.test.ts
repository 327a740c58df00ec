/**
 * The receipt to the signer (delivery.receipt, mode `each`): once all of a signature's letters
 * have settled and at least one was sent, ONE email to the signer naming the targets it reached.
 * Through the real receiver and a real SMTP server (the sink); the outcome handling of the
 * receipt itself with the real queue, worker and sink on a settable clock.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSmtpSink, type SinkFault, type SmtpSink } from '../src/dev/smtp-sink.ts';
import { createLetterWorker } from '../src/letters/letter-worker.ts';
import { createMailTransport } from '../src/letters/mail-transport.ts';
import { createSqliteLetterQueue } from '../src/letters/sqlite-letter-queue.ts';
import { RECEIPT_LANGUAGES, receiptTexts } from '../src/letters/receipt-texts.ts';
import { CONFIRM_LANGUAGES } from '../src/letters/confirm-texts.ts';
import { parseDeliverySettings } from '../src/letters/delivery-settings.ts';
import { postJson, signature, uniqueEmail, type TestServer } from './helpers.ts';
import { assertNothingMoreArrives, MAIL_FROM, messagesTo, startMailReceiver, TRANSPORT } from './support/mail-receiver.ts';
import { admin, campaignBody, putCampaign, TARGETS, until } from './support/admin.ts';
import { openLettersDb } from './support/letters-db.ts';

const FROM_ADDRESS = 'letters@union.example';
const CAMPAIGN = 'free-baltabay';
const silent = { info() {}, warn() {}, error() {} };

interface Setup {
  sink: SmtpSink;
  server: TestServer;
  advance(ms: number): void;
  runOnce(): Promise<number>;
  statuses(): Promise<string[]>;
  close(): Promise<void>;
}

async function setup(delivery: Record<string, unknown>): Promise<Setup> {
  const receiver = await startMailReceiver({ worker: { retryDelay: () => 60_000 } });
  const { server } = receiver;
  const context: Setup = {
    ...receiver,
    async statuses() {
      const answer = await admin(server.url, 'GET', `/api/admin/campaigns/${CAMPAIGN}/letters`);
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

test('receipt: after the letters to both targets are sent, exactly one receipt reaches the signer, naming both; a retried id and a repeated address make no second one', async () => {
  const context = await setup({ mode: 'each', targets: TARGETS, receipt: true });
  try {
    const { url } = context.server;
    const email = uniqueEmail();
    const payload = signature({ campaign: CAMPAIGN, locale: 'fr' }, { firstName: 'Aigerim =?utf-8?q?Eve?=', lastName: 'N.', email });
    const answer = await postJson(url, payload);
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    assert.deepEqual(answer.body, { ok: true, count: 1, letter: 'queued' });

    await context.sink.waitForMessages(3);
    await until(async () => (await context.statuses()).every((status) => status === 'sent'), 10_000, "letters 'sent'");
    const receipts = messagesTo(context.sink, email);
    assert.equal(receipts.length, 1, 'one receipt at the signer');
    const [receipt] = receipts;
    assert.deepEqual(receipt!.envelope, { from: FROM_ADDRESS, to: [email] });
    assert.deepEqual(receipt!.parsed.from?.value.map((address) => address.address), [FROM_ADDRESS]);
    assert.equal(receipt!.parsed.subject, 'Votre lettre a été remise', "in the signer's language");
    assert.equal(receipt!.parsed.messageId, `<receipt-${payload.id}@union.example>`);
    // The signer's name goes into To through cleanLine: an encoded word in it is broken apart.
    assert.deepEqual(receipt!.parsed.to && !Array.isArray(receipt!.parsed.to) ? receipt!.parsed.to.value.map((to) => to.name) : [], ['Aigerim = ?utf-8?q?Eve?= N.']);
    const text = receipt!.parsed.text ?? '';
    for (const target of TARGETS) {
      assert.match(text, new RegExp(`- ${target.name}: \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} UTC`), `names ${target.name} and when`);
      assert.ok(!text.includes(target.email), 'names, not addresses');
      assert.equal(messagesTo(context.sink, target.email).length, 1, `one letter at ${target.email}`);
    }
    // The receipt comes after the letters it reports.
    assert.equal(context.sink.messages.at(-1), receipt);

    const retried = await postJson(url, payload);
    assert.deepEqual([retried.status, retried.body], [200, { ok: true, count: 1, letter: 'queued' }]);
    const repeated = await postJson(url, signature({ campaign: CAMPAIGN }, { email }));
    assert.deepEqual([repeated.status, repeated.body], [201, { ok: true, count: 1, letter: 'queued' }]);
    await assertNothingMoreArrives(context, 'no second receipt, no second letters');
    assert.equal(messagesTo(context.sink, email).length, 1);

  } finally {
    await context.close();
  }
});

test('receipt: waits for a letter being retried after a 4xx, then names only what was sent; a failed letter is not named', async () => {
  const context = await setup({ mode: 'each', targets: TARGETS, receipt: true });
  try {
    const email = uniqueEmail();
    // The first letter's RCPT is refused for now, the second one's for good.
    context.sink.inject({ at: 'RCPT', reply: 451 }, { at: 'RCPT', reply: 550 });
    const answer = await postJson(context.server.url, signature({ campaign: CAMPAIGN, locale: 'kk' }, { email }));
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    await until(async () => (await context.statuses()).join() === 'failed,queued', 10_000, 'one failed, one queued');
    await assertNothingMoreArrives(context, 'no receipt while a letter may still leave');
    assert.equal(messagesTo(context.sink, email).length, 0);

    context.advance(61_000);
    await context.runOnce();
    await until(() => messagesTo(context.sink, email).length === 1, 10_000, 'the receipt');
    assert.deepEqual(await context.statuses(), ['failed', 'sent']);
    const [receipt] = messagesTo(context.sink, email);
    assert.equal(receipt!.parsed.subject, 'Сіздің хатыңыз жеткізілді');
    const sent = context.sink.messages.filter((message) => message !== receipt && !message.envelope.to.includes(email));
    assert.equal(sent.length, 1, 'one letter reached its target');
    const reached = TARGETS.find((target) => sent[0]!.envelope.to.includes(target.email))!;
    const missed = TARGETS.find((target) => target !== reached)!;
    assert.ok(receipt!.parsed.text?.includes(`- ${reached.name}: `));
    assert.ok(!receipt!.parsed.text?.includes(missed.name), 'the failed letter is not reported as delivered');
    await assertNothingMoreArrives(context, 'one receipt');
  } finally {
    await context.close();
  }
});

test('receipt off (the default): the letters leave and the signer gets nothing', async () => {
  const context = await setup({ mode: 'each', targets: TARGETS });
  try {
    const email = uniqueEmail();
    assert.equal((await postJson(context.server.url, signature({ campaign: CAMPAIGN }, { email }))).status, 201);
    await context.sink.waitForMessages(2);
    await until(async () => (await context.statuses()).every((status) => status === 'sent'), 10_000, "letters 'sent'");
    await assertNothingMoreArrives(context, 'no receipt');
    assert.equal(messagesTo(context.sink, email).length, 0);
    assert.equal(context.sink.messages.length, 2);
  } finally {
    await context.close();
  }
});

test('receipt: refused with digest and mailto (422 naming delivery.receipt); must be a boolean', async () => {
  const context = await setup({ mode: 'each', targets: TARGETS });
  try {
    for (const mode of ['digest', 'mailto']) {
      const answer = await admin(context.server.url, 'PUT', `/api/admin/campaigns/${CAMPAIGN}`, { body: campaignBody(CAMPAIGN, { mode, targets: TARGETS, receipt: true }) });
      assert.equal(answer.status, 422, answer.text);
      assert.deepEqual(Object.keys(answer.body.errors), ['delivery.receipt'], `mode ${mode}`);
      assert.match(answer.body.errors['delivery.receipt'], /only used with mode each/);
    }
    const off = await admin(context.server.url, 'PUT', `/api/admin/campaigns/${CAMPAIGN}`, { body: campaignBody(CAMPAIGN, { mode: 'off', receipt: true }) });
    assert.equal(off.status, 422);
    assert.ok(off.body.errors['delivery.receipt']);
    const notBoolean = await admin(context.server.url, 'PUT', `/api/admin/campaigns/${CAMPAIGN}`, { body: campaignBody(CAMPAIGN, { mode: 'each', targets: TARGETS, receipt: 'yes' }) });
    assert.equal(notBoolean.status, 422);
    assert.equal(notBoolean.body.errors['delivery.receipt'], 'must be true or false');
  } finally {
    await context.close();
  }
  // Defaults: off and left out of the settings; true kept; false with digest is harmless.
  const parsed = parseDeliverySettings({ mode: 'each', targets: TARGETS });
  assert.ok(parsed.ok && parsed.settings.receipt === undefined);
  const on = parseDeliverySettings({ targets: TARGETS, receipt: true });
  assert.ok(on.ok && on.settings.receipt === true);
  assert.ok(parseDeliverySettings({ mode: 'digest', targets: TARGETS, receipt: false }).ok);
});

test('receipt texts: every confirmation language has one, English for the rest', () => {
  assert.deepEqual([...RECEIPT_LANGUAGES].sort(), [...CONFIRM_LANGUAGES].sort());
  assert.equal(RECEIPT_LANGUAGES.length, 12);
  assert.equal(receiptTexts('xx').subject, 'Your letter was delivered');
  assert.equal(receiptTexts('pt-BR').subject, receiptTexts('pt').subject);
});

test('receipt: sent like a letter: retried after a 4xx, failed on a 5xx, unknown after a cut, never twice; not under the hourly cap', async () => {
  const sink = await startSmtpSink();
  const transport = createMailTransport({ smtpUrl: sink.url, ...TRANSPORT });
  const store = openLettersDb();
  try {
    const target = TARGETS[0];
    store.addCampaign('c', { targets: [target], receipt: true, hourlyCap: 1 });
    const queue = createSqliteLetterQueue(store.db);
    // The fault is queued just before the receipts are claimed, so it hits the receipt, not the letter.
    let fault: SinkFault | undefined;
    const faulty = {
      ...queue,
      async claimDueReceipts(now: number, limit: number, leaseUntil: number) {
        const claimed = await queue.claimDueReceipts(now, limit, leaseUntil);
        if (claimed.length > 0 && fault) sink.inject(fault);
        fault = undefined;
        return claimed;
      },
    };
    const clock = { now: Date.now() };
    const worker = createLetterWorker({ queue: faulty, transport, mailFrom: MAIL_FROM, now: () => clock.now, log: silent, retryDelay: () => 60_000 });
    const receipt = (signatureId: string) =>
      store.db.prepare('SELECT status, attempts FROM receipts WHERE signature_id = ?').get(signatureId) as { status: string; attempts: number } | undefined;
    const signatureOf = (letterId: string) => (store.db.prepare('SELECT signature_id FROM letters WHERE id = ?').get(letterId) as { signature_id: string }).signature_id;
    const to = (email: string) => sink.messages.filter((message) => message.envelope.to.includes(email));

    // 4xx: back to 'queued', sent on the next try; one email in all.
    const [first] = store.addSignature('c', [target], { now: clock.now, signer: { email: 'one@example.org' } });
    fault = { at: 'RCPT', reply: 451 };
    await worker.runOnce();
    assert.equal(store.status(first!).status, 'sent');
    assert.deepEqual(receipt(signatureOf(first!)), { status: 'queued', attempts: 1 });
    assert.equal(to('one@example.org').length, 0);
    clock.now += 61_000;
    await worker.runOnce();
    assert.deepEqual(receipt(signatureOf(first!)), { status: 'sent', attempts: 2 });
    assert.equal(to('one@example.org').length, 1);
    assert.match(to('one@example.org')[0]!.parsed.subject ?? '', /Your letter was delivered/);

    // 5xx: failed, never again. The target is at its hourly cap (1): the receipt is not held by it.
    clock.now += 2 * 60 * 60_000;
    const [second] = store.addSignature('c', [target], { now: clock.now, signer: { email: 'two@example.org' } });
    fault = { at: 'RCPT', reply: 550 };
    await worker.runOnce();
    assert.equal(receipt(signatureOf(second!))?.status, 'failed');

    // A cut after the data: 'unknown', never re-sent by itself.
    clock.now += 2 * 60 * 60_000;
    const [third] = store.addSignature('c', [target], { now: clock.now, signer: { email: 'three@example.org' } });
    fault = { at: 'DATA', disconnect: true, keep: true };
    await worker.runOnce();
    assert.equal(receipt(signatureOf(third!))?.status, 'unknown');

    // The hourly cap holds letters, not receipts: a letter and its receipt for a signer within the hour of the last letter.
    clock.now += 2 * 60 * 60_000;
    const [fourth] = store.addSignature('c', [target], { now: clock.now, signer: { email: 'four@example.org' } });
    await worker.runOnce();
    assert.equal(store.status(fourth!).status, 'sent');
    assert.equal(receipt(signatureOf(fourth!))?.status, 'sent');
    const [fifth] = store.addSignature('c', [target], { now: clock.now, signer: { email: 'five@example.org' } });
    await worker.runOnce();
    assert.equal(store.status(fifth!).status, 'queued', 'the letter waits for the cap');
    assert.equal(receipt(signatureOf(fifth!)), undefined, 'no receipt before the letter left');

    clock.now += 10 * 60 * 60_000;
    await worker.runOnce();
    await worker.runOnce();
    assert.equal(to('two@example.org').length, 0);
    assert.equal(to('one@example.org').length, 1);
    assert.equal(to('four@example.org').length, 1);
    assert.equal(store.status(fifth!).status, 'sent');
    assert.equal(to('five@example.org').length, 1);
    assert.deepEqual(receipt(signatureOf(second!)), { status: 'failed', attempts: 1 });
    assert.deepEqual(receipt(signatureOf(third!)), { status: 'unknown', attempts: 1 });
  } finally {
    transport.close();
    await sink.close();
    store.close();
  }
});
