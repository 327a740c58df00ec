/**
 * Letters through the real receiver (SPEC §9): a signature POSTed over HTTP, the campaign set up
 * through the admin API, letters sent by the receiver's own worker to a real SMTP server (the
 * sink, with fault injection), statuses read back through the admin API. The worker-level cases
 * live in letters-worker.test.ts; these check that the receiver wires them together.
 *
 * Time: the receiver's worker runs on a clock the test can move (BuildAppOptions.letterWorker.now),
 * with the production retry schedule, so "first retry within a minute" is checked as shipped and
 * a retry is made due by moving the clock, not by waiting. "Nothing more arrives" is checked after
 * forcing a round (runOnce) and a quiet 1.5 s.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startSmtpSink, type SinkMessage, type SmtpSink } from '../src/dev/smtp-sink.ts';
import { csvRecords, getCsv, postForm, postJson, signature, spawnMain, tempDir, waitForExit, type TestServer } from './helpers.ts';
import { assertNothingMoreArrives, MAIL_FROM, messagesTo, QUIET_MS, startMailReceiver } from './support/mail-receiver.ts';
import { admin, ADMIN_TOKEN, campaignBody, putCampaign, sleep, TARGETS, until } from './support/admin.ts';

const FROM_ADDRESS = 'letters@union.example';
const CAMPAIGN = 'free-baltabay';
const ONE_TARGET = [TARGETS[0]];

interface LetterView {
  id: string;
  target: { name: string; email: string };
  status: string;
  attempts: number;
  lastResponse: string | null;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
  sentAt: string | null;
}

interface Setup {
  sink: SmtpSink;
  server: TestServer;
  /** Moves the worker's clock forward. */
  advance(ms: number): void;
  letters(status?: string): Promise<LetterView[]>;
  /** Forces a worker round now. */
  runOnce(): Promise<number>;
  close(): Promise<void>;
}

async function setup(targets: readonly { name: string; email: string }[] = TARGETS): Promise<Setup> {
  const receiver = await startMailReceiver();
  const { server } = receiver;
  const result: Setup = {
    ...receiver,
    async letters(status) {
      const answer = await admin(server.url, 'GET', `/api/admin/campaigns/${CAMPAIGN}/letters${status ? `?status=${status}` : ''}`);
      assert.equal(answer.status, 200, answer.text);
      return answer.body.letters as LetterView[];
    },
  };
  try {
    // Through the admin API, as an organiser would: the real path from PUT to the worker.
    await putCampaign(server.url, CAMPAIGN, campaignBody(CAMPAIGN, { mode: 'each', targets }));
  } catch (error) {
    await result.close();
    throw error;
  }
  return result;
}

const headerPart = (message: SinkMessage): string => {
  const end = message.raw.indexOf('\r\n\r\n');
  return message.raw.subarray(0, end < 0 ? message.raw.length : end).toString('latin1');
};


/** Headers a letter may carry; anything else (Bcc, Cc, Reply-To, a second To…) is an injection. */
const EXPECTED_HEADERS = new Set(['from', 'to', 'subject', 'message-id', 'date', 'mime-version', 'content-type', 'content-transfer-encoding']);

function assertCleanHeaders(message: SinkMessage, target: string): void {
  const names = [...message.parsed.headers.keys()];
  for (const name of names) assert.ok(EXPECTED_HEADERS.has(name), `unexpected header ${name} in\n${headerPart(message)}`);
  const lines = headerPart(message).split('\r\n').filter((line) => /^[!-9;-~]+:/.test(line)).map((line) => line.slice(0, line.indexOf(':')).toLowerCase());
  assert.equal(lines.filter((name) => name === 'to').length, 1, 'one To header');
  assert.equal(lines.filter((name) => name === 'from').length, 1, 'one From header');
  assert.equal(lines.filter((name) => name === 'subject').length, 1, 'one Subject header');
  const to = message.parsed.to;
  assert.ok(to && !Array.isArray(to));
  assert.deepEqual(to.value.map((address) => address.address), [target]);
  assert.deepEqual(message.parsed.from?.value.map((address) => address.address), [FROM_ADDRESS]);
  assert.equal(message.parsed.cc, undefined);
  assert.equal(message.parsed.bcc, undefined);
  assert.equal(message.parsed.replyTo, undefined);
  assert.deepEqual(message.envelope, { from: FROM_ADDRESS, to: [target] });
}

