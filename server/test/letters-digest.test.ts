/**
 * Daily digests through the real receiver (mode `digest`, SPEC §9.1): signatures POSTed over
 * HTTP, the campaign set up through the admin API, digests sent by the receiver's own worker to
 * a real SMTP server (the sink), statuses read back through the admin API and the CSV.
 *
 * Time: the receiver records and sends on one clock the test moves (BuildAppOptions.letterWorker.now).
 * It starts at 10:00 UTC on a day to come, so the 18:00 digest hour is 8 hours ahead.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SinkMessage, SmtpSink } from '../src/dev/smtp-sink.ts';
import { csvRecords, getCsv, postJson, signature, type TestServer } from './helpers.ts';
import { assertNothingMoreArrives, messagesTo, startMailReceiver } from './support/mail-receiver.ts';
import { admin, ADMIN_TOKEN, campaignBody, campaignDocument, putCampaign, TARGETS, until } from './support/admin.ts';

const FROM_ADDRESS = 'letters@union.example';
const CAMPAIGN = 'free-baltabay';
const HOUR = 60 * 60 * 1000;
const EN_LETTER = { subject: 'Free Erlan Baltabay', body: 'Dear Prosecutor General,\n\nRelease him.' };
const FR_LETTER = { subject: 'Libérez Erlan Baltabay', body: 'Monsieur le Procureur,\n\nLibérez-le.' };
/** 10:00 UTC, two days from now: a fixed place in the day whatever time the test runs. */
const START = (() => {
  const today = new Date();
  return Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + 2, 10);
})();
const DAY_ONE = new Date(START).toISOString().slice(0, 10);
const DAY_TWO = new Date(START + 24 * HOUR).toISOString().slice(0, 10);

interface Setup {
  sink: SmtpSink;
  server: TestServer;
  advance(ms: number): void;
  runOnce(): Promise<number>;
  close(): Promise<void>;
}

/** A digest campaign (with an English and a French letter) on a receiver whose clock starts at START. */
function digestCampaign(delivery: Record<string, unknown> = {}): Record<string, unknown> {
  const document = campaignDocument(CAMPAIGN);
  (document.letter as Record<string, unknown>).fr = FR_LETTER;
  return { document, status: 'open', delivery: { mode: 'digest', targets: TARGETS, ...delivery } };
}

async function setup(delivery: Record<string, unknown> = {}): Promise<Setup> {
  const receiver = await startMailReceiver({ startAt: START });
  const { server } = receiver;
  const context: Setup = {
    ...receiver,
  };
  try {
    await putCampaign(server.url, CAMPAIGN, digestCampaign(delivery));
  } catch (error) {
    await context.close();
    throw error;
  }
  return context;
}

const EXPECTED_HEADERS = new Set(['from', 'to', 'subject', 'message-id', 'date', 'mime-version', 'content-type', 'content-transfer-encoding']);

function assertDigestHeaders(message: SinkMessage, target: string): void {
  for (const name of message.parsed.headers.keys()) assert.ok(EXPECTED_HEADERS.has(name), `unexpected header ${name}`);
  assert.deepEqual(message.envelope, { from: FROM_ADDRESS, to: [target] });
  assert.deepEqual(message.parsed.from?.value, [{ address: FROM_ADDRESS, name: 'Demo Union' }]);
  const to = message.parsed.to;
  assert.ok(to && !Array.isArray(to));
  assert.deepEqual(to.value.map((address) => address.address), [target]);
  assert.equal(message.parsed.replyTo, undefined);
  assert.match(message.parsed.messageId ?? '', /^<digest-[0-9a-f-]{36}@union\.example>$/);
}

/** The part of a digest's text that lists one signer (from their number to the next entry). */
function entryOf(text: string, name: string): string {
  const start = text.search(new RegExp(`^\\d+\\. ${name}$`, 'm'));
  assert.ok(start >= 0, `${name} listed in:\n${text}`);
  const rest = text.slice(start);
  const next = rest.slice(1).search(/\n\n\d+\. /);
  return next < 0 ? rest : rest.slice(0, next + 1);
}

