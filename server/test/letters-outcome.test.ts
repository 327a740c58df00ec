/**
 * What each real SMTP fault produces in nodemailer, and how we classify it. Every case runs
 * against a real SMTP server (smtp-server via the sink), none against a mock.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { createMailTransport } from '../src/letters/mail-transport.ts';
import { classifySendError, type SendOutcomeKind } from '../src/letters/smtp-outcome.ts';
import { startSmtpSink, type SinkFault, type SmtpSink } from '../src/dev/smtp-sink.ts';

let sink: SmtpSink;
before(async () => {
  sink = await startSmtpSink();
});
after(async () => {
  await sink.close();
});

let counter = 0;
const message = () => {
  counter += 1;
  return {
    from: 'letters@union.example', to: 'office@prosecutor.example', subject: 'Free him', text: 'Release him.',
    messageId: `<probe-${counter}@union.example>`, envelope: { from: 'letters@union.example', to: ['office@prosecutor.example'] },
  };
};

/** Sends one message over a fresh transport to `url`; returns the error's fields and our verdict. */
async function attempt(url: string, options: { socketTimeout?: number; greetingTimeout?: number } = {}) {
  const transport = createMailTransport({ smtpUrl: url, connectionTimeout: 3_000, greetingTimeout: options.greetingTimeout ?? 3_000, socketTimeout: options.socketTimeout ?? 5_000 });
  try {
    await transport.send(message());
    return undefined;
  } catch (error) {
    const e = error as Record<string, unknown>;
    const fields = Object.fromEntries(['code', 'command', 'responseCode', 'permanent', 'originalCode', 'timeoutType', 'dataStarted'].map((key) => [key, e[key]]));
    return { fields, ...classifySendError(error) };
  } finally {
    transport.close();
  }
}

const cases: { name: string; fault: SinkFault; kind: SendOutcomeKind; fields: Record<string, unknown>; kept: boolean }[] = [
  { name: '451 at MAIL FROM', fault: { at: 'MAIL', reply: 451 }, kind: 'temporary', kept: false, fields: { code: 'EENVELOPE', command: 'MAIL FROM', responseCode: 451, permanent: false, dataStarted: false } },
  { name: '421 at MAIL FROM', fault: { at: 'MAIL', reply: 421 }, kind: 'temporary', kept: false, fields: { code: 'EENVELOPE', command: 'MAIL FROM', responseCode: 421, permanent: false, dataStarted: false } },
  { name: '550 at MAIL FROM', fault: { at: 'MAIL', reply: 550 }, kind: 'permanent', kept: false, fields: { code: 'EENVELOPE', command: 'MAIL FROM', responseCode: 550, permanent: true, dataStarted: false } },
  { name: '452 at RCPT TO', fault: { at: 'RCPT', reply: 452 }, kind: 'temporary', kept: false, fields: { code: 'EENVELOPE', command: 'RCPT TO', responseCode: 452, permanent: false, dataStarted: false } },
  { name: '550 at RCPT TO', fault: { at: 'RCPT', reply: 550 }, kind: 'permanent', kept: false, fields: { code: 'EENVELOPE', command: 'RCPT TO', responseCode: 550, permanent: true, dataStarted: false } },
  { name: '451 at end of DATA', fault: { at: 'DATA', reply: 451 }, kind: 'temporary', kept: false, fields: { code: 'EMESSAGE', command: 'DATA', responseCode: 451, permanent: false, dataStarted: true } },
  { name: '421 at end of DATA', fault: { at: 'DATA', reply: 421 }, kind: 'temporary', kept: false, fields: { code: 'EMESSAGE', command: 'DATA', responseCode: 421, permanent: false, dataStarted: true } },
  { name: '550 at end of DATA', fault: { at: 'DATA', reply: 550 }, kind: 'permanent', kept: false, fields: { code: 'EMESSAGE', command: 'DATA', responseCode: 550, permanent: true, dataStarted: true } },
  { name: 'cut at MAIL FROM (before the data)', fault: { at: 'MAIL', disconnect: true }, kind: 'temporary', kept: false, fields: { code: 'ECONNECTION', command: 'CONN', responseCode: undefined, dataStarted: false } },
  { name: 'cut after the data, before the reply', fault: { at: 'DATA', disconnect: true }, kind: 'unknown', kept: true, fields: { code: 'ECONNECTION', command: 'CONN', responseCode: undefined, dataStarted: true } },
];

