/**
 * Issue 17's "done when": two receiver processes on one PostgreSQL database and one local SMTP
 * server. A few thousand signatures are posted to both at once (some ids sent to both, some
 * addresses signed again under a new id on the other), one receiver is SIGKILLed mid-run and
 * started again. Then: every acknowledged signature stored once, counts exact, every letter
 * delivered once or marked 'unknown', nothing lost.
 *
 * The receivers are real processes running main.ts with DATABASE_URL. Their letter lease is short
 * (LETTER_LEASE_MS) so the killed receiver's letters are recovered as 'unknown' within the test.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { startSmtpSink, type SmtpSink } from '../src/dev/smtp-sink.ts';
import { openPostgresStore } from '../src/store/postgres/postgres-store.ts';
import { signature, spawnMain, waitForExit } from './helpers.ts';
import { testDocument } from './support/campaigns.ts';
import { postgresAvailable, startTestCluster, type TestCluster } from './support/postgres.ts';

const skip = postgresAvailable() ? false : 'PostgreSQL is not installed (apt-get install postgresql)';
const TARGET = { name: 'Prosecutor General', email: 'office@prosecutor.example' };
const SIGNATURES = Number(process.env.APPEAL_CLUSTER_SIGNATURES ?? 2000);
const CONCURRENCY = 24;

describe('two receivers on one PostgreSQL database', { skip, timeout: 240_000 }, () => {
  let cluster: TestCluster;
  let sink: SmtpSink;
  before(async () => {
    [cluster, sink] = await Promise.all([startTestCluster(), startSmtpSink()]);
  });
  after(async () => {
    await sink?.close();
    await cluster?.destroy();
  });

  test('every acknowledged signature stored once, counts exact, every letter sent once or unknown', async () => {
    const url = await cluster.createDatabase('cluster');
    const seed = await openPostgresStore(url);
    await seed.putCampaign('c', {
      document: testDocument('c'),
      status: 'open',
      delivery: { mode: 'each', targets: [TARGET], confirm: false, replyTo: 'none', test: false, hourlyCap: 10_000 },
    });
    await seed.close();
    const env = {
      DATABASE_URL: url, SMTP_URL: sink.url, MAIL_FROM: '"Demo Union" <letters@union.example>', LETTER_LEASE_MS: '3000',
      LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '100000000', READ_RATE_LIMIT_MAX: '100000000', CAMPAIGN_RATE_LIMIT_MAX: '100000000',
    };
    const receivers: { child: ChildProcess; url: string; output: () => string }[] = [await spawnMain(env, []), await spawnMain(env, [])];
    const logs: string[] = [];

    /** The emails of acknowledged signatures (201 or 200), and every id acknowledged. */
    const acknowledgedEmails = new Set<string>();
    const answers = new Map<number, number>();
    /** Posts until acknowledged, to `preferred` first, then as a load balancer would: to the other receiver. */
    const post = async (body: ReturnType<typeof signature>, preferred: number): Promise<void> => {
      for (let attempt = 0; attempt < 200; attempt++) {
        const receiver = receivers[(preferred + attempt) % 2]!;
        const status = await fetch(`${receiver.url}/api/signatures`, {
          method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
        }).then(async (response) => {
          await response.arrayBuffer();
          return response.status;
        }, () => 0);
        answers.set(status, (answers.get(status) ?? 0) + 1);
        if (status === 201 || status === 200) {
          acknowledgedEmails.add(body.signer.email.toLowerCase());
          return;
        }
        assert.ok(status === 0 || status === 503, `unexpected answer ${status}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.fail(`never acknowledged: ${body.id}`);
    };

    const jobs: (() => Promise<void>)[] = [];
    for (let index = 0; index < SIGNATURES; index++) {
      const body = signature({ campaign: 'c' });
      jobs.push(() => post(body, index % 2));
      // The same id to both receivers at once (a retry that crossed a failover).
      if (index % 4 === 0) jobs.push(() => post(body, (index + 1) % 2));
      // The same person again, new id, other case: one signature, answered like a new one.
      if (index % 10 === 0) {
        const again = { ...body, id: randomUUID(), signer: { ...body.signer, email: body.signer.email.toUpperCase() } };
        jobs.push(() => post(again, (index + 1) % 2));
      }
    }
    let next = 0;
    let killed = false;
    const worker = async () => {
      while (next < jobs.length) {
        const job = jobs[next++]!;
        await job();
        // Halfway through: receiver 1 dies without warning, mid-request and mid-send, and comes back.
        if (!killed && next >= jobs.length / 2) {
          killed = true;
          // Slow SMTP for a moment, so the victim most likely dies with letters handed over but unrecorded.
          sink.inject(...Array.from({ length: 40 }, () => ({ at: 'DATA' as const, delayMs: 1500 })));
          await new Promise((resolve) => setTimeout(resolve, 400));
          const victim = receivers[1]!;
          logs.push(victim.output());
          victim.child.kill('SIGKILL');
          await waitForExit(victim.child);
          receivers[1] = await spawnMain(env, []);
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      assert.ok(killed);

      // Letters settle: nothing queued or sending (the killed receiver's leases expire and become unknown).
      const check = await openPostgresStore(url);
      try {
        const deadline = Date.now() + 120_000;
        for (;;) {
          const { rows } = await check.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM letters WHERE status IN ('queued', 'sending')`);
          if (rows[0]!.n === 0) break;
          assert.ok(Date.now() < deadline, `${rows[0]!.n} letters still queued or sending`);
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
        // A last send may still be on the wire to the sink: let it land.
        await new Promise((resolve) => setTimeout(resolve, 500));

        const stored = (await check.pool.query<{ id: string; email: string }>('SELECT id, lower(email) AS email FROM signatures')).rows;
        assert.equal(stored.length, SIGNATURES, 'one row per person');
        assert.deepEqual(new Set(stored.map((row) => row.email)), acknowledgedEmails, 'every acknowledged signer stored, nobody else');
        assert.equal(await check.countSignatures('c'), SIGNATURES, 'the count is exact');

        const letters = (await check.pool.query<{ id: string; signature_id: string; status: string }>('SELECT id, signature_id, status FROM letters')).rows;
        assert.equal(letters.length, SIGNATURES, 'one letter per signature');
        assert.equal(new Set(letters.map((letter) => letter.signature_id)).size, SIGNATURES);
        const arrived = new Map<string, number>();
        for (const message of sink.messages) {
          const id = /<letter-([0-9a-f-]+)@/.exec(message.parsed.messageId ?? '')?.[1];
          if (id) arrived.set(id, (arrived.get(id) ?? 0) + 1);
        }
        const byStatus = new Map<string, number>();
        for (const letter of letters) {
          byStatus.set(letter.status, (byStatus.get(letter.status) ?? 0) + 1);
          const times = arrived.get(letter.id) ?? 0;
          if (letter.status === 'sent') assert.equal(times, 1, `sent letter ${letter.id} arrived ${times} times`);
          else {
            assert.equal(letter.status, 'unknown', `letter ${letter.id} ended ${letter.status}`);
            assert.ok(times <= 1, `unknown letter ${letter.id} arrived ${times} times`);
          }
        }
        assert.equal([...arrived.values()].filter((times) => times > 1).length, 0, 'no letter arrived twice');
        assert.equal([...arrived.keys()].filter((id) => !letters.some((letter) => letter.id === id)).length, 0);
        console.log(`cluster: ${SIGNATURES} signers, answers ${JSON.stringify([...answers])}, letters ${JSON.stringify([...byStatus])}, ${sink.messages.length} emails`);
      } finally {
        await check.close();
      }
    } finally {
      for (const receiver of receivers) receiver.child.kill('SIGTERM');
      await Promise.all(receivers.map((receiver) => waitForExit(receiver.child)));
      await cluster.dropDatabase(url).catch(() => undefined);
    }
  });
});
