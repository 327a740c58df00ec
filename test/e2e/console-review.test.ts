/**
 * The console's "Held back" page (README "Bots and floods") in Chromium, on the built console
 * and the real receiver: signatures a script sent straight to the endpoint (no form token, or the
 * honeypot filled) are listed with their reason; the organiser, by keyboard alone, releases one
 * (it is counted, its letter queued) and deletes another, each after a confirmation; axe finds
 * nothing in the list or in the confirmation.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { postJson, signature } from '../../server/test/helpers.ts';
import { campaignBody, TARGETS } from '../../server/test/support/admin.ts';
import { addOrganiser, ORGANISER, PASSWORD } from '../../server/test/support/console.ts';
import { assertNoViolations, axe } from './support/axe.ts';
import { launchBrowser, removeTemp, snapshotDist, startReceiver, type Receiver } from './support/pages.ts';

const CAMPAIGN = 'review-campaign';
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let dist: string;
let receiver: Receiver;
let browser: Browser;
let page: Page;

before(async () => {
  dist = snapshotDist();
  receiver = await startReceiver({ dist, console: join(dist, 'console'), campaigns: [] });
  const body = campaignBody(CAMPAIGN, { mode: 'each', targets: [TARGETS[0]] });
  await receiver.app.signatureStore.putCampaign(CAMPAIGN, body as never);
  await addOrganiser({ app: receiver.app } as never, ORGANISER, PASSWORD);
  browser = await launchBrowser();
  page = await browser.newPage();
});

after(async () => {
  await browser?.close();
  await receiver?.close();
  removeTemp(dist);
});

async function checkAxe(state: string): Promise<void> {
  // Through the DevTools protocol: the console's policy refuses the inline script support/axe.ts adds.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  assertNoViolations(await axe(page), state);
}

const focused = () => page.evaluate(() => ({ id: document.activeElement?.id ?? '', text: document.activeElement?.textContent?.trim() ?? '' }));

function rows(sql: string): unknown[] {
  const db = new Database(receiver.databasePath, { readonly: true });
  try {
    return db.prepare(sql).all(CAMPAIGN);
  } finally {
    db.close();
  }
}

test('held signatures are listed with their reason; release and delete, by keyboard, each after a confirmation', async () => {
  const person = signature({ campaign: CAMPAIGN, formToken: undefined }, { firstName: 'Aigerim', lastName: 'Nurlanovna', email: 'aigerim@example.org' });
  const bot = signature({ campaign: CAMPAIGN, honeypot: 'cheap pills' }, { firstName: 'Spam', lastName: 'Bot', email: 'bot@example.org' });
  for (const body of [person, bot]) assert.equal((await postJson(receiver.url, body)).status, 201);
  assert.equal(await receiver.count(CAMPAIGN), 0);

  await page.goto(`${receiver.url}/admin/login`);
  await page.locator('#login-email').fill(ORGANISER);
  await page.locator('#login-password').fill(PASSWORD);
  await page.keyboard.press('Enter');
  await page.locator('campaigns-page').waitFor();
  await page.goto(`${receiver.url}/admin/campaigns/${CAMPAIGN}/review`);
  const table = page.locator('review-page table');
  await table.waitFor();
  const text = await table.innerText();
  assert.match(text, /Aigerim Nurlanovna/);
  assert.match(text, /Sent without the form's token/);
  assert.match(text, /Filled in the hidden field/);
  assert.match(text, /cheap pills/);
  assert.equal(await page.locator('review-page nav a[aria-current="page"]').innerText(), 'Held back');
  await checkAxe('held back, the list');
  await page.screenshot({ path: join(tmpdir(), 'appeal-widget-console-review.png'), fullPage: true });

  // Keyboard: Tab to Aigerim's "Release", Enter; the confirmation takes the focus; Enter again.
  const release = `review-release-${person.id}`;
  for (let presses = 0; presses < 30 && (await focused()).id !== release; presses++) await page.keyboard.press('Tab');
  assert.equal((await focused()).id, release);
  await page.keyboard.press('Enter');
  assert.equal((await focused()).id, 'review-confirm');
  await page.screenshot({ path: join(tmpdir(), 'appeal-widget-console-review-confirm.png'), fullPage: true });
  assert.match(await page.locator('#review-question').innerText(), /Release the signature of Aigerim Nurlanovna\?/);
  await checkAxe('held back, confirming a release');
  await page.keyboard.press('Enter');
  await page.locator('p.status[role="status"]', { hasText: 'Released and counted' }).waitFor();
  assert.equal(await receiver.count(CAMPAIGN), 1, 'released: counted');
  assert.deepEqual(rows("SELECT status FROM letters WHERE campaign = ?"), [{ status: 'queued' }], 'its letter queued');

  // Delete the bot's, cancelling once first: nothing changes until "yes".
  const remove = `review-delete-${bot.id}`;
  for (let presses = 0; presses < 30 && (await focused()).id !== remove; presses++) await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  assert.equal((await focused()).id, remove, 'cancel puts the focus back on the button');
  assert.equal(rows('SELECT id FROM quarantined_signatures WHERE campaign = ?').length, 1);
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  await page.locator('review-page', { hasText: 'No signature is held back.' }).waitFor();
  assert.equal(rows('SELECT id FROM quarantined_signatures WHERE campaign = ?').length, 0);
  assert.equal(await receiver.count(CAMPAIGN), 1);
  await checkAxe('held back, empty');
});

test('the edit page turns proof of work on for the campaign: its document then carries a challenge', async () => {
  const before = (await (await fetch(`${receiver.url}/api/campaigns/${CAMPAIGN}`)).json()) as Record<string, unknown>;
  assert.equal(before.pow, undefined);
  await page.goto(`${receiver.url}/admin/campaigns/${CAMPAIGN}/edit`);
  const box = page.getByLabel('Ask each signer’s browser for a proof of work');
  await box.waitFor();
  await box.focus();
  await page.keyboard.press('Space');
  assert.equal(await box.isChecked(), true);
  await checkAxe('edit, proof of work ticked');
  await page.getByRole('button', { name: 'Save the campaign' }).click();
  await page.locator('p.status[role="status"]', { hasText: 'Saved.' }).waitFor();
  const stored = await receiver.app.signatureStore.getCampaign(CAMPAIGN);
  assert.equal(stored?.delivery.proofOfWork, true);
  const after = (await (await fetch(`${receiver.url}/api/campaigns/${CAMPAIGN}`)).json()) as { pow?: { parameters?: { algorithm?: string } } };
  assert.equal(after.pow?.parameters?.algorithm, 'PBKDF2/SHA-256');
});
