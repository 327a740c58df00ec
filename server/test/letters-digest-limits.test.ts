/**
 * Digest limits found by the security review: a day's digest split into parts by signers and
 * bytes, each signer's own words capped, linear text handling on signer text, digests cancelled
 * when the campaign stops sending them, and the hourly cap counting every attempt (451s too).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';
import { composeDigest, MAX_DIGEST_PART_BYTES, MAX_DIGEST_PART_SIGNERS, MAX_QUOTED_BODY_CHARS, SHORTENED_NOTE, signerEntry } from '../src/letters/compose-digest.ts';
import type { DigestToSend } from '../src/letters/letter-types.ts';
import { createLetterWorker } from '../src/letters/letter-worker.ts';
import { createMailTransport } from '../src/letters/mail-transport.ts';
import { HOUR_MS } from '../src/letters/retry-schedule.ts';
import { insertDigestEntriesFor } from '../src/letters/digest-closing.ts';
import { DIGEST_PARTS_SCHEMA, DIGESTS_SCHEMA } from '../src/letters/sqlite-schema.ts';
import { createSqliteLetterQueue } from '../src/letters/sqlite-letter-queue.ts';
import { startSmtpSink } from '../src/dev/smtp-sink.ts';
import { openLettersDb, type LettersDb } from './support/letters-db.ts';
import Database from 'better-sqlite3';

const MAIL_FROM = '"Demo Union" <letters@union.example>';
const TARGET = { name: 'Prosecutor General', email: 'office@prosecutor.example' };
const OTHER = { name: 'Ombudsman', email: 'ombudsman@gov.example' };
const DAY_START = Date.UTC(2026, 10, 27, 10); // 10:00 UTC; the digest hour is 18:00 UTC
const AFTER_HOUR = Date.UTC(2026, 10, 27, 18, 0, 1);
const LEASE = 10 * 60_000;
const silent = { info() {}, warn() {}, error() {} };

function digestCampaign(store: LettersDb, delivery: Record<string, unknown> = {}): string {
  const campaign = `d${Math.random().toString(36).slice(2, 10)}`;
  store.addCampaign(campaign, { mode: 'digest', targets: [TARGET], digestHour: 18, timeZone: 'UTC', ...delivery });
  return campaign;
}

/** `count` signers of `campaign`, each with an entry per target; `body(i)` their edited words. */
function addSigners(store: LettersDb, campaign: string, count: number, targets: { name: string; email: string }[], body: (index: number) => string | null): void {
  const insertSignature = store.db.prepare(
    `INSERT INTO signatures (id, campaign, locale, first_name, last_name, email, country) VALUES (?, ?, 'en', 'Signer', ?, ?, 'KZ')`,
  );
  const insertEntries = insertDigestEntriesFor(store.db);
  store.db.transaction(() => {
    for (let index = 0; index < count; index++) {
      const id = randomUUID();
      insertSignature.run(id, campaign, String(index + 1).padStart(4, '0'), `s${index}-${id}@example.org`);
      insertEntries(id, campaign, targets.map((target) => ({
        targetName: target.name, targetEmail: target.email, editedSubject: null, editedBody: body(index), createdAt: DAY_START + index,
      })));
    }
  })();
}

function setDelivery(store: LettersDb, campaign: string, delivery: Record<string, unknown>): void {
  const current = JSON.parse(store.db.prepare('SELECT delivery_json FROM campaigns WHERE id = ?').pluck().get(campaign) as string);
  const next = { ...current, ...delivery };
  // As the admin API stores it: no digest keys outside mode digest.
  if (next.mode !== 'digest') for (const key of ['digestHour', 'timeZone', 'digestLanguage']) delete next[key];
  store.db.prepare('UPDATE campaigns SET delivery_json = ? WHERE id = ?').run(JSON.stringify(next), campaign);
}

const listed = (text: string): number[] => [...text.matchAll(/^(\d+)\. Signer (\d{4})$/gm)].map((match) => {
  assert.equal(Number(match[1]), Number(match[2]), 'numbered across parts in signing order');
  return Number(match[2]);
});

