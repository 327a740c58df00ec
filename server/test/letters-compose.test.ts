/** The email a target receives: composition (pure) and what a real SMTP server gets (via the sink). */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { cleanBody, cleanLine, composeLetter, countryName, parseMailFrom } from '../src/letters/compose-letter.ts';
import type { LetterToSend } from '../src/letters/letter-types.ts';
import { createMailTransport, dkimFromEnv, type LetterTransport } from '../src/letters/mail-transport.ts';
import { classifySendError } from '../src/letters/smtp-outcome.ts';
import { startSmtpSink, type SmtpSink } from '../src/dev/smtp-sink.ts';

const MAIL_FROM = '"Demo Union" <letters@union.example>';
const SIGNER_EMAIL = 'aigerim.secret@signer.example';

function letter(overrides: Partial<LetterToSend> = {}): LetterToSend {
  return {
    id: '3f1c2a9e-5b7d-4c11-9a0e-2d6f8b4c1e70',
    campaign: 'free-baltabay',
    attempts: 1,
    createdAt: 0,
    firstAttemptAt: 0,
    recipient: { name: 'Prosecutor General', email: 'office@prosecutor.example' },
    subject: 'Free Erlan Baltabay',
    body: 'Dear Prosecutor General,\n\nRelease him.',
    signer: { name: 'Aigerim N.', email: SIGNER_EMAIL, organisation: 'Teachers’ Union', country: 'KZ', postcode: '050000' },
    locale: 'en',
    ...overrides,
  };
}

/** The header block of a raw message, unfolded, one header per line. */
function headerLines(raw: Buffer): string[] {
  const text = raw.toString('utf8');
  const head = text.slice(0, text.indexOf('\r\n\r\n'));
  return head.replace(/\r\n[ \t]+/g, ' ').split('\r\n');
}

let sink: SmtpSink;
let transport: LetterTransport;
before(async () => {
  sink = await startSmtpSink();
  transport = createMailTransport({ smtpUrl: sink.url });
});
after(async () => {
  transport.close();
  await sink.close();
});

test('parseMailFrom', () => {
  assert.deepEqual(parseMailFrom(MAIL_FROM), { ok: true, address: 'letters@union.example', name: 'Demo Union' });
  assert.deepEqual(parseMailFrom('letters@union.example'), { ok: true, address: 'letters@union.example', name: '' });
  for (const bad of ['', 'not an address', 'a@union.example, b@union.example', '"X" <a@union.example>\r\nBcc: b@evil.example', 'group: a@union.example;', 42]) {
    assert.equal(parseMailFrom(bad).ok, false, JSON.stringify(bad));
  }
});

test('composition: From is MAIL_FROM\'s address, the signer is only a display name, the envelope is fixed', () => {
  const message = composeLetter(letter(), MAIL_FROM);
  assert.deepEqual(message.from, { name: 'Aigerim N. via Demo Union', address: 'letters@union.example' });
  assert.deepEqual(message.to, { name: 'Prosecutor General', address: 'office@prosecutor.example' });
  assert.deepEqual(message.envelope, { from: 'letters@union.example', to: ['office@prosecutor.example'] });
  assert.equal(message.messageId, '<letter-3f1c2a9e-5b7d-4c11-9a0e-2d6f8b4c1e70@union.example>');
  assert.equal(message.replyTo, undefined);
  assert.equal(message.disableFileAccess, true);
  assert.equal(message.disableUrlAccess, true);
  assert.equal(message.text, 'Dear Prosecutor General,\n\nRelease him.\n\nAigerim N.\nTeachers’ Union\nKazakhstan\n');
  assert.ok(!JSON.stringify(message).includes(SIGNER_EMAIL), 'no signer address anywhere');
  assert.equal(composeLetter(letter(), 'letters@union.example').from && (composeLetter(letter(), 'letters@union.example').from as { name: string }).name, 'Aigerim N.');
});

