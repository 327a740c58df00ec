/**
 * The per-campaign cap (CAMPAIGN_RATE_LIMIT_MAX) with two receivers on one PostgreSQL database:
 * counted in the shared counters (campaign-rate.ts), so a flood spread over both still gets the
 * campaign's cap once, not once per receiver. In memory (SQLite, one receiver): flood.test.ts.
 * Also the statement those counters share with the form tokens' uses (request-writes.ts).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSharedCampaignRate } from '../src/bots/campaign-rate.ts';
import { postgresAvailable, startTestCluster, type TestCluster } from './support/postgres.ts';
import { withTwoStores } from './support/two-receivers.ts';

const skip = postgresAvailable() ? false : 'PostgreSQL is not installed (apt-get install postgresql)';

describe('PostgreSQL per-campaign rate, two receivers', { skip }, () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await startTestCluster();
  });
  after(async () => {
    await cluster?.destroy();
  });

  test('a flood spread over two receivers passes the campaign cap once; other campaigns keep their own', async () => {
    await withTwoStores(cluster, async (a, b) => {
      const MAX = 25;
      // A long window, so a loaded machine cannot start a new one halfway through.
      const rates = [createSharedCampaignRate(a.rateLimits!, MAX, 600_000), createSharedCampaignRate(b.rateLimits!, MAX, 600_000)];
      const waits = await Promise.all(Array.from({ length: 200 }, (_, index) => rates[index % 2]!('flooded', Date.now())));
      assert.equal(waits.filter((wait) => wait === undefined).length, MAX);
      const refused = waits.filter((wait): wait is number => wait !== undefined);
      assert.ok(refused.every((wait) => wait >= 1 && wait <= 600), `Retry-After within the window: ${refused.slice(0, 5).join(', ')}`);
      assert.equal(await rates[1]!('quiet', Date.now()), undefined, 'another campaign is not held back');
    });
  });

  test('requests for many keys at once, on two receivers: each takes its own place in its own key\'s window', async () => {
    await withTwoStores(cluster, async (a, b) => {
      const keys = ['POST /api/signatures|203.0.113.1', 'POST /api/signatures|203.0.113.2', 'campaign-rate|some-campaign'];
      const requests = Array.from({ length: 90 }, (_, index) => keys[index % keys.length]!);
      const places = await Promise.all(requests.map((key, index) => (index % 2 === 0 ? a : b).rateLimits!.increment(key, 600_000)));
      for (const key of keys) {
        const counts = places.filter((_place, index) => requests[index] === key).map((place) => place.count).sort((x, y) => x - y);
        assert.deepEqual(counts, Array.from({ length: 30 }, (_, index) => index + 1), `${key}: places 1 to 30, each once`);
      }
      assert.ok(places.every((place) => place.ttlMs > 0 && place.ttlMs <= 600_000));
    });
  });

  test('counts and token uses made at the same moment share statements, and each gets its own answer', async () => {
    await withTwoStores(cluster, async (a, b) => {
      const now = Date.now();
      const calls = Array.from({ length: 40 }, (_, index) => {
        const store = index % 2 === 0 ? a : b;
        return index % 4 < 2
          ? store.rateLimits!.increment('campaign-rate|shared', 600_000).then((place) => place.count)
          : store.recordFormTokenUse(`nonce-${index % 3}`, `signature-${index}`, now, now - 60_000);
      });
      const answers = await Promise.all(calls);
      const counts = answers.filter((answer): answer is number => typeof answer === 'number').sort((x, y) => x - y);
      assert.deepEqual(counts, Array.from({ length: 20 }, (_, index) => index + 1), 'places 1 to 20, each once');
      const uses = answers.map((answer, index) => ({ answer, index })).filter(({ answer }) => typeof answer === 'string');
      for (const nonce of [0, 1, 2]) {
        const firsts = new Set(uses.filter(({ index }) => index % 3 === nonce).map(({ answer }) => answer));
        assert.equal(firsts.size, 1, `one first user of nonce-${nonce}`);
      }
    });
  });
});