test('a signature with an edited letter: one message at each target, from MAIL_FROM, the signer\'s address nowhere in headers or envelope', async () => {
  const context = await setup();
  try {
    const email = `Aigerim.Nurlanovna+appeal-${process.pid}@Signer-Mail.example`;
    const payload = signature(
      { campaign: CAMPAIGN, locale: 'en', message: { subject: 'Please release Erlan Baltabay this week', body: 'Dear Sir,\n\nI write as a teacher: release him (edited by me).' } },
      { firstName: 'Aigerim', lastName: 'Nurlanovna', email, organisation: 'Teachers Union of Almaty', country: 'KZ' },
    );
    const answer = await postJson(context.server.url, payload);
    assert.equal(answer.status, 201);
    assert.deepEqual(answer.body, { ok: true, count: 1, letter: 'queued' });

    await context.sink.waitForMessages(2, 10_000);
    await until(async () => (await context.letters()).every((letter) => letter.status === 'sent'), 10_000, "both letters 'sent'");
    const messageIds = new Set<string>();
    for (const target of TARGETS) {
      const received = messagesTo(context.sink, target.email);
      assert.equal(received.length, 1, `exactly one message at ${target.email}`);
      const message = received[0]!;
      assertCleanHeaders(message, target.email);
      assert.match(message.parsed.from?.value[0]?.name ?? '', /Aigerim Nurlanovna/);
      assert.equal(message.parsed.subject, 'Please release Erlan Baltabay this week');
      const text = message.parsed.text ?? '';
      assert.ok(text.includes('Dear Sir,\n\nI write as a teacher: release him (edited by me).'), text);
      assert.ok(text.includes('Aigerim Nurlanovna'), text);
      assert.ok(text.includes('Teachers Union of Almaty'), text);
      assert.ok(text.includes('Kazakhstan'), text);
      // The signer's address: not in the envelope, not in any header, not in the body either.
      const raw = message.raw.toString('latin1').toLowerCase();
      for (const needle of [email.toLowerCase(), 'aigerim.nurlanovna+appeal', 'signer-mail.example']) {
        assert.ok(!headerPart(message).toLowerCase().includes(needle), `${needle} in the headers:\n${headerPart(message)}`);
        assert.ok(!raw.includes(needle), `${needle} in the message`);
        assert.ok(!JSON.stringify(message.envelope).toLowerCase().includes(needle));
      }
      assert.ok(message.parsed.messageId);
      messageIds.add(message.parsed.messageId);
    }
    assert.equal(messageIds.size, 2, 'each letter has its own Message-ID');
    assert.equal(context.sink.messages.length, 2);

    // The organiser sees them sent, with the SMTP answer, and the export says so.
    const inspected = await admin(context.server.url, 'GET', `/api/admin/campaigns/${CAMPAIGN}`);
    for (const entry of inspected.body.letters) {
      assert.equal(entry.counts.sent, 1);
      assert.equal(entry.counts.queued, 0);
      assert.match(entry.lastResponse, /^250 /);
      assert.ok(entry.lastSentAt);
    }
    const [record] = csvRecords((await getCsv(context.server.url, CAMPAIGN, ADMIN_TOKEN)).text);
    assert.deepEqual((record?.letter_status ?? '').split('; ').sort(), TARGETS.map((target) => `${target.name}: sent`).sort());
    assert.match(record?.letter_sent_at ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  } finally {
    await context.close();
  }
});

test('a retried id and a repeated address answer like a new signature, and nothing more is sent', async () => {
  const context = await setup();
  try {
    const payload = signature({ campaign: CAMPAIGN });
    const first = await postJson(context.server.url, payload);
    assert.equal(first.status, 201);
    await context.sink.waitForMessages(2, 10_000);
    await until(async () => (await context.letters()).every((letter) => letter.status === 'sent'), 10_000, "'sent'");

    const retried = await postJson(context.server.url, payload);
    assert.equal(retried.status, 200);
    assert.deepEqual(retried.body, first.body);
    const email = payload.signer.email;
    const repeats = [
      await postJson(context.server.url, signature({ campaign: CAMPAIGN }, { email })),
      await postJson(context.server.url, signature({ campaign: CAMPAIGN, message: { subject: 'Another subject', body: 'Another body' } }, { email: ` ${email.toUpperCase()} `, firstName: 'Someone', lastName: 'Else' })),
      await postForm(context.server.url, { id: crypto.randomUUID(), campaign: CAMPAIGN, created_at: '2026-11-27T18:00:00.000Z', email, first_name: 'Form' }),
    ];
    for (const repeat of repeats) {
      assert.equal(repeat.status, 201, 'a repeated address looks exactly like a new signature');
      assert.deepEqual(repeat.body, first.body);
    }
    await assertNothingMoreArrives(context, 'no letter for a retry or a repeated address');
    assert.equal(context.sink.messages.length, 2);
    const letters = await context.letters();
    assert.equal(letters.length, 2, 'still one letter per target');
    assert.ok(letters.every((letter) => letter.status === 'sent' && letter.attempts === 1));
  } finally {
    await context.close();
  }
});

test('header injection: line breaks and control characters in subject or name are refused; what passes adds no header', async () => {
  const context = await setup();
  try {
    const separators = ['\u2028', '\u2029', '\u0085', '\r\n', '\n', '\r', '\u000B', '\u000C', '\u001B', '\t', '\u0000'];
    for (const separator of separators) {
      const injected = `Free him${separator}Bcc: spy@evil.example`;
      const shown = JSON.stringify(separator);
      const subject = await postJson(context.server.url, signature({ campaign: CAMPAIGN, message: { subject: injected, body: 'Release him.' } }));
      assert.equal(subject.status, 422, `subject with ${shown}`);
      assert.equal(typeof (subject.body.errors as Record<string, string>)['message.subject'], 'string', `subject with ${shown}`);
      for (const field of ['firstName', 'lastName', 'name', 'organisation']) {
        const name = await postJson(context.server.url, signature({ campaign: CAMPAIGN }, { [field]: `Eve${separator}Bcc: spy@evil.example` }));
        assert.equal(name.status, 422, `${field} with ${shown}`);
        assert.equal(typeof (name.body.errors as Record<string, string>)[field], 'string', `${field} with ${shown}`);
      }
    }
    for (const separator of ['\u2028', '\u2029', '\u0085', '\u000B', '\u001B']) {
      const body = await postJson(context.server.url, signature({ campaign: CAMPAIGN, message: { subject: 'Free him', body: `Release him.${separator}Bcc: spy@evil.example` } }));
      assert.equal(body.status, 422, `body with ${JSON.stringify(separator)}`);
    }
    const form = await postForm(context.server.url, {
      id: crypto.randomUUID(), campaign: CAMPAIGN, created_at: '2026-11-27T18:00:00.000Z', email: 'form-signer@example.org',
      first_name: 'Eve', message_subject: 'Free him\r\nBcc: spy@evil.example', message_body: 'Release him.',
    });
    assert.equal(form.status, 422);
    assert.equal(context.sink.messages.length, 0);
    assert.equal((await context.letters()).length, 0, 'nothing refused was recorded');

    // What the schema lets through but looks like an address, an encoded word or SMTP itself.
    const accepted = await postJson(context.server.url, signature(
      {
        campaign: CAMPAIGN,
        message: {
          subject: '=?utf-8?q?Free_him=0D=0ABcc:_spy@evil.example?= "Cc: spy@evil.example" <spy@evil.example>',
          body: 'Dear Sir,\r\n\r\nBcc: spy@evil.example\r\n.\r\nMAIL FROM:<spy@evil.example>\r\nRCPT TO:<spy@evil.example>\r\nDATA\r\nSubject: smuggled\r\n\r\nhi\r\n.\r\n',
        },
      },
      { firstName: 'Eve <spy@evil.example>, Mallory', lastName: '"Bcc: spy@evil.example"', organisation: 'To: spy@evil.example' },
    ));
    assert.equal(accepted.status, 201);
    await context.sink.waitForMessages(2, 10_000);
    await assertNothingMoreArrives(context, 'no smuggled message');
    assert.equal(context.sink.messages.length, 2);
    assert.equal(context.sink.commands.RCPT, 2, 'one recipient per letter, nothing else');
    for (const target of TARGETS) {
      const [message] = messagesTo(context.sink, target.email);
      assert.ok(message, target.email);
      assertCleanHeaders(message, target.email);
      assert.ok(!message.envelope.to.includes('spy@evil.example'));
      assert.ok((message.parsed.text ?? '').includes('MAIL FROM:<spy@evil.example>'), 'the body is text, kept as such');
    }
    assert.equal(context.sink.messages.filter((message) => message.envelope.to.includes('spy@evil.example')).length, 0);
  } finally {
    await context.close();
  }
});

test('a payload cannot add or choose a recipient', async () => {
  const context = await setup();
  try {
    const base = signature({ campaign: CAMPAIGN });
    const cases: [string, Record<string, unknown>, string][] = [
      ['message.to', { ...base, message: { ...base.message, to: 'spy@evil.example' } }, 'message.to'],
      ['message.cc', { ...base, message: { ...base.message, cc: 'spy@evil.example' } }, 'message.cc'],
      ['message.bcc', { ...base, message: { ...base.message, bcc: ['spy@evil.example'] } }, 'message.bcc'],
      ['message.replyTo', { ...base, message: { ...base.message, replyTo: 'spy@evil.example' } }, 'message.replyTo'],
      ['to', { ...base, to: 'spy@evil.example' }, 'to'],
      ['targets', { ...base, targets: [{ name: 'Spy', email: 'spy@evil.example' }] }, 'targets'],
      ['delivery', { ...base, delivery: { mode: 'each', targets: [{ name: 'Spy', email: 'spy@evil.example' }] } }, 'delivery'],
      ['recipient', { ...base, recipient: 'spy@evil.example' }, 'recipient'],
      ['signer.to', { ...base, signer: { ...base.signer, to: 'spy@evil.example' } }, 'to'],
    ];
    for (const [what, payload, key] of cases) {
      const answer = await postJson(context.server.url, payload);
      assert.equal(answer.status, 422, what);
      assert.equal(typeof (answer.body.errors as Record<string, string>)[key], 'string', `${what}: ${JSON.stringify(answer.body)}`);
    }
    for (const field of ['message_to', 'to', 'bcc', 'target_email']) {
      const answer = await postForm(context.server.url, {
        id: crypto.randomUUID(), campaign: CAMPAIGN, created_at: '2026-11-27T18:00:00.000Z', email: 'form-signer@example.org', [field]: 'spy@evil.example',
      });
      assert.equal(answer.status, 422, field);
    }
    assert.equal((await admin(context.server.url, 'GET', `/api/admin/campaigns/${CAMPAIGN}`)).body.count, 0, 'nothing stored');
    assert.equal(await context.runOnce(), 0);
    assert.equal(context.sink.messages.length, 0);
    assert.equal(context.sink.commands.MAIL, 0);
  } finally {
    await context.close();
  }
});

test('SMTP down at the time of signing, then up: retried within a minute, delivered once', async () => {
  const context = await setup();
  try {
    await context.sink.down();
    const answer = await postJson(context.server.url, signature({ campaign: CAMPAIGN }));
    assert.equal(answer.status, 201);
    assert.equal(answer.body.letter, 'queued');
    await until(async () => (await context.letters()).every((letter) => letter.attempts === 1 && letter.lastResponse !== null), 10_000, 'a first attempt');
    for (const letter of await context.letters()) {
      assert.equal(letter.status, 'queued');
      assert.match(letter.lastResponse ?? '', /ECONNREFUSED|ECONNECTION/);
      const wait = Date.parse(letter.nextAttemptAt!) - Date.parse(letter.lastAttemptAt!);
      assert.ok(wait > 0 && wait <= 60_000, `first retry in ${wait} ms`);
    }
    await context.sink.up();
    context.advance(61_000);
    await context.runOnce();
    await context.sink.waitForMessages(2, 10_000);
    await until(async () => (await context.letters()).every((letter) => letter.status === 'sent'), 10_000, "'sent'");
    await assertNothingMoreArrives(context, 'delivered once');
    for (const target of TARGETS) assert.equal(messagesTo(context.sink, target.email).length, 1);
  } finally {
    await context.close();
  }
});

test('421 at MAIL FROM, 452 at RCPT TO, 451 at the end of DATA: each retried, the letter delivered once', async () => {
  const context = await setup(ONE_TARGET);
  try {
    context.sink.inject(
      { at: 'MAIL', reply: 421, message: 'Too busy, come back later' },
      { at: 'RCPT', reply: 452, message: 'Mailbox full for now' },
      { at: 'DATA', reply: 451, message: 'Local error in processing' },
    );
    assert.equal((await postJson(context.server.url, signature({ campaign: CAMPAIGN }))).status, 201);
    const expected: [number, RegExp][] = [[1, /^421 /], [2, /^452 /], [3, /^451 /]];
    for (const [attempts, response] of expected) {
      if (attempts > 1) {
        context.advance(2 * 60 * 60 * 1000);
        await context.runOnce();
      }
      await until(async () => {
        const [letter] = await context.letters();
        return letter?.attempts === attempts && letter.status !== 'sending';
      }, 10_000, `attempt ${attempts} recorded`);
      const [letter] = await context.letters();
      assert.equal(letter?.status, 'queued', `after attempt ${attempts}: ${letter?.lastResponse}`);
      assert.match(letter?.lastResponse ?? '', response);
      const wait = Date.parse(letter!.nextAttemptAt!) - Date.parse(letter!.lastAttemptAt!);
      assert.ok(wait > 0 && wait <= (attempts === 1 ? 60_000 : 60 * 60 * 1000), `retry ${attempts} in ${wait} ms`);
      // Shown to the organiser per target too.
      const inspected = await admin(context.server.url, 'GET', `/api/admin/campaigns/${CAMPAIGN}`);
      assert.match(inspected.body.letters[0].lastResponse, response);
      assert.equal(inspected.body.letters[0].counts.queued, 1);
    }
    assert.equal(context.sink.messages.length, 0);
    context.advance(2 * 60 * 60 * 1000);
    await context.runOnce();
    await context.sink.waitForMessages(1, 10_000);
    await until(async () => (await context.letters())[0]?.status === 'sent', 10_000, "'sent'");
    await assertNothingMoreArrives(context, 'delivered once');
    assert.equal(context.sink.messages.length, 1);
    assert.equal(context.sink.commands.DATA, 2, 'one refused DATA, one accepted');
    assert.equal((await context.letters())[0]?.attempts, 4);
  } finally {
    await context.close();
  }
});

test('550: failed, with the SMTP answer in the admin API, and nothing more is sent', async () => {
  const context = await setup(ONE_TARGET);
  try {
    context.sink.inject({ at: 'RCPT', reply: 550, message: 'No such mailbox here' });
    assert.equal((await postJson(context.server.url, signature({ campaign: CAMPAIGN }))).status, 201);
    await until(async () => (await context.letters())[0]?.status === 'failed', 10_000, "'failed'");
    const inspected = await admin(context.server.url, 'GET', `/api/admin/campaigns/${CAMPAIGN}`);
    const [entry] = inspected.body.letters;
    assert.equal(entry.counts.failed, 1);
    assert.equal(entry.counts.queued, 0);
    assert.match(entry.lastResponse, /^550 .*No such mailbox here/);
    const [letter] = await context.letters('failed');
    assert.match(letter?.lastResponse ?? '', /^550 /);
    assert.equal(letter?.nextAttemptAt, null);
    context.advance(49 * 60 * 60 * 1000);
    await assertNothingMoreArrives(context, 'a permanent failure is not retried');
    assert.equal(context.sink.commands.RCPT, 1);
    assert.equal(context.sink.messages.length, 0);
    const [record] = csvRecords((await getCsv(context.server.url, CAMPAIGN, ADMIN_TOKEN)).text);
    assert.equal(record?.letter_status, `${TARGETS[0].name}: failed`);
  } finally {
    await context.close();
  }
});

test("connection cut after the data: 'unknown', not re-sent by itself; the organiser's resend sends it again", async () => {
  const context = await setup(ONE_TARGET);
  try {
    context.sink.inject({ at: 'DATA', disconnect: true });
    assert.equal((await postJson(context.server.url, signature({ campaign: CAMPAIGN }))).status, 201);
    await until(async () => (await context.letters())[0]?.status === 'unknown', 10_000, "'unknown'");
    assert.equal(context.sink.messages.length, 1, 'the server kept it although it never answered');
    const inspected = await admin(context.server.url, 'GET', `/api/admin/campaigns/${CAMPAIGN}`);
    assert.equal(inspected.body.letters[0].counts.unknown, 1);
    context.advance(60 * 60 * 1000);
    await assertNothingMoreArrives(context, "an 'unknown' letter waits for the organiser");

    const unknown = await context.letters('unknown');
    assert.equal(unknown.length, 1);
    assert.deepEqual(unknown[0]?.target, TARGETS[0]);
    assert.equal((await context.letters('sent')).length, 0);
    const resend = await admin(context.server.url, 'POST', `/api/admin/letters/${unknown[0]!.id}/resend`);
    assert.equal(resend.status, 200, resend.text);
    assert.deepEqual(resend.body, { ok: true, id: unknown[0]!.id, status: 'queued' });
    await context.sink.waitForMessages(2, 10_000);
    await until(async () => (await context.letters())[0]?.status === 'sent', 10_000, "'sent'");
    const [first, second] = context.sink.messages;
    assert.equal(second?.parsed.messageId, first?.parsed.messageId, 'the same letter, the same Message-ID');
    assert.equal((await admin(context.server.url, 'POST', `/api/admin/letters/${unknown[0]!.id}/resend`)).status, 409, 'a sent letter is not resent');
    await assertNothingMoreArrives(context, 'sent once more, and only once');
  } finally {
    await context.close();
  }
});

test('pause: new letters stay queued and nothing arrives; resume: they arrive', async () => {
  const context = await setup();
  try {
    const paused = await admin(context.server.url, 'POST', `/api/admin/campaigns/${CAMPAIGN}/pause`);
    assert.equal(paused.status, 200);
    const answer = await postJson(context.server.url, signature({ campaign: CAMPAIGN }));
    assert.equal(answer.status, 201);
    assert.equal(answer.body.letter, 'queued');
    await assertNothingMoreArrives(context, 'a paused campaign sends nothing');
    assert.equal(context.sink.commands.MAIL, 0);
    const inspected = await admin(context.server.url, 'GET', `/api/admin/campaigns/${CAMPAIGN}`);
    assert.equal(inspected.body.sendingPaused, true);
    assert.deepEqual(inspected.body.letters.map((entry: { counts: { queued: number } }) => entry.counts.queued), [1, 1]);

    const resumed = await admin(context.server.url, 'POST', `/api/admin/campaigns/${CAMPAIGN}/resume`);
    assert.equal(resumed.status, 200);
    // Resuming wakes the worker: no runOnce here.
    await context.sink.waitForMessages(2, 10_000);
    await until(async () => (await context.letters()).every((letter) => letter.status === 'sent'), 10_000, "'sent'");
    for (const target of TARGETS) assert.equal(messagesTo(context.sink, target.email).length, 1);
  } finally {
    await context.close();
  }
});

test('a target removed, or single letters turned off, while letters wait: those letters are cancelled, never sent', async () => {
  const context = await setup();
  try {
    const url = context.server.url;
    assert.equal((await admin(url, 'POST', `/api/admin/campaigns/${CAMPAIGN}/pause`)).status, 200);
    assert.equal((await postJson(url, signature({ campaign: CAMPAIGN }))).status, 201);
    // The organiser drops the second target (say, it was a typo) while the letters wait.
    const [kept, dropped] = TARGETS;
    assert.equal((await putCampaign(url, CAMPAIGN, campaignBody(CAMPAIGN, { mode: 'each', targets: [kept!] }))).status, 200);
    assert.equal((await admin(url, 'POST', `/api/admin/campaigns/${CAMPAIGN}/resume`)).status, 200);
    await context.sink.waitForMessages(1, 10_000);
    await until(async () => (await context.letters()).every((letter) => letter.status !== 'queued'), 10_000, 'no letter queued');
    await assertNothingMoreArrives(context, 'nothing to the removed target');
    assert.equal(messagesTo(context.sink, kept!.email).length, 1);
    assert.equal(messagesTo(context.sink, dropped!.email).length, 0);
    assert.deepEqual((await context.letters()).map((letter) => letter.status).sort(), ['cancelled', 'sent']);

    // Then single letters are turned off altogether: a waiting letter is cancelled too.
    assert.equal((await admin(url, 'POST', `/api/admin/campaigns/${CAMPAIGN}/pause`)).status, 200);
    assert.equal((await postJson(url, signature({ campaign: CAMPAIGN }))).status, 201);
    assert.equal((await putCampaign(url, CAMPAIGN, campaignBody(CAMPAIGN, { mode: 'off', targets: [kept!] }))).status, 200);
    assert.equal((await admin(url, 'POST', `/api/admin/campaigns/${CAMPAIGN}/resume`)).status, 200);
    await until(async () => (await context.letters()).every((letter) => letter.status !== 'queued'), 10_000, 'no letter queued');
    await assertNothingMoreArrives(context, 'nothing after mode off');
    assert.equal(context.sink.messages.length, 1);
  } finally {
    await context.close();
  }
});

test('what cannot be sent yet is refused; test mode writes to the signer; a signature that makes no letter is told so', async () => {
  const context = await setup();
  try {
    const url = context.server.url;
    const lettersOf = async (campaign: string) => (await admin(url, 'GET', `/api/admin/campaigns/${campaign}/letters`)).body.letters as LetterView[];
    // What cannot be carried out is refused, never stored as if it were: confirmation without
    // PUBLIC_URL (this receiver has none), confirm or Reply-To with digests (letters-confirm.test.ts
    // covers the rest).
    for (const [key, delivery] of [
      ['delivery.confirm', { mode: 'each', targets: TARGETS, confirm: true }],
      ['delivery.confirm', { mode: 'digest', targets: TARGETS, confirm: true }],
      ['delivery.replyTo', { mode: 'digest', targets: TARGETS, replyTo: 'signer-if-agreed' }],
    ] as const) {
      const refused = await admin(url, 'PUT', '/api/admin/campaigns/held', { body: campaignBody('held', delivery) });
      assert.equal(refused.status, 422, refused.text);
      assert.ok(refused.body.errors[key], `${key} named: ${refused.text}`);
    }
    assert.equal((await admin(url, 'GET', '/api/admin/campaigns/held')).status, 404, 'nothing stored');
    // test mode names the organisers who try it: nobody else's address can be made a recipient.
    const trialPayload = signature({ campaign: 'trial', message: { subject: 'Free him', body: 'Dear Sir,\n\nRelease him.' } });
    const missingTesters = await admin(url, 'PUT', '/api/admin/campaigns/trial', { body: campaignBody('trial', { mode: 'each', targets: TARGETS, test: true }) });
    assert.equal(missingTesters.status, 422, missingTesters.text);
    assert.ok(missingTesters.body.errors['delivery.testers'], missingTesters.text);
    await putCampaign(url, 'trial', campaignBody('trial', { mode: 'each', targets: TARGETS, test: true, testers: [trialPayload.signer.email.toUpperCase()] }));
    const withoutLetter = campaignBody('no-letter');
    delete (withoutLetter.document as { letter?: unknown }).letter;
    await putCampaign(url, 'no-letter', withoutLetter);

    // A payload without a message, for a campaign without a letter: no letter, and the answer says none.
    const { message: _message, ...noMessage } = signature({ campaign: 'no-letter' });
    const none = await postJson(url, noMessage);
    assert.equal(none.status, 201);
    assert.equal(none.body.letter, 'none');
    // test mode: to the signer's own address, subject marked [TEST], never to a target.
    assert.equal((await postJson(url, trialPayload)).status, 201);
    // Someone not listed as a tester signs: stored, but no letter to the address they typed.
    const stranger = signature({ campaign: 'trial' }, { email: 'someone-else@victim.example' });
    assert.equal((await postJson(url, stranger)).status, 201);

    await context.sink.waitForMessages(2, 10_000);
    await assertNothingMoreArrives(context, 'only the two test letters');
    for (const message of context.sink.messages) {
      assert.deepEqual(message.envelope, { from: FROM_ADDRESS, to: [trialPayload.signer.email] });
      assert.equal(message.parsed.subject, '[TEST] Free him');
    }
    for (const target of TARGETS) assert.equal(messagesTo(context.sink, target.email).length, 0, `nothing to ${target.email}`);
    assert.equal(messagesTo(context.sink, 'someone-else@victim.example').length, 0, 'nothing to a non-tester');
    assert.deepEqual(await lettersOf('no-letter'), []);
  } finally {
    await context.close();
  }
});

/** A spawned receiver (main.ts) on `databasePath`, and admin/letters helpers for it. */
async function spawnReceiver(databasePath: string, smtpUrl: string | undefined) {
  const env: Record<string, string> = { DATABASE_PATH: databasePath, ADMIN_TOKEN, RATE_LIMIT_MAX: '1000', READ_RATE_LIMIT_MAX: '100000' };
  if (smtpUrl !== undefined) Object.assign(env, { SMTP_URL: smtpUrl, MAIL_FROM });
  const receiver = await spawnMain(env, []);
  return {
    ...receiver,
    async letters(): Promise<LetterView[]> {
      const answer = await admin(receiver.url, 'GET', `/api/admin/campaigns/${CAMPAIGN}/letters`);
      assert.equal(answer.status, 200, answer.text);
      return answer.body.letters as LetterView[];
    },
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (receiver.child.exitCode !== null || receiver.child.signalCode !== null) return;
      const exited = waitForExit(receiver.child);
      receiver.child.kill(signal);
      await exited;
    },
  };
}