test('a big day is split into parts by signers and bytes: each part its own digest under the byte cap, every signer in exactly one part', async () => {
  const store = openLettersDb();
  try {
    const queue = createSqliteLetterQueue(store.db);
    const campaign = digestCampaign(store);
    // 1,000 signers with 5,000-character edits: two in three in 3-byte characters (bytes bind), the rest ASCII.
    const SIGNERS = 1_000;
    addSigners(store, campaign, SIGNERS, [TARGET], (index) => (index % 3 !== 0 ? '释放他。'.repeat(1_250) : `I ask you, signer ${index}. `.repeat(250).slice(0, 5_000)));
    const digests: DigestToSend[] = [];
    for (let round = 0; round < 10; round++) {
      const claimed = await queue.claimDueDigests(AFTER_HOUR, 10, AFTER_HOUR + LEASE);
      if (claimed.length === 0) break;
      digests.push(...claimed);
    }
    assert.ok(digests.length >= 3, `split into ${digests.length} part(s)`);
    const seen: number[] = [];
    const messageIds = new Set<string>();
    const parts = digests.length;
    for (const [index, digest] of digests.entries()) {
      assert.ok(digest.signers.length <= MAX_DIGEST_PART_SIGNERS);
      const message = composeDigest(digest, MAIL_FROM);
      const text = String(message.text);
      assert.ok(Buffer.byteLength(text) <= MAX_DIGEST_PART_BYTES, `part ${index + 1}: ${Buffer.byteLength(text)} bytes`);
      const raw = await new MailComposer(message).compile().build();
      assert.ok(raw.length < 5 * 1024 * 1024, `part ${index + 1}: raw message ${raw.length} bytes`);
      assert.equal(message.subject, `A letter (${digest.signers.length} signers, 2026-11-27, part ${index + 1} of ${parts})`);
      messageIds.add(String(message.messageId));
      const numbers = listed(text);
      assert.equal(numbers.length, digest.signers.length);
      seen.push(...numbers);
      assert.ok(text.includes(`   ${SHORTENED_NOTE}\n`), 'long own words are shortened, and say so');
    }
    assert.equal(messageIds.size, parts, 'each part its own Message-ID');
    assert.deepEqual(seen, Array.from({ length: SIGNERS }, (_, index) => index + 1), 'every signer in exactly one part, in order');
    const rows = store.db.prepare('SELECT part, parts, signers FROM digests WHERE campaign = ? ORDER BY part').all(campaign) as { part: number; parts: number; signers: number }[];
    assert.equal(rows.length, parts);
    assert.ok(rows.every((row) => row.parts === parts));
    assert.equal(store.db.prepare('SELECT COUNT(DISTINCT digest_id) FROM digest_entries WHERE campaign = ?').pluck().get(campaign), parts);
    assert.equal(store.db.prepare('SELECT COUNT(*) FROM digest_entries WHERE campaign = ? AND digest_id IS NULL').pluck().get(campaign), 0);
  } finally {
    store.close();
  }
});

test('many short signers: parts of at most MAX_DIGEST_PART_SIGNERS; a small day stays one digest without "part"', async () => {
  const store = openLettersDb();
  try {
    const queue = createSqliteLetterQueue(store.db);
    const big = digestCampaign(store);
    addSigners(store, big, 1_001, [TARGET], () => null);
    const small = digestCampaign(store, { targets: [OTHER] });
    addSigners(store, small, 3, [OTHER], () => 'My own words.');
    const digests = await queue.claimDueDigests(AFTER_HOUR, 10, AFTER_HOUR + LEASE);
    const bigParts = digests.filter((digest) => digest.campaign === big);
    assert.deepEqual(bigParts.map((digest) => digest.signers.length), [500, 500, 1]);
    assert.equal(composeDigest(bigParts[2]!, MAIL_FROM).subject, 'A letter (1 signer, 2026-11-27, part 3 of 3)');
    assert.match(String(composeDigest(bigParts[2]!, MAIL_FROM).text), /part 3 of 3: signer 1001\):\n\n1001\. Signer 1001\n/);
    const [one] = digests.filter((digest) => digest.campaign === small);
    assert.equal(composeDigest(one!, MAIL_FROM).subject, 'A letter (3 signers, 2026-11-27)');
  } finally {
    store.close();
  }
});

test("a signer's own words are capped at MAX_QUOTED_BODY_CHARS with a note", () => {
  const entry = signerEntry({ name: 'Long Writer', edited: { body: `${'a'.repeat(MAX_QUOTED_BODY_CHARS)}${'b'.repeat(3_000)}` } }, 0);
  assert.ok(entry.includes(`   > ${'a'.repeat(MAX_QUOTED_BODY_CHARS)}\n   ${SHORTENED_NOTE}`), entry.slice(-100));
  assert.ok(!entry.includes('b'));
  const short = signerEntry({ name: 'Short Writer', edited: { body: 'a'.repeat(MAX_QUOTED_BODY_CHARS) } }, 0);
  assert.ok(!short.includes(SHORTENED_NOTE));
});

