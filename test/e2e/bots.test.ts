/**
 * The bot checks end to end (README "Bots and floods"), on the built script and the real receiver
 * with the shipped minimum time (FORM_MIN_MS 3 s): a headless browser that fills and submits the
 * form within 100 ms of it appearing is quarantined (and shown the same thanks as anyone); one
 * that fills every input it finds fills the honeypot; a keyboard-only person who reads the appeal
 * and then types signs as before and is counted.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { htmlPage, launchBrowser, removeTemp, snapshotDist, startReceiver, tempDir, waitForWidget, type Receiver } from './support/pages.ts';
import { assertNoViolations, axe } from './support/axe.ts';

const CAMPAIGNS = ['bots-fast', 'bots-trap', 'bots-human'];

const page = (campaign: string) =>
  htmlPage(`<main><h1>Appeal</h1>
<script src="/dist/appeal-widget.js" data-endpoint="/api/signatures" data-campaign="${campaign}"
  data-campaign-url="/api/campaigns/${campaign}" data-organiser="the Test Union" data-lang="en"></script></main>`);

let pagesDir: string;
let dist: string;
let receiver: Receiver;
let browser: Browser;

before(async () => {
  dist = snapshotDist();
  pagesDir = tempDir('bots-pages');
  for (const campaign of CAMPAIGNS) writeFileSync(join(pagesDir, `${campaign}.html`), page(campaign));
  receiver = await startReceiver({ demo: pagesDir, dist, campaigns: CAMPAIGNS, env: { FORM_MIN_MS: '3000' } });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await receiver?.close();
  removeTemp(pagesDir, dist);
});

function heldReasons(campaign: string): string[] {
  const db = new Database(receiver.databasePath, { readonly: true });
  try {
    return db.prepare<[string], { reason: string }>('SELECT reason FROM quarantined_signatures WHERE campaign = ?').all(campaign).map((row) => row.reason);
  } finally {
    db.close();
  }
}

async function open(campaign: string): Promise<Page> {
  const tab = await browser.newPage();
  await tab.goto(`${receiver.url}/${campaign}.html`);
  return tab;
}

describe('bots in a real browser', () => {
  test('a headless browser that fills and submits within 100 ms of the form appearing is quarantined, and sees the usual thanks', async () => {
    const tab = await open('bots-fast');
    try {
      const widget = tab.locator('appeal-widget');
      await widget.locator('form').waitFor({ state: 'visible' });
      const started = Date.now();
      await widget.locator('[name="firstName"]').fill('Bot');
      await widget.locator('[name="lastName"]').fill('Net');
      await widget.locator('[name="email"]').fill(`bot.${Date.now()}@example.org`);
      await widget.locator('select[name="country"]').selectOption('KZ');
      await widget.locator('button[type="submit"]').click();
      const took = Date.now() - started;
      assert.ok(took < 1_000, `filled and submitted in ${took} ms`);
      await widget.locator('[part="thanks"]').waitFor({ state: 'visible' });
      assert.equal(await receiver.count('bots-fast'), 0, 'not counted');
      assert.deepEqual(heldReasons('bots-fast'), ['too-fast']);
    } finally {
      await tab.close();
    }
  });

  test('a script that fills every input it finds fills the honeypot too: quarantined even when it waits', async () => {
    const tab = await open('bots-trap');
    try {
      const widget = tab.locator('appeal-widget');
      await waitForWidget(widget);
      await tab.waitForTimeout(3_500);
      const filled = await widget.evaluate((element) => {
        const inputs = [...element.shadowRoot!.querySelectorAll<HTMLInputElement>('input:not([type=checkbox])')];
        for (const input of inputs) input.value = input.type === 'email' ? `trap.${Date.now()}@example.org` : 'spam';
        return inputs.map((input) => input.name);
      });
      assert.ok(filled.includes('aw-extra'), `filled: ${filled.join(', ')}`);
      for (const name of ['firstName', 'lastName', 'email']) await widget.locator(`[name="${name}"]`).dispatchEvent('input');
      await widget.locator('select[name="country"]').selectOption('KZ');
      await widget.locator('button[type="submit"]').click();
      await widget.locator('[part="thanks"]').waitFor({ state: 'visible' });
      assert.equal(await receiver.count('bots-trap'), 0);
      assert.deepEqual(heldReasons('bots-trap'), ['honeypot']);
    } finally {
      await tab.close();
    }
  });

  test('a keyboard-only person signs as before and is counted; the honeypot is never a stop; axe finds nothing', async () => {
    const tab = await open('bots-human');
    try {
      const widget = tab.locator('appeal-widget');
      await waitForWidget(widget);
      assertNoViolations(await axe(tab), 'the form with its honeypot');
      // The honeypot is out of the accessibility tree and out of sight.
      const trap = await widget.locator('.trap').evaluate((input) => {
        const box = input.getBoundingClientRect();
        return { hidden: input.getAttribute('aria-hidden'), tabIndex: (input as HTMLInputElement).tabIndex, bottom: box.bottom, autocomplete: input.getAttribute('autocomplete') };
      });
      assert.deepEqual({ ...trap, bottom: trap.bottom < 0 }, { hidden: 'true', tabIndex: -1, bottom: true, autocomplete: 'off' });
      // A person reads the appeal before filling in the form.
      await tab.waitForTimeout(3_000);
      const stops: string[] = [];
      for (let press = 0; press < 12 && !(await tab.locator('appeal-widget [part="thanks"]').isVisible()); press++) {
        await tab.keyboard.press('Tab');
        const name = await tab.evaluate(() => {
          let element = document.activeElement;
          while (element?.shadowRoot?.activeElement) element = element.shadowRoot.activeElement;
          return element?.getAttribute('name') ?? element?.tagName.toLowerCase() ?? '';
        });
        stops.push(name);
        if (name === 'firstName') await tab.keyboard.type('Aigerim', { delay: 20 });
        else if (name === 'lastName') await tab.keyboard.type('Nurlanovna', { delay: 20 });
        else if (name === 'email') await tab.keyboard.type(`keyboard.${Date.now()}@example.org`, { delay: 20 });
        else if (name === 'country') await tab.keyboard.type('Kazakh');
        else if (name === 'consentUpdates') await tab.keyboard.press('Space');
        else if (name === 'button') await tab.keyboard.press('Enter');
      }
      assert.ok(!stops.includes('aw-extra'), `focus stops: ${stops.join(' → ')}`);
      await widget.locator('[part="thanks"]').waitFor({ state: 'visible' });
      assert.equal(await receiver.count('bots-human'), 1, `counted (focus stops: ${stops.join(' → ')})`);
      assert.deepEqual(heldReasons('bots-human'), []);
    } finally {
      await tab.close();
    }
  });
});