test('composition: country in the letter\'s locale, postcode only on request, empty subject falls back', () => {
  assert.equal(countryName('KZ', 'fr'), 'Kazakhstan');
  assert.equal(countryName('DE', 'de'), 'Deutschland');
  assert.equal(countryName('DE', 'not a locale!'), 'Germany');
  assert.equal(countryName('ZZ'), 'ZZ');
  assert.equal(countryName('XX'), 'XX');
  const withPostcode = composeLetter(letter(), MAIL_FROM, { includePostcode: true });
  assert.match(String(withPostcode.text), /\n050000 Kazakhstan\n$/);
  assert.doesNotMatch(String(composeLetter(letter(), MAIL_FROM).text), /050000/);
  assert.equal(composeLetter(letter({ subject: '\r\n\u2028' }), MAIL_FROM, { campaignTitle: 'Free him' }).subject, 'Free him');
  assert.equal(composeLetter(letter({ subject: 'x'.repeat(500) }), MAIL_FROM).subject?.toString().length, 200);
  // Persian needs ZWNJ; a bidi override is dropped.
  assert.equal(composeLetter(letter({ subject: 'می\u200Cخواهیم \u202Eevil' }), MAIL_FROM).subject, 'می\u200Cخواهیم evil');
});

test('header injection through subject, signer name and target name never adds a header (raw message at a real server)', async () => {
  const evil = letter({
    id: '7d0a1f55-0000-4000-8000-000000000001',
    subject: 'Free him\r\nBcc: spy1@evil.example\u2028X-Injected: a\u2029X-Injected: b\u0085X-Injected: c\u000BX-Injected: d',
    signer: { name: 'Aigerim\r\nBcc: spy2@evil.example\nX-Injected: e', email: SIGNER_EMAIL, country: 'KZ' },
    recipient: { name: 'Prosecutor\r\nCc: spy3@evil.example', email: 'office@prosecutor.example' },
  });
  await transport.send(composeLetter(evil, MAIL_FROM));
  const [arrived] = await sink.waitForMessages(1);
  assert.ok(arrived);
  const lines = headerLines(arrived.raw);
  const names = lines.map((line) => line.slice(0, line.indexOf(':')).toLowerCase());
  assert.ok(!names.includes('bcc') && !names.includes('cc') && !names.includes('x-injected'), lines.join('\n'));
  assert.equal(names.filter((name) => name === 'subject').length, 1);
  assert.deepEqual(arrived.envelope, { from: 'letters@union.example', to: ['office@prosecutor.example'] });
  assert.equal(arrived.parsed.subject, 'Free him Bcc: spy1@evil.example X-Injected: a X-Injected: b X-Injected: c X-Injected: d');
  assert.equal(arrived.parsed.from?.value[0]?.address, 'letters@union.example');
  assert.equal(arrived.parsed.from?.value.length, 1);
  assert.equal(arrived.parsed.to && !Array.isArray(arrived.parsed.to) ? arrived.parsed.to.value.length : -1, 1);
  assert.ok(!arrived.raw.toString('utf8').includes(SIGNER_EMAIL), 'no signer address in the message');
  assert.ok(!headerLines(arrived.raw).some((line) => /^(x-mailer|auto-submitted):/i.test(line)));
});

test('a retry carries the same Message-ID; Reply-To only when the signer agreed', async () => {
  const start = sink.messages.length;
  const once = letter({ id: '7d0a1f55-0000-4000-8000-000000000002', replyTo: SIGNER_EMAIL });
  await transport.send(composeLetter(once, MAIL_FROM));
  await transport.send(composeLetter({ ...once, attempts: 2 }, MAIL_FROM));
  const arrived = (await sink.waitForMessages(start + 2)).slice(start);
  assert.equal(arrived[0]?.parsed.messageId, '<letter-7d0a1f55-0000-4000-8000-000000000002@union.example>');
  assert.equal(arrived[1]?.parsed.messageId, arrived[0]?.parsed.messageId);
  const message = arrived[0]!;
  assert.equal(message.parsed.replyTo?.value[0]?.address, SIGNER_EMAIL);
  assert.equal(message.parsed.from?.value[0]?.address, 'letters@union.example');
  assert.equal(message.envelope.from, 'letters@union.example');
  assert.deepEqual(message.envelope.to, ['office@prosecutor.example']);
  const withSigner = headerLines(message.raw).filter((line) => line.includes(SIGNER_EMAIL));
  assert.deepEqual(withSigner.map((line) => line.split(':')[0]), ['Reply-To']);
});