test('a long run of spaces in a signer\'s words composes in linear time', () => {
  const digest = (body: string): DigestToSend => ({
    id: randomUUID(), campaign: 'c', attempts: 1, createdAt: 0, firstAttemptAt: 0, recipient: TARGET, day: '2026-11-27', timeZone: 'UTC',
    letter: { subject: 'Free him', body: `Dear Sir,\n\n${body}` },
    signers: Array.from({ length: 20 }, (_, index) => ({ name: `Signer ${index}`, edited: { subject: body, body } })),
  });
  const time = (body: string): number => {
    const message = digest(body);
    composeDigest(message, MAIL_FROM); // warm up
    const started = process.hrtime.bigint();
    for (let round = 0; round < 5; round++) composeDigest(message, MAIL_FROM);
    return Number(process.hrtime.bigint() - started) / 1e6 / 5;
  };
  const normal = time(`${'Release him now. '.repeat(294)}xy`.slice(0, 5_000));
  const spaces = time(`x${' '.repeat(4_998)}y`);
  const trailing = time(`x${' '.repeat(4_998)}\ny`);
  for (const [what, ms] of [['inner spaces', spaces], ['trailing spaces on a line', trailing]] as const) {
    assert.ok(ms < 200 || ms < 10 * normal, `${what}: ${ms.toFixed(1)} ms per digest of 20 signers (normal text: ${normal.toFixed(1)} ms)`);
  }
});

test('the campaign leaves mode digest or drops a target: pending and queued entries become cancelled, never sent', async () => {
  const store = openLettersDb();
  try {
    const queue = createSqliteLetterQueue(store.db);
    // 1) mode off before the hour: nothing is sent at the hour, the entries are cancelled.
    const off = digestCampaign(store, { targets: [TARGET, OTHER] });
    addSigners(store, off, 3, [TARGET, OTHER], () => null);
    setDelivery(store, off, { mode: 'off', targets: [] });
    // 2) one target removed: only the remaining one gets its digest.
    const removed = digestCampaign(store, { targets: [TARGET, OTHER] });
    addSigners(store, removed, 2, [TARGET, OTHER], () => null);
    setDelivery(store, removed, { targets: [TARGET] });
    // 3) closed already (the organiser's "send now"), but held by the window; then mode off.
    const closed = digestCampaign(store, { targets: [OTHER] });
    addSigners(store, closed, 2, [OTHER], () => null);
    assert.equal(queue.closeDigestNow(closed, DAY_START + 100).length, 1);
    setDelivery(store, closed, { mode: 'off', targets: [] });

    const claimed = await queue.claimDueDigests(AFTER_HOUR, 10, AFTER_HOUR + LEASE);
    assert.deepEqual(claimed.map((digest) => [digest.campaign, digest.recipient.email, digest.signers.length]), [[removed, TARGET.email, 2]]);
    assert.deepEqual(await queue.claimDueDigests(AFTER_HOUR + 2 * HOUR_MS, 10, AFTER_HOUR + LEASE), []);
    const statuses = (campaign: string) => store.db.prepare('SELECT target_email, status, signers FROM digests WHERE campaign = ? ORDER BY target_email, status').all(campaign);
    assert.deepEqual(statuses(off), [
      { target_email: TARGET.email, status: 'cancelled', signers: 3 },
      { target_email: OTHER.email, status: 'cancelled', signers: 3 },
    ]);
    assert.deepEqual(statuses(removed), [
      { target_email: TARGET.email, status: 'sending', signers: 2 },
      { target_email: OTHER.email, status: 'cancelled', signers: 2 },
    ]);
    assert.deepEqual(statuses(closed), [{ target_email: OTHER.email, status: 'cancelled', signers: 2 }]);
    assert.equal(store.db.prepare('SELECT COUNT(*) FROM digest_entries WHERE digest_id IS NULL').pluck().get(), 0, 'nothing left pending');
    const counts = queue.digestStatusCounts(off);
    assert.deepEqual(counts.map((entry) => [entry.target.email, entry.pendingSigners, entry.counts.cancelled]).sort(), [[TARGET.email, 0, 1], [OTHER.email, 0, 1]]);
    assert.equal(queue.resendDigest(String(store.db.prepare("SELECT id FROM digests WHERE campaign = ? LIMIT 1").pluck().get(off)), AFTER_HOUR), false, 'a cancelled digest cannot be resent');
    // Signers after the change are cancelled too, at the next round, not kept for the hour.
    addSigners(store, off, 1, [TARGET], () => null);
    assert.equal(await queue.nextDueAt(AFTER_HOUR + 3 * HOUR_MS), AFTER_HOUR + 3 * HOUR_MS);
    assert.deepEqual(await queue.claimDueDigests(AFTER_HOUR + 3 * HOUR_MS, 10, AFTER_HOUR + LEASE), []);
    assert.equal(store.db.prepare('SELECT COUNT(*) FROM digest_entries WHERE digest_id IS NULL').pluck().get(), 0);
  } finally {
    store.close();
  }
});

