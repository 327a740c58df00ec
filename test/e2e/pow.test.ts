/**
 * Proof of work (README "Bots and floods") end to end: a campaign that turned it on
 * (`delivery.proofOfWork`), the built script under the strict Content Security Policy the README
 * recommends, the real receiver with the shipped minimum time. A keyboard-only person fills the
 * form, ticks ALTCHA's box with Space (its strings from the widget's locale file), sends with
 * Enter and is counted; axe finds nothing before or after the check; no policy violation; the
 * embed loaded pow/appeal-pow.js only for this campaign.
 */
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { assertNoViolations, axe } from './support/axe.ts';
import { STRICT_CSP } from './support/csp.ts';
import { htmlPage, launchBrowser, localeStrings, removeTemp, snapshotDist, startReceiver, staticServer, tempDir, tr, waitForWidget, watchErrors, type Receiver } from './support/pages.ts';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const CAMPAIGN = 'pow-e2e';
const PLAIN = 'pow-off';
const en = localeStrings('en');

const page = (campaign: string) =>
  htmlPage(`<main><h1>Appeal under attack</h1>
<script src="/dist/appeal-widget.js" data-endpoint="/api/signatures" data-campaign="${campaign}"
  data-campaign-url="/api/campaigns/${campaign}" data-organiser="the Test Union" data-lang="en" async></script></main>`);

let root: string;
let receiver: Receiver;
let server: Awaited<ReturnType<typeof staticServer>>;
let browser: Browser;

before(async () => {
  root = tempDir('pow');
  const dist = snapshotDist();
  cpSync(dist, join(root, 'dist'), { recursive: true });
  removeTemp(dist);
  writeFileSync(join(root, 'index.html'), page(CAMPAIGN));
  writeFileSync(join(root, 'plain.html'), page(PLAIN));
  writeFileSync(join(root, 'ar.html'), page(CAMPAIGN).replace('data-lang="en"', 'data-lang="ar"'));
  receiver = await startReceiver({ campaigns: [PLAIN], env: { FORM_MIN_MS: '3000', POW_COST: '300' } });
  await receiver.app.signatureStore.putCampaign(CAMPAIGN, {
    document: { id: CAMPAIGN, texts: { en: { title: 'Free them', appeal: 'Sign now.' } } },
    status: 'open',
    delivery: { mode: 'off', targets: [], confirm: false, replyTo: 'none', test: false, hourlyCap: 30, proofOfWork: true },
  });
  server = await staticServer(root, { proxy: receiver.url, headers: () => ({ 'content-security-policy': STRICT_CSP }) });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
  await receiver?.close();
  removeTemp(root);
});

async function open(path: string): Promise<{ tab: Page; requests: string[]; errors: ReturnType<typeof watchErrors> }> {
  const context = await browser.newContext({ locale: 'en-GB' });
  await context.addInitScript(() => {
    const found: unknown[] = [];
    (window as unknown as { __violations: unknown[] }).__violations = found;
    document.addEventListener('securitypolicyviolation', (event) => found.push({ directive: event.violatedDirective, blocked: event.blockedURI }), true);
  });
  const tab = await context.newPage();
  const requests: string[] = [];
  tab.on('request', (request) => requests.push(new URL(request.url()).pathname));
  const errors = watchErrors(tab);
  await tab.goto(`${server.url}${path}`);
  return { tab, requests, errors };
}

/** axe, evaluated through the DevTools protocol: the policy refuses the inline script support/axe.ts would add. */
async function checkAxe(tab: Page, state: string): Promise<void> {
  if (!(await tab.evaluate(() => 'axe' in window))) await tab.evaluate(AXE_SOURCE);
  assertNoViolations(await axe(tab), state);
}

/** The deep focused element: its name, or the tag, and whether it is in ALTCHA's widget. */
const focused = (tab: Page) =>
  tab.evaluate(() => {
    let element = document.activeElement;
    while (element?.shadowRoot?.activeElement) element = element.shadowRoot.activeElement;
    return { name: element?.getAttribute('name') ?? element?.tagName.toLowerCase() ?? '', inPow: !!element?.closest('altcha-widget'), type: element?.getAttribute('type') ?? '' };
  });