async function digestStatus(context: Setup) {
  const answer = await admin(context.server.url, 'GET', `/api/admin/campaigns/${CAMPAIGN}`);
  assert.equal(answer.status, 200, answer.text);
  return answer.body.digests as { target: { email: string }; pendingSigners: number; counts: Record<string, number>; lastResponse: string | null; lastSentAt: string | null }[];
}

test('a day of signers: at the digest hour one email per target lists each once, edited words under their name, no single letters, no signer address', async () => {
  const context = await setup();
  try {
    const url = context.server.url;
    const emails = {
      aigerim: `aigerim.unedited-${process.pid}@signer-one.example`,
      bolat: `bolat.edited-${process.pid}@signer-two.example`,
      chantal: `chantal.fr-${process.pid}@signer-three.example`,
      dana: `dana.subject-${process.pid}@signer-four.example`,
    };
    const aigerim = signature({ campaign: CAMPAIGN, locale: 'en', message: { ...EN_LETTER, body: `${EN_LETTER.body}\n` } }, { firstName: 'Aigerim', lastName: 'Nurlanovna', email: emails.aigerim, organisation: 'Teachers Union of Almaty', country: 'KZ' });
    const bolat = signature({ campaign: CAMPAIGN, locale: 'en', message: { subject: EN_LETTER.subject, body: 'Dear Prosecutor General,\n\nI am a nurse in Almaty.\n2. Fake Signer\nRelease him now.' } }, { firstName: 'Bolat', lastName: 'Sadykov', email: emails.bolat, country: 'KZ' });
    const chantal = signature({ campaign: CAMPAIGN, locale: 'fr', message: FR_LETTER }, { firstName: 'Chantal', lastName: 'Dubois', email: emails.chantal, country: 'FR', organisation: 'CGT' });
    const dana = signature({ campaign: CAMPAIGN, locale: 'en', message: { subject: 'Free him before winter', body: EN_LETTER.body } }, { firstName: 'Dana', lastName: 'Amanova', email: emails.dana, country: 'KZ' });
    for (const payload of [aigerim, bolat, chantal, dana]) {
      const answer = await postJson(url, payload);
      assert.equal(answer.status, 201);
      assert.equal(answer.body.letter, 'queued');
    }
    // A retried id and a repeated address answer like the first, and add no entry.
    const retried = await postJson(url, aigerim);
    assert.equal(retried.status, 200);
    assert.equal(retried.body.letter, 'queued');
    const repeated = await postJson(url, signature({ campaign: CAMPAIGN, message: { subject: 'Again', body: 'Again and again' } }, { email: ` ${emails.bolat.toUpperCase()} `, firstName: 'Bolat' }));
    assert.equal(repeated.status, 201);
    assert.deepEqual(repeated.body, { ok: true, count: 4, letter: 'queued' });

    // Before the hour: nothing leaves, and the organiser sees four signers waiting per target.
    await assertNothingMoreArrives(context, 'nothing before the digest hour');
    assert.equal(context.sink.commands.MAIL, 0);
    for (const entry of await digestStatus(context)) assert.equal(entry.pendingSigners, 4);
    const letters = await admin(url, 'GET', `/api/admin/campaigns/${CAMPAIGN}/letters`);
    assert.deepEqual(letters.body.letters, [], 'no single letters in digest mode');

    context.advance(8 * HOUR + 1_000);
    await context.runOnce();
    await context.sink.waitForMessages(2, 10_000);
    await until(async () => (await digestStatus(context)).every((entry) => entry.counts.sent === 1), 10_000, 'both digests sent');
    await assertNothingMoreArrives(context, 'one digest per target');
    assert.equal(context.sink.messages.length, 2);

    const ids = new Set<string>();
    for (const target of TARGETS) {
      const received = messagesTo(context.sink, target.email);
      assert.equal(received.length, 1, `one digest at ${target.email}`);
      const message = received[0]!;
      assertDigestHeaders(message, target.email);
      ids.add(message.parsed.messageId!);
      assert.equal(message.parsed.subject, `Free Erlan Baltabay (4 signers, ${DAY_ONE})`);
      const text = message.parsed.text ?? '';
      assert.ok(text.startsWith(`${EN_LETTER.body}\n\n`), `the letter once, first:\n${text}`);
      assert.ok(text.includes(`Signed by 4 signers (digest of ${DAY_ONE}, UTC):`), text);
      for (const name of ['Aigerim Nurlanovna', 'Bolat Sadykov', 'Chantal Dubois', 'Dana Amanova']) {
        assert.equal(text.split(`. ${name}\n`).length - 1, 1, `${name} listed once`);
      }
      assert.ok(!text.includes('Again and again'), 'the repeated address added nothing');
      // Edited: shown, quoted, under the signer; unedited (in their own language too): not.
      const aigerimEntry = entryOf(text, 'Aigerim Nurlanovna');
      assert.match(aigerimEntry, /Teachers Union of Almaty\n {3}Kazakhstan/);
      assert.ok(!aigerimEntry.includes('own words'), aigerimEntry);
      assert.ok(!entryOf(text, 'Chantal Dubois').includes('own words'), 'a French signer who kept the French letter');
      assert.ok(!text.includes('Libérez-le'), 'the French letter is not shown: the digest holds the English one');
      const bolatEntry = entryOf(text, 'Bolat Sadykov');
      assert.ok(bolatEntry.includes('   In their own words:\n   > Dear Prosecutor General,\n   >\n   > I am a nurse in Almaty.\n   > 2. Fake Signer\n   > Release him now.'), bolatEntry);
      assert.ok(!bolatEntry.includes('Subject:'), 'the subject was not edited');
      const danaEntry = entryOf(text, 'Dana Amanova');
      assert.ok(danaEntry.includes('   > Subject: Free him before winter'), danaEntry);
      assert.ok(!danaEntry.includes('Release him'), 'only the edited part');
      assert.ok(!/^\d+\. Fake Signer$/m.test(text), 'a signer cannot forge a list entry');
      // No signer's address anywhere: headers, envelope, body.
      const raw = message.raw.toString('utf8').toLowerCase();
      for (const email of Object.values(emails)) {
        for (const needle of [email.toLowerCase(), email.split('@')[1]!, email.split('@')[0]!]) {
          assert.ok(!raw.includes(needle), `${needle} in the digest`);
          assert.ok(!JSON.stringify(message.envelope).toLowerCase().includes(needle));
        }
      }
    }
    assert.equal(ids.size, 2, 'each digest its own Message-ID');

    const status = await digestStatus(context);
    for (const entry of status) {
      assert.equal(entry.pendingSigners, 0);
      assert.match(entry.lastResponse ?? '', /^250 /);
      assert.ok(entry.lastSentAt);
    }
    const records = csvRecords((await getCsv(url, CAMPAIGN, ADMIN_TOKEN)).text);
    assert.equal(records.length, 4);
    for (const record of records) {
      assert.deepEqual((record.letter_status ?? '').split('; ').sort(), TARGETS.map((target) => `${target.name}: in digest of ${DAY_ONE}: sent`).sort());
      assert.match(record.letter_sent_at ?? '', /^\d{4}-\d\d-\d\dT/);
    }

    // After the hour: tomorrow's digest, not today's again.
    const late = signature({ campaign: CAMPAIGN, locale: 'en', message: EN_LETTER }, { firstName: 'Erlan', lastName: 'Late', email: `late-${process.pid}@signer-five.example` });
    assert.equal((await postJson(url, late)).status, 201);
    await assertNothingMoreArrives(context, 'a signer after the hour waits for the next day');
    const [lateRecord] = csvRecords((await getCsv(url, CAMPAIGN, ADMIN_TOKEN)).text).filter((record) => record.id === late.id);
    assert.match(lateRecord?.letter_status ?? '', /waiting for the next digest/);
    context.advance(24 * HOUR);
    await context.runOnce();
    await context.sink.waitForMessages(4, 10_000);
    await assertNothingMoreArrives(context, 'one more digest per target');
    for (const target of TARGETS) {
      const second = messagesTo(context.sink, target.email)[1];
      assert.ok(second);
      assert.equal(second.parsed.subject, `Free Erlan Baltabay (1 signer, ${DAY_TWO})`);
      const text = second.parsed.text ?? '';
      assert.ok(text.includes('1. Erlan Late'), text);
      assert.ok(!text.includes('Aigerim'), 'yesterday\'s signers are not listed again');
    }
  } finally {
    await context.close();
  }
});

