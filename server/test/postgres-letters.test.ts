/**
 * The letter queue on PostgreSQL with several receivers (issue 17): two stores on one database
 * stand for two receivers. Claims never overlap (FOR UPDATE SKIP LOCKED), a live receiver's
 * leased letters are left alone while an expired lease makes them 'unknown' (SPEC §9.3), the
 * per-target hourly cap holds across both, and concurrent digest closing puts each signer in
 * exactly one digest. The single-receiver behaviour is the shared suite's (APPEAL_TEST_STORE).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { DeliverySettings } from '../src/letters/letter-types.ts';
import type { NewLetter } from '../src/letters/letters-for-signature.ts';
import type { SignaturePayload } from '../src/signature-schema.ts';
import { openPostgresStore, type PostgresStore } from '../src/store/postgres/postgres-store.ts';
import { signature } from './helpers.ts';
import { testDocument } from './support/campaigns.ts';
import { postgresAvailable, startTestCluster, type TestCluster } from './support/postgres.ts';

const skip = postgresAvailable() ? false : 'PostgreSQL is not installed (apt-get install postgresql)';
const TARGET = { name: 'Prosecutor General', email: 'office@prosecutor.example' };
const MINUTE = 60_000;

describe('PostgreSQL letter queue shared by two receivers', { skip }, () => {
  let cluster: TestCluster;
  let url: string;
  let a: PostgresStore;
  let b: PostgresStore;
  before(async () => {
    cluster = await startTestCluster();
  });
  after(async () => {
    await cluster?.destroy();
  });

  const fresh = async (delivery: Partial<DeliverySettings>) => {
    url = await cluster.createDatabase('letters');
    [a, b] = await Promise.all([openPostgresStore(url), openPostgresStore(url)]);
    const settings: DeliverySettings = { mode: 'each', targets: [TARGET], confirm: false, replyTo: 'none', test: false, hourlyCap: 10_000, ...delivery };
    await a.putCampaign('c', { document: testDocument('c'), status: 'open', delivery: settings });
  };
  const done = async () => {
    await Promise.all([a.close(), b.close()]);
    await cluster.dropDatabase(url);
  };
  /** `n` signatures with one letter each to TARGET, due at `now`. */
  const sign = async (n: number, now: number) => {
    await Promise.all(Array.from({ length: n }, () => {
      const letter: NewLetter = {
        id: randomUUID(), targetName: TARGET.name, targetEmail: TARGET.email, recipientEmail: TARGET.email,
        subject: 'Free him', body: 'Dear Prosecutor General', createdAt: now, nextAttemptAt: now,
      };
      return a.insertSignature(signature({ campaign: 'c' }) as SignaturePayload, 'json', [letter]);
    }));
  };

  test('two receivers claiming at once never get the same letter', async () => {
    await fresh({});
    try {
      const now = Date.now();
      await sign(300, now);
      const claimed: string[] = [];
      // Both claim in rounds until nothing is left, at the same time.
      await Promise.all([a, b].map(async (store) => {
        for (;;) {
          const batch = await store.letters.claimDueLetters(now, 10, now + 10 * MINUTE);
          if (batch.length === 0) return;
          claimed.push(...batch.map((letter) => letter.id));
        }
      }));
      assert.equal(claimed.length, 300);
      assert.equal(new Set(claimed).size, 300, 'no letter claimed twice');
    } finally {
      await done();
    }
  });

  test("a live receiver's leased letters are left alone; once the lease has passed they become 'unknown'", async () => {
    await fresh({});
    try {
      const now = Date.now();
      await sign(3, now);
      const claimed = await a.letters.claimDueLetters(now, 10, now + 10 * MINUTE);
      assert.equal(claimed.length, 3);
      // Receiver b starts (or claims) while a is still sending: nothing of a's is touched.
      assert.equal(await b.letters.recoverInterrupted(now + MINUTE), 0);
      assert.deepEqual(await b.letters.claimDueLetters(now + MINUTE, 10, now + 11 * MINUTE), []);
      await a.letters.recordAttempt(claimed[0]!.id, { status: 'sent', at: now + MINUTE, response: '250 ok' });
      // a is killed before recording the other two: after the lease, b marks them unknown (SPEC §9.3)…
      assert.equal(await b.letters.recoverInterrupted(now + 11 * MINUTE), 2);
      const letters = await b.listLetters('c');
      assert.deepEqual(letters.map((letter) => letter.status).sort(), ['sent', 'unknown', 'unknown']);
      assert.match(letters.find((letter) => letter.status === 'unknown')!.lastResponse!, /interrupted/);
      // … and never sends them again by itself.
      assert.deepEqual(await b.letters.claimDueLetters(now + 12 * MINUTE, 10, now + 22 * MINUTE), []);
      // a's late record of one of them is refused, not written over 'unknown'.
      await assert.rejects(a.letters.recordAttempt(claimed[1]!.id, { status: 'sent', at: now + 12 * MINUTE, response: '250 ok' }), /is not 'sending'/);
    } finally {
      await done();
    }
  });

  test("the claim recovers expired leases itself, so a dead receiver's letters do not wait for a restart", async () => {
    await fresh({});
    try {
      const now = Date.now();
      await sign(2, now);
      assert.equal((await a.letters.claimDueLetters(now, 10, now + MINUTE)).length, 2);
      await b.letters.claimDueLetters(now + 2 * MINUTE, 10, now + 12 * MINUTE);
      assert.deepEqual((await b.listLetters('c')).map((letter) => letter.status), ['unknown', 'unknown']);
    } finally {
      await done();
    }
  });

  test('the per-target hourly cap holds across receivers claiming at once', async () => {
    await fresh({ hourlyCap: 7 });
    try {
      const now = Date.now();
      await sign(40, now);
      const rounds = await Promise.all([a, b, a, b].map((store) => store.letters.claimDueLetters(now, 10, now + 10 * MINUTE)));
      assert.equal(rounds.flat().length, 7, `claimed per round: ${rounds.map((round) => round.length).join(', ')}`);
      // The others wait for the cap to free, with a next attempt the worker can sleep until.
      const queued = await a.listLetters('c', { status: 'queued' });
      assert.equal(queued.length, 33);
      assert.ok(queued.every((letter) => Date.parse(letter.nextAttemptAt!) > now), 'held letters are deferred');
    } finally {
      await done();
    }
  });

  test('two receivers closing the same digest at once put each signer in exactly one digest', async () => {
    await fresh({ mode: 'digest', digestHour: 18, timeZone: 'UTC', hourlyCap: 10_000 });
    try {
      await a.putCampaign('c', {
        document: { ...testDocument('c'), letter: { en: { subject: 'Free him', body: 'Dear Prosecutor General' } } },
        status: 'open',
        delivery: { mode: 'digest', targets: [TARGET], confirm: false, replyTo: 'none', test: false, hourlyCap: 10_000, digestHour: 18, timeZone: 'UTC' },
      });
      const signedAt = Date.parse('2026-11-30T10:00:00Z');
      await Promise.all(Array.from({ length: 120 }, () => a.insertSignature(signature({ campaign: 'c' }) as SignaturePayload, 'json', [], [
        { targetName: TARGET.name, targetEmail: TARGET.email, editedSubject: null, editedBody: null, createdAt: signedAt },
      ])));
      const now = Date.parse('2026-12-01T09:00:00Z');
      const claimed = (await Promise.all([a, b, a, b].map((store) => store.letters.claimDueDigests!(now, 10, now + 10 * MINUTE)))).flat();
      assert.equal(claimed.length, 1, 'one digest for the day');
      assert.equal(claimed[0]!.signers.length, 120);
      const { rows } = await a.pool.query<{ digests: number; unattached: number }>(
        `SELECT (SELECT count(*)::int FROM digests) AS digests, (SELECT count(*)::int FROM digest_entries WHERE digest_id IS NULL) AS unattached`,
      );
      assert.deepEqual(rows[0], { digests: 1, unattached: 0 });
    } finally {
      await done();
    }
  });
});