test('with proof of work on: a keyboard-only person ticks the check, signs and is counted; axe and the policy find nothing', async () => {
  const { tab, requests, errors } = await open('/');
  const widget = tab.locator('appeal-widget');
  await waitForWidget(widget);
  const check = widget.locator('[part="pow"] altcha-widget');
  await check.waitFor();
  await widget.locator('[part="pow"]', { hasText: tr(en, 'pow.label') }).waitFor();
  await checkAxe(tab, 'the form with the proof-of-work check');
  await tab.waitForTimeout(3_000);
  const stops: string[] = [];
  for (let press = 0; press < 14 && !(await widget.locator('[part="thanks"]').isVisible()); press++) {
    await tab.keyboard.press('Tab');
    const stop = await focused(tab);
    stops.push(stop.inPow ? `pow:${stop.type}` : stop.name);
    if (stop.name === 'firstName') await tab.keyboard.type('Aigerim', { delay: 20 });
    else if (stop.name === 'lastName') await tab.keyboard.type('Nurlanovna', { delay: 20 });
    else if (stop.name === 'email') await tab.keyboard.type(`pow.${Date.now()}@example.org`, { delay: 20 });
    else if (stop.name === 'country') await tab.keyboard.type('Kazakh');
    else if (stop.name === 'consentUpdates') await tab.keyboard.press('Space');
    else if (stop.inPow && stop.type === 'checkbox') {
      await tab.keyboard.press('Space');
      await widget.locator('[part="pow"]', { hasText: tr(en, 'pow.verified') }).waitFor({ timeout: 30_000 });
      // Said to screen readers too: ALTCHA's label changes silently, the status line announces it.
      assert.equal(await widget.locator('[part="pow"] [role="status"]').textContent(), tr(en, 'pow.verified'));
      await checkAxe(tab, 'the form, checked');
      await tab.screenshot({ path: join(tmpdir(), 'appeal-widget-pow-checked.png'), fullPage: true });
    } else if (stop.name === 'button') await tab.keyboard.press('Enter');
  }
  assert.ok(stops.includes('pow:checkbox'), `the check is a keyboard stop: ${stops.join(' → ')}`);
  await widget.locator('[part="thanks"]').waitFor({ state: 'visible' });
  assert.equal(await receiver.count(CAMPAIGN), 1, `counted (stops: ${stops.join(' → ')})`);
  const db = new Database(receiver.databasePath, { readonly: true });
  const held = db.prepare('SELECT reason FROM quarantined_signatures').all();
  db.close();
  assert.deepEqual(held, []);
  assert.ok(requests.includes('/dist/pow/appeal-pow.js') && requests.includes('/dist/pow/pbkdf2.js'), requests.join(' '));
  assert.deepEqual(await tab.evaluate(() => (window as unknown as { __violations: unknown[] }).__violations), []);
  assert.deepEqual(errors.pageErrors.map(String), []);
  assert.deepEqual(errors.consoleErrors, []);
  await tab.context().close();
});

test('with proof of work off, nothing of it is loaded and the form has no check', async () => {
  const { tab, requests } = await open('/plain.html');
  await waitForWidget(tab.locator('appeal-widget'));
  assert.equal(await tab.locator('appeal-widget [part="pow"]').count(), 0);
  assert.ok(!requests.some((path) => path.includes('/pow/')), requests.join(' '));
  await tab.context().close();
});

test('in Arabic the check speaks the Arabic locale file (English until it has its pow.* strings), right to left', async () => {
  const { tab } = await open('/ar.html');
  const widget = tab.locator('appeal-widget');
  await waitForWidget(widget);
  const ar = localeStrings('ar') as { pow?: Record<string, string> };
  const label = ar.pow?.['label'] ?? tr(en, 'pow.label');
  await widget.locator('[part="pow"]', { hasText: label }).waitFor();
  assert.equal(await widget.evaluate((element) => element.getAttribute('dir')), 'rtl');
  await checkAxe(tab, 'the Arabic form with the proof-of-work check');
  await tab.context().close();
});

test('a signer who never ticks the box: sending solves the check first, and the signature is counted', async () => {
  const { tab } = await open('/');
  const widget = tab.locator('appeal-widget');
  await waitForWidget(widget);
  await widget.locator('[part="pow"] altcha-widget').waitFor();
  await tab.waitForTimeout(3_000);
  const before = await receiver.count(CAMPAIGN);
  await widget.locator('[name="firstName"]').fill('Dana');
  await widget.locator('[name="lastName"]').fill('K.');
  await widget.locator('[name="email"]').fill(`untick.${Date.now()}@example.org`);
  await widget.locator('select[name="country"]').selectOption('KZ');
  await widget.locator('button[type="submit"]').click();
  await widget.locator('[part="thanks"]').waitFor({ state: 'visible', timeout: 30_000 });
  assert.equal(await receiver.count(CAMPAIGN), before + 1);
  await tab.context().close();
});