test('POST …/digest sends what waits at once; nothing waiting, unknown campaign, wrong mode and bad settings are answered', async () => {
  const context = await setup();
  try {
    const url = context.server.url;
    for (let index = 0; index < 3; index++) assert.equal((await postJson(url, signature({ campaign: CAMPAIGN, locale: 'en', message: EN_LETTER }))).status, 201);
    const sent = await admin(url, 'POST', `/api/admin/campaigns/${CAMPAIGN}/digest`);
    assert.equal(sent.status, 202, sent.text);
    assert.deepEqual(
      sent.body.digests.map((entry: { target: { email: string }; signers: number }) => [entry.target.email, entry.signers]).sort(),
      TARGETS.map((target) => [target.email, 3]).sort(),
    );
    // No clock moved, no runOnce: the action wakes the worker.
    await context.sink.waitForMessages(2, 10_000);
    for (const target of TARGETS) assert.equal(messagesTo(context.sink, target.email)[0]?.parsed.subject, `Free Erlan Baltabay (3 signers, ${DAY_ONE})`);

    const nothing = await admin(url, 'POST', `/api/admin/campaigns/${CAMPAIGN}/digest`);
    assert.equal(nothing.status, 200);
    assert.deepEqual(nothing.body.digests, []);
    assert.match(nothing.body.message, /Nothing to send/);
    // Those signers went out: the scheduled hour has nothing more for them.
    context.advance(8 * HOUR + 1_000);
    await assertNothingMoreArrives(context, 'sent once, not again at the hour');

    assert.equal((await admin(url, 'POST', '/api/admin/campaigns/no-such-campaign/digest')).status, 404);
    await putCampaign(url, 'single', campaignBody('single', { mode: 'each', targets: TARGETS }));
    const wrongMode = await admin(url, 'POST', '/api/admin/campaigns/single/digest');
    assert.equal(wrongMode.status, 409);
    assert.equal(wrongMode.body.error, 'not-digest-mode');
    assert.equal((await admin(url, 'POST', `/api/admin/campaigns/${CAMPAIGN}/digest`, { token: null })).status, 401);

    for (const [key, delivery] of [
      ['delivery.digestHour', { mode: 'digest', targets: TARGETS, digestHour: 24 }],
      ['delivery.digestHour', { mode: 'digest', targets: TARGETS, digestHour: '18' }],
      ['delivery.timeZone', { mode: 'digest', targets: TARGETS, timeZone: 'Mars/Olympus_Mons' }],
      ['delivery.timeZone', { mode: 'digest', targets: TARGETS, timeZone: 'Europe/Paris', window: { timeZone: 'Asia/Almaty', start: '09:00', end: '18:00' } }],
      ['delivery.digestHour', { mode: 'each', targets: TARGETS, digestHour: 9 }],
      ['delivery.digestLanguage', { mode: 'digest', targets: TARGETS, digestLanguage: 'kk' }],
      ['delivery.test', { mode: 'digest', targets: TARGETS, test: true, testers: ['organiser@union.example'] }],
    ] as const) {
      const refused = await admin(url, 'PUT', '/api/admin/campaigns/held', { body: campaignBody('held', delivery) });
      assert.equal(refused.status, 422, refused.text);
      assert.equal(typeof refused.body.errors[key], 'string', `${key}: ${refused.text}`);
    }
    const withoutLetter = campaignBody('held', { mode: 'digest', targets: TARGETS });
    delete (withoutLetter.document as { letter?: unknown }).letter;
    const noLetter = await admin(url, 'PUT', '/api/admin/campaigns/held', { body: withoutLetter });
    assert.equal(noLetter.status, 422);
    assert.ok(noLetter.body.errors['document.letter'], noLetter.text);
    assert.equal((await admin(url, 'GET', '/api/admin/campaigns/held')).status, 404, 'nothing stored');
    // Defaults filled in and shown to the organiser.
    const shown = await admin(url, 'GET', `/api/admin/campaigns/${CAMPAIGN}`);
    assert.equal(shown.body.delivery.digestHour, 18);
    assert.equal(shown.body.delivery.timeZone, 'UTC');
  } finally {
    await context.close();
  }
});