for (const { name, fault, kind, fields, kept } of cases) {
  test(`real fault: ${name} → ${kind}`, async (t) => {
    const before = sink.messages.length;
    sink.inject(fault);
    const result = await attempt(sink.url);
    assert.ok(result, 'the send failed');
    t.diagnostic(JSON.stringify(result.fields));
    for (const [key, value] of Object.entries(fields)) assert.equal(result.fields[key], value, key);
    assert.equal(result.kind, kind);
    assert.equal(sink.messages.length - before, kept ? 1 : 0);
    assert.ok(result.response.length > 0);
  });
}

test('real fault: the server takes longer than socketTimeout after the data → unknown, and it kept the message', async (t) => {
  const before = sink.messages.length;
  sink.inject({ at: 'DATA', delayMs: 1_500 });
  const result = await attempt(sink.url, { socketTimeout: 400 });
  assert.ok(result);
  t.diagnostic(JSON.stringify(result.fields));
  assert.deepEqual([result.fields.code, result.fields.timeoutType, result.fields.dataStarted], ['ETIMEDOUT', 'SOCKET_TIMEOUT', true]);
  assert.equal(result.kind, 'unknown');
  await sink.waitForMessages(before + 1, 5_000); // the RFC 1047 duplicate problem, reproduced
});

test('real fault: nothing listening → temporary (ECONNREFUSED)', async (t) => {
  await sink.down();
  try {
    const result = await attempt(sink.url);
    assert.ok(result);
    t.diagnostic(JSON.stringify(result.fields));
    assert.deepEqual([result.fields.code, result.fields.originalCode, result.fields.dataStarted], ['ESOCKET', 'ECONNREFUSED', false]);
    assert.equal(result.kind, 'temporary');
  } finally {
    await sink.up();
  }
  assert.equal(await attempt(sink.url), undefined, 'back on the same port');
});

test('real fault: a server that never greets → temporary (GREETING_TIMEOUT)', async (t) => {
  const sockets = new Set<Socket>();
  const silent: Server = createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  try {
    const address = silent.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const result = await attempt(`smtp://127.0.0.1:${port}`, { greetingTimeout: 300 });
    assert.ok(result);
    t.diagnostic(JSON.stringify(result.fields));
    assert.equal(result.fields.timeoutType, 'GREETING_TIMEOUT');
    assert.equal(result.kind, 'temporary');
  } finally {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  }
});

test('classification without the dataStarted flag stays conservative', () => {
  assert.equal(classifySendError({ code: 'ECONNECTION', command: 'CONN' }).kind, 'unknown');
  assert.equal(classifySendError({ code: 'ETIMEDOUT', command: 'CONN', timeoutType: 'SOCKET_TIMEOUT' }).kind, 'unknown');
  assert.equal(classifySendError({ code: 'ESOCKET', command: 'CONN', originalCode: 'ECONNREFUSED' }).kind, 'temporary');
  assert.equal(classifySendError({ code: 'EDNS', command: 'CONN' }).kind, 'temporary');
  assert.equal(classifySendError({ code: 'EAUTH', command: 'AUTH PLAIN', responseCode: 535 }).kind, 'temporary');
  assert.equal(classifySendError({ code: 'EENVELOPE', command: 'RCPT TO', responseCode: 503 }).kind, 'temporary');
  assert.equal(classifySendError({ code: 'EMAXRECIPIENTS' }).kind, 'permanent');
  assert.equal(classifySendError(new Error('boom')).kind, 'unknown');
  assert.equal(classifySendError('weird').response, 'weird');
});
