/**
 * The quarantine on PostgreSQL with two receivers on one database (postgres-quarantine.ts): an id
 * is counted or held, never both, whichever receiver saw which copy and however they race; a
 * release moves the held signature into the count with its letters in one transaction, once;
 * the form token's first user and the receiver's secret are the same for every receiver.
 * (Through the receiver, on either store: bots.test.ts under `npm run test:postgres`.)
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { NewLetter } from '../src/letters/letters-for-signature.ts';
import type { SignaturePayload } from '../src/signature-schema.ts';
import { signature } from './helpers.ts';
import { postgresAvailable, startTestCluster, type TestCluster } from './support/postgres.ts';
import { withTwoStores } from './support/two-receivers.ts';

const skip = postgresAvailable() ? false : 'PostgreSQL is not installed (apt-get install postgresql)';
const CAMPAIGN = 'held-campaign';

describe('PostgreSQL quarantine, two receivers', { skip }, () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await startTestCluster();
  });
  after(async () => {
    await cluster?.destroy();
  });


  const payload = (): SignaturePayload => ({ ...(signature({ campaign: CAMPAIGN }) as SignaturePayload), honeypot: 'http://spam.example' });

  test('held on one receiver: the same id on the other is a duplicate, uncounted; released, it is counted once with its letters', async () => {
    await withTwoStores(cluster, async (a, b) => {
      const bot = payload();
      assert.deepEqual(await a.quarantineSignature(bot, 'json', 'honeypot'), { outcome: 'quarantined', count: 0 });
      assert.deepEqual(await a.quarantineSignature(bot, 'json', 'honeypot'), { outcome: 'duplicate-id', count: 0 });
      assert.deepEqual(await b.insertSignature(bot, 'json'), { outcome: 'duplicate-id', count: 0 });
      assert.equal(await b.countQuarantined(CAMPAIGN), 1);
      const [listed] = await b.listQuarantined(CAMPAIGN);
      assert.equal(listed?.reason, 'honeypot');
      assert.equal(listed?.payload.signer.email, bot.signer.email);

      const letter: NewLetter = {
        id: randomUUID(), targetName: 'Minister', targetEmail: 'minister@gov.example', recipientEmail: 'minister@gov.example',
        subject: 'Free him', body: 'Dear Minister', createdAt: 1_000, nextAttemptAt: 1_000,
      };
      assert.deepEqual(await b.releaseQuarantined(bot.id, [letter]), { outcome: 'created', count: 1 });
      assert.equal(await a.releaseQuarantined(bot.id, [letter]), undefined, 'released once');
      assert.equal(await a.getQuarantined(bot.id), undefined);
      const { rows } = await a.pool.query<{ payload_json: string; letters: number }>(
        'SELECT payload_json, (SELECT count(*)::int FROM letters l WHERE l.signature_id = s.id) AS letters FROM signatures s WHERE id = $1', [bot.id],
      );
      assert.equal(rows[0]?.letters, 1);
      assert.equal('honeypot' in JSON.parse(rows[0]!.payload_json), false, 'the checks\' fields stay with the quarantine');
      // Counted now: quarantining it again leaves it counted.
      assert.deepEqual(await b.quarantineSignature(bot, 'json', 'honeypot'), { outcome: 'duplicate-id', count: 1 });
      assert.equal(await a.countQuarantined(CAMPAIGN), 0);
    });
  });

  test('the same ids held on one receiver and inserted on the other at once: each id ends up in one table only', async () => {
    await withTwoStores(cluster, async (a, b) => {
      const bots = Array.from({ length: 200 }, payload);
      const results = await Promise.all(bots.flatMap((bot, index) => {
        const [holder, counter] = index % 2 === 0 ? [a, b] : [b, a];
        return [
          holder.quarantineSignature(bot, 'json', 'too-fast').then((result) => ({ id: bot.id, held: result.outcome === 'quarantined' })),
          counter.insertSignature(bot, 'json').then((result) => ({ id: bot.id, held: false, created: result.outcome === 'created' })),
        ];
      }));
      const { rows } = await a.pool.query<{ id: string; n: number }>(
        `SELECT id, count(*)::int AS n FROM (SELECT id FROM signatures UNION ALL SELECT id FROM quarantined_signatures) t GROUP BY id`,
      );
      assert.equal(rows.length, 200, 'every id stored');
      assert.ok(rows.every((row) => row.n === 1), 'no id both counted and held');
      const heldIds = new Set((await a.pool.query<{ id: string }>('SELECT id FROM quarantined_signatures')).rows.map((row) => row.id));
      for (const result of results) {
        if (result.held) assert.ok(heldIds.has(result.id), 'answered quarantined: held');
        if ('created' in result && result.created) assert.ok(!heldIds.has(result.id), 'answered created: not held');
      }
      assert.equal(await a.countSignatures(CAMPAIGN), 200 - heldIds.size);
    });
  });

  test('a form token\'s first user and the receiver\'s secret are the same on every receiver, however they race', async () => {
    await withTwoStores(cluster, async (a, b) => {
      const now = Date.now();
      const firsts = await Promise.all(Array.from({ length: 20 }, (_, index) =>
        (index % 2 === 0 ? a : b).recordFormTokenUse('nonce-1', `signature-${index}`, now, now - 60_000)));
      assert.equal(new Set(firsts).size, 1);
      assert.equal(await a.recordFormTokenUse('nonce-1', 'later', now, now - 60_000), firsts[0]);
      assert.equal(await b.recordFormTokenUse('nonce-2', 'mine', now, now - 60_000), 'mine');

      // Several tokens in the same statements (each receiver sends the uses waiting together):
      // each nonce keeps one first user, one of its own callers.
      const uses = Array.from({ length: 60 }, (_, index) => ({ nonce: `mixed-${index % 3}`, id: `mixed-signature-${index}` }));
      const answers = await Promise.all(uses.map((use, index) => (index % 2 === 0 ? a : b).recordFormTokenUse(use.nonce, use.id, now, now - 60_000)));
      for (const nonce of ['mixed-0', 'mixed-1', 'mixed-2']) {
        const mine = answers.filter((_answer, index) => uses[index]!.nonce === nonce);
        assert.equal(new Set(mine).size, 1, `one first user of ${nonce}`);
        assert.ok(uses.some((use) => use.nonce === nonce && use.id === mine[0]), `${nonce}'s first user is one of its callers`);
      }

      const secrets = await Promise.all(Array.from({ length: 10 }, (_, index) => (index % 2 === 0 ? a : b).receiverSecret('form-token')));
      assert.equal(new Set(secrets).size, 1);
      assert.ok(secrets[0]!.length >= 40);
      assert.notEqual(await a.receiverSecret('other'), secrets[0]);
    });
  });
});