test('DKIM: messages are signed, and a cut after the data is still told apart from one before', async () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const { dkim, problems } = dkimFromEnv({ DKIM_DOMAIN: 'union.example', DKIM_SELECTOR: 'letters', DKIM_PRIVATE_KEY: pem.replace(/\n/g, '\\n') });
  assert.deepEqual(problems, []);
  const signed = createMailTransport({ smtpUrl: sink.url, dkim, socketTimeout: 5_000 });
  try {
    const start = sink.messages.length;
    await signed.send(composeLetter(letter({ id: '7d0a1f55-0000-4000-8000-000000000003' }), MAIL_FROM));
    const [message] = (await sink.waitForMessages(start + 1)).slice(start);
    const dkimHeader = headerLines(message!.raw).find((line) => line.startsWith('DKIM-Signature:'));
    assert.ok(dkimHeader, 'signed');
    assert.match(dkimHeader, /d=union\.example/);
    assert.match(dkimHeader, /s=letters/);

    sink.inject({ at: 'MAIL', reply: 451 });
    await assert.rejects(signed.send(composeLetter(letter({ id: '7d0a1f55-0000-4000-8000-000000000004' }), MAIL_FROM)), (error) => {
      assert.equal((error as { dataStarted?: boolean }).dataStarted, false);
      assert.equal(classifySendError(error).kind, 'temporary');
      return true;
    });
    sink.inject({ at: 'DATA', disconnect: true });
    await assert.rejects(signed.send(composeLetter(letter({ id: '7d0a1f55-0000-4000-8000-000000000005' }), MAIL_FROM)), (error) => {
      assert.equal((error as { dataStarted?: boolean }).dataStarted, true);
      assert.equal(classifySendError(error).kind, 'unknown');
      return true;
    });
  } finally {
    signed.close();
  }
});

test('dkimFromEnv: none, file, and clear errors', () => {
  assert.deepEqual(dkimFromEnv({}), { dkim: undefined, problems: [] });
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const fromFile = dkimFromEnv({ DKIM_DOMAIN: 'union.example', DKIM_SELECTOR: 's1', DKIM_PRIVATE_KEY_FILE: '/keys/dkim.pem' }, () => pem);
  assert.deepEqual(fromFile, { dkim: { domainName: 'union.example', keySelector: 's1', privateKey: pem }, problems: [] });
  const partial = dkimFromEnv({ DKIM_DOMAIN: 'union.example' });
  assert.equal(partial.dkim, undefined);
  assert.ok(partial.problems.some((problem) => problem.startsWith('DKIM_SELECTOR')));
  assert.ok(partial.problems.some((problem) => problem.includes('DKIM_PRIVATE_KEY')));
  const bad = dkimFromEnv({ DKIM_DOMAIN: 'not a domain', DKIM_SELECTOR: 'a b', DKIM_PRIVATE_KEY: 'nope' });
  assert.equal(bad.problems.length, 3, bad.problems.join('\n'));
  const unreadable = dkimFromEnv({ DKIM_DOMAIN: 'union.example', DKIM_SELECTOR: 's1', DKIM_PRIVATE_KEY_FILE: '/nope' }, () => {
    throw new Error('ENOENT');
  });
  assert.match(unreadable.problems[0] ?? '', /cannot be read/);
});

test('signer text is cleaned in linear time: a long run of spaces costs no more than ordinary text', () => {
  // The regexes these replaced (/\s+$/, /[ \t]+$/gm) retried at every space: ~70 ms for 5,000
  // characters, seconds for 50,000. Linear code takes well under a millisecond either way.
  const crafted = `x${' '.repeat(50_000)}y`;
  const started = performance.now();
  assert.equal(cleanBody(crafted), crafted);
  assert.equal(cleanBody(`${crafted}   \n  `), crafted);
  const elapsed = performance.now() - started;
  assert.ok(elapsed < 200, `cleanBody took ${elapsed.toFixed(1)} ms`);
});

test('MIME encoded words in a header line are broken apart, so no mail program decodes them into other text', () => {
  assert.equal(cleanLine('=?utf-8?q?Bcc=3A_x=40evil.example?= Aigerim', 100), '= ?utf-8?q?Bcc=3A_x=40evil.example?= Aigerim');
  const message = composeLetter(letter({ subject: 'Subj =?utf-8?b?QmNjOiB4QGV2aWwuZXhhbXBsZQ==?=', signer: { name: '=?utf-8?q?x=40evil.example?=', email: 'a@example.org' } }), MAIL_FROM);
  assert.ok(!String(message.subject).includes('=?'));
  assert.ok(!JSON.stringify(message.from).includes('=?'));
});