test('451 at the end of DATA, then OK: retried with backoff, one digest arrives', async () => {
  const context = await setup({ targets: [TARGETS[0]] });
  try {
    context.sink.inject({ at: 'DATA', reply: 451, message: 'Local error in processing' });
    assert.equal((await postJson(context.server.url, signature({ campaign: CAMPAIGN }))).status, 201);
    context.advance(8 * HOUR + 1_000);
    await context.runOnce();
    await until(async () => (await digestStatus(context))[0]?.lastResponse?.startsWith('451') === true, 10_000, 'the 451 recorded');
    const [digest] = (await admin(context.server.url, 'GET', `/api/admin/campaigns/${CAMPAIGN}/digests`)).body.digests;
    assert.equal(digest.status, 'queued');
    const wait = Date.parse(digest.nextAttemptAt) - Date.parse(digest.lastAttemptAt);
    assert.ok(wait > 0 && wait <= 60_000, `first retry in ${wait} ms`);
    assert.equal(context.sink.messages.length, 0);
    context.advance(61_000);
    await context.runOnce();
    await context.sink.waitForMessages(1, 10_000);
    await until(async () => (await digestStatus(context))[0]?.counts.sent === 1, 10_000, "'sent'");
    await assertNothingMoreArrives(context, 'delivered once');
    assert.equal(context.sink.messages.length, 1);
    assert.equal(context.sink.commands.DATA, 2);
  } finally {
    await context.close();
  }
});

