/** The pure parts of daily digests: settings, the digest hour in a zone, edited words, the text and the message. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { composeDigest, digestMessageId, digestSubject, digestText, signerEntry } from '../src/letters/compose-digest.ts';
import { parseDeliverySettings } from '../src/letters/delivery-settings.ts';
import type { DigestToSend } from '../src/letters/letter-types.ts';
import { editedWords } from '../src/letters/letters-for-signature.ts';
import { latestDigestTime, localDate, nextDigestTime } from '../src/letters/retry-schedule.ts';

const TARGETS = [{ name: 'Prosecutor General', email: 'office@prosecutor.example' }];

test('digest settings: defaults, the window\'s zone, and clear errors', () => {
  const plain = parseDeliverySettings({ mode: 'digest', targets: TARGETS });
  assert.ok(plain.ok);
  assert.equal(plain.settings.digestHour, 18);
  assert.equal(plain.settings.timeZone, 'UTC');
  const windowed = parseDeliverySettings({ mode: 'digest', targets: TARGETS, digestHour: 9, window: { timeZone: 'Asia/Almaty', start: '08:00', end: '18:00' } });
  assert.ok(windowed.ok);
  assert.equal(windowed.settings.timeZone, 'Asia/Almaty');
  assert.equal(windowed.settings.digestHour, 9);
  const each = parseDeliverySettings({ mode: 'each', targets: TARGETS });
  assert.ok(each.ok);
  assert.equal(each.settings.digestHour, undefined, 'no digest keys outside mode digest');
  for (const [delivery, key] of [
    [{ mode: 'digest', targets: TARGETS, digestHour: -1 }, 'delivery.digestHour'],
    [{ mode: 'digest', targets: TARGETS, digestHour: 7.5 }, 'delivery.digestHour'],
    [{ mode: 'digest', targets: TARGETS, timeZone: 'Nowhere/City' }, 'delivery.timeZone'],
    [{ mode: 'digest', targets: TARGETS, digestLanguage: 'English!' }, 'delivery.digestLanguage'],
    [{ mode: 'each', targets: TARGETS, timeZone: 'UTC' }, 'delivery.timeZone'],
    [{ mode: 'off', digestLanguage: 'en' }, 'delivery.digestLanguage'],
  ] as const) {
    const parsed = parseDeliverySettings(delivery);
    assert.ok(!parsed.ok && typeof parsed.errors[key] === 'string', `${JSON.stringify(delivery)} → ${key}`);
  }
});

test('the digest hour in the target\'s zone, across midnight and a DST change', () => {
  // Almaty is UTC+5 (no DST since 2024): 18:00 local is 13:00 UTC.
  const almaty = 'Asia/Almaty';
  const morning = Date.UTC(2026, 10, 27, 4, 0); // 09:00 in Almaty
  assert.equal(latestDigestTime(morning, 18, almaty), Date.UTC(2026, 10, 26, 13, 0), 'yesterday\'s 18:00');
  assert.equal(nextDigestTime(morning, 18, almaty), Date.UTC(2026, 10, 27, 13, 0), 'today\'s 18:00');
  const exactly = Date.UTC(2026, 10, 27, 13, 0);
  assert.equal(latestDigestTime(exactly, 18, almaty), exactly, 'the hour itself has come');
  assert.equal(nextDigestTime(exactly, 18, almaty), Date.UTC(2026, 10, 28, 13, 0), 'a signature at 18:00 goes tomorrow');
  // 19:30 UTC is already 00:30 of the next day in Almaty.
  assert.equal(localDate(Date.UTC(2026, 10, 27, 19, 30), almaty), '2026-11-28');
  assert.equal(localDate(Date.UTC(2026, 10, 27, 19, 30), 'UTC'), '2026-11-27');
  // Paris moves from UTC+1 to UTC+2 on 29 March 2026: 18:00 is 17:00 UTC the day before, 16:00 UTC after.
  const paris = 'Europe/Paris';
  assert.equal(nextDigestTime(Date.UTC(2026, 2, 28, 12), 18, paris), Date.UTC(2026, 2, 28, 17));
  assert.equal(nextDigestTime(Date.UTC(2026, 2, 28, 17), 18, paris), Date.UTC(2026, 2, 29, 16));
  assert.equal(latestDigestTime(Date.UTC(2026, 2, 29, 16, 30), 18, paris), Date.UTC(2026, 2, 29, 16));
});

test('edited words: only the parts a signer changed, ignoring line endings and trailing space', () => {
  const original = { subject: 'Free him', body: 'Dear Sir,\n\nRelease him.' };
  assert.deepEqual(editedWords({ subject: 'Free him', body: 'Dear Sir,\r\n\r\nRelease him.  \n' }, original), { subject: null, body: null });
  assert.deepEqual(editedWords({ subject: 'Free him now', body: original.body }, original), { subject: 'Free him now', body: null });
  assert.deepEqual(editedWords({ subject: '', body: 'My own letter' }, original), { subject: null, body: 'My own letter' });
  assert.deepEqual(editedWords(undefined, original), { subject: null, body: null });
  assert.deepEqual(editedWords({ body: 'Only mine' }, undefined), { subject: null, body: 'Only mine' });
});

const DIGEST: DigestToSend = {
  id: '6f1c1a52-1f0a-4b8e-9a34-0c6f6f2f1b10',
  campaign: 'free-baltabay',
  attempts: 1,
  createdAt: 0,
  firstAttemptAt: 0,
  recipient: TARGETS[0]!,
  day: '2026-11-27',
  timeZone: 'Asia/Almaty',
  letter: { subject: 'Free Erlan Baltabay', body: 'Dear Prosecutor General,\r\n\r\nRelease him.' },
  signers: [
    { name: 'Aigerim Nurlanovna', organisation: 'Teachers Union', country: 'KZ' },
    { name: 'Bolat\u2028Bcc: spy@evil.example', edited: { body: 'I am a nurse.\n\n2. Forged Entry\nRelease him.' } },
    { name: 'Chantal', country: 'FR', edited: { subject: 'Libérez-le\r\nBcc: x@y.example' } },
  ],
};

test('the digest text: the letter once, then each signer numbered, their own words quoted under them', () => {
  assert.equal(digestText(DIGEST), [
    'Dear Prosecutor General,',
    '',
    'Release him.',
    '',
    'Signed by 3 signers (digest of 2026-11-27, Asia/Almaty):',
    '',
    '1. Aigerim Nurlanovna',
    '   Teachers Union',
    '   Kazakhstan',
    '',
    '2. Bolat Bcc: spy@evil.example',
    '   In their own words:',
    '   > I am a nurse.',
    '   >',
    '   > 2. Forged Entry',
    '   > Release him.',
    '',
    '3. Chantal',
    '   France',
    '   In their own words:',
    '   > Subject: Libérez-le Bcc: x@y.example',
    '   >',
    '',
  ].join('\n'));
  assert.equal(signerEntry({ name: '   ' }, 0), '1. (no name given)');
  assert.equal(digestSubject('Free\r\nBcc: x@y.example', 1, '2026-11-27'), 'Free Bcc: x@y.example (1 signer, 2026-11-27)');
  assert.equal(digestSubject('', 2, '2026-11-27'), 'A letter (2 signers, 2026-11-27)');
  assert.ok(digestSubject('x'.repeat(500), 12000, '2026-11-27').length <= 200);
});

test('the digest message: From MAIL_FROM alone, one recipient, a stable Message-ID, the envelope spelled out', () => {
  const message = composeDigest(DIGEST, '"Demo Union" <letters@union.example>');
  assert.deepEqual(message.from, { name: 'Demo Union', address: 'letters@union.example' });
  assert.deepEqual(message.to, { name: 'Prosecutor General', address: 'office@prosecutor.example' });
  assert.deepEqual(message.envelope, { from: 'letters@union.example', to: ['office@prosecutor.example'] });
  assert.equal(message.subject, 'Free Erlan Baltabay (3 signers, 2026-11-27)');
  assert.equal(message.messageId, '<digest-6f1c1a52-1f0a-4b8e-9a34-0c6f6f2f1b10@union.example>');
  assert.equal(composeDigest({ ...DIGEST, attempts: 4 }, '"Demo Union" <letters@union.example>').messageId, message.messageId, 'the same on a retry');
  assert.equal(digestMessageId('../x@y', 'a@b.example'), '<digest-xy@b.example>');
  assert.equal(message.replyTo, undefined);
  assert.throws(() => composeDigest({ ...DIGEST, recipient: { name: 'x', email: 'a@b.example, spy@evil.example' } }, 'letters@union.example'));
});