test('migration 7 keeps existing digests and entries, and the foreign keys still hold', () => {
  const db = new Database(':memory:');
  try {
    db.pragma('foreign_keys = ON');
    db.exec('CREATE TABLE signatures (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE) STRICT; CREATE TABLE campaigns (id TEXT PRIMARY KEY) STRICT;');
    db.exec(DIGESTS_SCHEMA);
    db.exec("INSERT INTO signatures (id) VALUES ('s1'), ('s2')");
    db.exec(`INSERT INTO digests (id, campaign, target_name, target_email, day, time_zone, subject, body, signers, status, created_at, next_attempt_at, sent_at)
             VALUES ('d1', 'c', 'T', 't@x.example', '2026-11-27', 'UTC', 'S', 'B', 1, 'sent', 1, 1, 5)`);
    db.exec(`INSERT INTO digest_entries (signature_id, campaign, target_name, target_email, created_at, digest_id) VALUES ('s1', 'c', 'T', 't@x.example', 1, 'd1'), ('s2', 'c', 'T', 't@x.example', 2, NULL)`);
    db.transaction(() => db.exec(DIGEST_PARTS_SCHEMA)).immediate();
    assert.deepEqual(db.prepare('SELECT id, status, sent_at, part, parts, first_number FROM digests').all(), [{ id: 'd1', status: 'sent', sent_at: 5, part: 1, parts: 1, first_number: 1 }]);
    assert.deepEqual(db.prepare('SELECT signature_id, digest_id FROM digest_entries ORDER BY signature_id').all(), [{ signature_id: 's1', digest_id: 'd1' }, { signature_id: 's2', digest_id: null }]);
    assert.deepEqual(db.pragma('foreign_key_check'), []);
    assert.throws(() => db.exec("UPDATE digest_entries SET digest_id = 'nope' WHERE signature_id = 's2'"), /FOREIGN KEY/);
    db.exec("DELETE FROM signatures WHERE id = 's2'");
    assert.equal(db.prepare('SELECT COUNT(*) FROM digest_entries').pluck().get(), 1, 'erasing a signature still erases its entries');
    db.exec("UPDATE digests SET status = 'cancelled'");
  } finally {
    db.close();
  }
});

test('hourly cap counts every attempt: a server answering 451 to every RCPT gets at most 3 tries in the hour with cap 3', async () => {
  const sink = await startSmtpSink();
  const transport = createMailTransport({ smtpUrl: sink.url, socketTimeout: 5_000, connectionTimeout: 3_000, greetingTimeout: 3_000 });
  const store = openLettersDb();
  try {
    const campaign = `c${Math.random().toString(36).slice(2, 10)}`;
    store.addCampaign(campaign, { targets: [TARGET], hourlyCap: 3 });
    const queue = createSqliteLetterQueue(store.db);
    const clock = { now: Date.now() };
    const worker = createLetterWorker({ queue, transport, mailFrom: MAIL_FROM, now: () => clock.now, log: silent, retryDelay: () => 1_000 });
    for (let index = 0; index < 10; index++) store.addSignature(campaign, [TARGET], { now: clock.now, body: `Dear Prosecutor General,\n\nRelease him. (${campaign} ${index})` });
    sink.inject(...Array.from({ length: 100 }, () => ({ at: 'RCPT' as const, reply: 451, message: 'Throttled, try again later' })));
    const t0 = clock.now;
    for (let minute = 0; minute < 60; minute++) {
      clock.now = t0 + minute * 60_000;
      await worker.runOnce();
      clock.now += 2_000;
      await worker.runOnce();
    }
    assert.equal(sink.commands.RCPT, 3, 'at most 3 RCPT attempts to the target within the hour');
    assert.equal(sink.messages.length, 0);
    const statuses = store.db.prepare('SELECT status, COUNT(*) AS n FROM letters WHERE campaign = ? GROUP BY status').all(campaign);
    assert.deepEqual(statuses, [{ status: 'queued', n: 10 }]);
    // An hour after the first tries, the next three may go.
    clock.now = t0 + HOUR_MS + 1_000;
    await worker.runOnce();
    assert.equal(sink.commands.RCPT, 6);
  } finally {
    transport.close();
    store.close();
    await sink.close();
  }
});
