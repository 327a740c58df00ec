/**
 * A flood (README "Bots and floods"): a few thousand signatures posted as fast as the machine
 * allows, each with a new address and a valid form token (the strongest script: it fetched
 * tokens and waited out the minimum), through the real receiver to a real SMTP server on
 * 127.0.0.1. What must hold: the count rises by no more than the limits allow, and the target's
 * inbox by no more than the campaign's hourly cap, however the flood dresses its addresses.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formToken, getCount, signature } from './helpers.ts';
import { campaignBody, putCampaign, sleep, TARGETS } from './support/admin.ts';
import { assertNothingMoreArrives, messagesTo, startMailReceiver, type MailReceiver } from './support/mail-receiver.ts';

const CAMPAIGN = 'flood';
const POSTS = 2_000;
const PER_ADDRESS = 30;
const PER_CAMPAIGN = 40;
const HOURLY_CAP = 5;
const TARGET = TARGETS[0];

/** Posts `POSTS` signatures, 50 at a time, each from a forged X-Forwarded-For address; returns the statuses. */
async function flood(url: string, withToken: boolean): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  let next = 0;
  const worker = async () => {
    while (next < POSTS) {
      const index = next++;
      const body = signature({ campaign: CAMPAIGN, createdAt: new Date().toISOString(), formToken: withToken ? formToken(CAMPAIGN, 5_000) : undefined });
      const response = await fetch(`${url}/api/signatures`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}` },
        body: JSON.stringify(body),
      });
      await response.arrayBuffer();
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: 50 }, worker));
  return statuses;
}

async function floodedReceiver(trustProxy: string): Promise<MailReceiver> {
  const receiver = await startMailReceiver({
    env: { RATE_LIMIT_MAX: String(PER_ADDRESS), CAMPAIGN_RATE_LIMIT_MAX: String(PER_CAMPAIGN), TRUST_PROXY: trustProxy, FORM_MIN_MS: '3000' },
  });
  await putCampaign(receiver.server.url, CAMPAIGN, campaignBody(CAMPAIGN, { mode: 'each', targets: [TARGET], hourlyCap: HOURLY_CAP }));
  return receiver;
}

/** Runs the worker until the target's inbox stops growing; the inbox then. */
async function inboxAfterSending(receiver: MailReceiver): Promise<number> {
  for (let round = 0; round < 5; round++) {
    await receiver.runOnce();
    await sleep(200);
  }
  await assertNothingMoreArrives(receiver, 'no letter beyond the hourly cap');
  return messagesTo(receiver.sink, TARGET.email).length;
}

test('TRUST_PROXY off: forged X-Forwarded-For is ignored, one address gets its per-address budget, the target its hourly cap', async () => {
  const receiver = await floodedReceiver('false');
  try {
    const statuses = await flood(receiver.server.url, true);
    assert.equal(statuses.get(201), PER_ADDRESS, `statuses: ${JSON.stringify([...statuses])}`);
    assert.equal(statuses.get(429), POSTS - PER_ADDRESS);
    assert.equal(await getCount(receiver.server.url, CAMPAIGN), PER_ADDRESS);
    assert.equal(await inboxAfterSending(receiver), HOURLY_CAP);
  } finally {
    await receiver.close();
  }
});

test('TRUST_PROXY=1: thousands of addresses pass the per-address limit, the per-campaign limit and the hourly cap still hold', async () => {
  const receiver = await floodedReceiver('1');
  try {
    const statuses = await flood(receiver.server.url, true);
    assert.equal(statuses.get(201), PER_CAMPAIGN, `statuses: ${JSON.stringify([...statuses])}`);
    const tooMany = await fetch(`${receiver.server.url}/api/signatures`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '192.0.2.1' },
      body: JSON.stringify(signature({ campaign: CAMPAIGN, formToken: formToken(CAMPAIGN, 5_000) })),
    });
    assert.equal(tooMany.status, 429);
    assert.ok(Number(tooMany.headers.get('retry-after')) >= 1, 'the widget is told when to retry');
    assert.equal(await getCount(receiver.server.url, CAMPAIGN), PER_CAMPAIGN);
    assert.equal(await inboxAfterSending(receiver), HOURLY_CAP);
  } finally {
    await receiver.close();
  }
});

test('a flood without tokens, from thousands of addresses: nothing counted, nothing sent', async () => {
  const receiver = await floodedReceiver('1');
  try {
    const statuses = await flood(receiver.server.url, false);
    assert.equal((statuses.get(201) ?? 0) + (statuses.get(429) ?? 0), POSTS);
    assert.equal(await getCount(receiver.server.url, CAMPAIGN), 0);
    assert.equal(await inboxAfterSending(receiver), 0);
  } finally {
    await receiver.close();
  }
});