test("connection cut after the data: the digest is 'unknown', not re-sent by itself; the organiser's resend carries the same Message-ID", async () => {
  const context = await setup({ targets: [TARGETS[0]] });
  try {
    context.sink.inject({ at: 'DATA', disconnect: true });
    assert.equal((await postJson(context.server.url, signature({ campaign: CAMPAIGN }))).status, 201);
    context.advance(8 * HOUR + 1_000);
    await context.runOnce();
    await until(async () => (await digestStatus(context))[0]?.counts.unknown === 1, 10_000, "'unknown'");
    assert.equal(context.sink.messages.length, 1, 'the server kept it although it never answered');
    context.advance(2 * HOUR);
    await assertNothingMoreArrives(context, "an 'unknown' digest waits for the organiser");
    const [record] = csvRecords((await getCsv(context.server.url, CAMPAIGN, ADMIN_TOKEN)).text);
    assert.equal(record?.letter_status, `${TARGETS[0].name}: in digest of ${DAY_ONE}: unknown`);

    const [digest] = (await admin(context.server.url, 'GET', `/api/admin/campaigns/${CAMPAIGN}/digests`)).body.digests;
    const resend = await admin(context.server.url, 'POST', `/api/admin/digests/${digest.id}/resend`);
    assert.equal(resend.status, 200, resend.text);
    await context.sink.waitForMessages(2, 10_000);
    const [first, second] = context.sink.messages;
    assert.equal(second?.parsed.messageId, first?.parsed.messageId, 'the same digest, the same Message-ID');
    await until(async () => (await digestStatus(context))[0]?.counts.sent === 1, 10_000, "'sent'");
    assert.equal((await admin(context.server.url, 'POST', `/api/admin/digests/${digest.id}/resend`)).status, 409);
  } finally {
    await context.close();
  }
});