test('SIGKILL while a letter is being handed to SMTP: after a restart it is unknown, never sent twice by itself', async () => {
  const sink = await startSmtpSink();
  const dir = tempDir();
  const databasePath = join(dir, 'signatures.sqlite');
  const receivers: Awaited<ReturnType<typeof spawnReceiver>>[] = [];
  try {
    sink.inject({ at: 'DATA', delayMs: 2_500 });
    const first = await spawnReceiver(databasePath, sink.url);
    receivers.push(first);
    await putCampaign(first.url, CAMPAIGN, campaignBody(CAMPAIGN, { mode: 'each', targets: ONE_TARGET }));
    assert.equal((await postJson(first.url, signature({ campaign: CAMPAIGN }))).status, 201);
    // The whole message is at the server, which has not answered yet: kill the receiver now.
    await until(() => sink.bodiesReceived === 1, 10_000, 'the message data at the sink');
    await first.kill('SIGKILL');

    const second = await spawnReceiver(databasePath, sink.url);
    receivers.push(second);
    const [letter] = await second.letters();
    assert.equal(letter?.status, 'unknown', JSON.stringify(letter));
    assert.match(letter?.lastResponse ?? '', /interrupted/);
    // The slow server did keep it: it arrived once, and the restarted receiver sends nothing more.
    await sink.waitForMessages(1, 10_000);
    await sleep(QUIET_MS);
    assert.equal(sink.messages.length, 1);
    assert.equal(sink.commands.DATA, 1);
    assert.equal((await second.letters())[0]?.status, 'unknown');
    const inspected = await admin(second.url, 'GET', `/api/admin/campaigns/${CAMPAIGN}`);
    assert.equal(inspected.body.letters[0].counts.unknown, 1);
  } finally {
    for (const receiver of receivers) await receiver.kill();
    await sink.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('SIGKILL while letters are only queued (SMTP down); restart with SMTP up: each delivered once', async () => {
  const sink = await startSmtpSink();
  const dir = tempDir();
  const databasePath = join(dir, 'signatures.sqlite');
  const receivers: Awaited<ReturnType<typeof spawnReceiver>>[] = [];
  try {
    await sink.down();
    const first = await spawnReceiver(databasePath, sink.url);
    receivers.push(first);
    await putCampaign(first.url, CAMPAIGN);
    const answer = await postJson(first.url, signature({ campaign: CAMPAIGN }));
    assert.equal(answer.status, 201);
    assert.equal(answer.body.letter, 'queued');
    await until(async () => (await first.letters()).every((letter) => letter.attempts === 1 && letter.status === 'queued' && letter.lastResponse !== null), 10_000, 'a failed first attempt');
    await first.kill('SIGKILL');

    // The receiver stays down past the retry time (15–30 s): say so to the database rather than wait.
    const db = new Database(databasePath);
    try {
      db.prepare("UPDATE letters SET next_attempt_at = ? WHERE status = 'queued'").run(Date.now());
    } finally {
      db.close();
    }
    await sink.up();
    const second = await spawnReceiver(databasePath, sink.url);
    receivers.push(second);
    await sink.waitForMessages(2, 15_000);
    await until(async () => (await second.letters()).every((letter) => letter.status === 'sent'), 10_000, "'sent'");
    await sleep(QUIET_MS);
    assert.equal(sink.messages.length, 2);
    for (const target of TARGETS) assert.equal(messagesTo(sink, target.email).length, 1, target.email);
  } finally {
    for (const receiver of receivers) await receiver.kill();
    await sink.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('without SMTP_URL the receiver says once, at start, that letters are not sent; they stay queued', async () => {
  const dir = tempDir();
  let receiver: Awaited<ReturnType<typeof spawnReceiver>> | undefined;
  try {
    receiver = await spawnReceiver(join(dir, 'signatures.sqlite'), undefined);
    await putCampaign(receiver.url, CAMPAIGN);
    for (let index = 0; index < 3; index++) {
      const answer = await postJson(receiver.url, signature({ campaign: CAMPAIGN }));
      assert.equal(answer.status, 201);
      assert.equal(answer.body.letter, 'queued');
    }
    await sleep(500);
    const letters = await receiver.letters();
    assert.equal(letters.length, 6);
    assert.ok(letters.every((letter) => letter.status === 'queued' && letter.attempts === 0));
    const output = receiver.output();
    const warnings = output.split('\n').filter((line) => /letters are recorded but not sent/.test(line));
    assert.equal(warnings.length, 1, output);
    assert.match(warnings[0]!, /SMTP_URL/);
    assert.match(output, /listening on .*letters queued, not sent: SMTP_URL is not set/);
  } finally {
    await receiver?.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});
