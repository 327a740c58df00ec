/**
 * The console in other languages (issue 19), in Chromium, on the real receiver and its SQLite
 * file seeded with a campaign's history (server/test/support/console-seed.ts): Arabic and Hebrew
 * right to left, Japanese for a CJK script. Each browser asks for its language; the organiser logs
 * in and goes through every page and its states: each in the console's translation (no missing
 * key, no English left behind), `<html lang dir>` set, numbers and dates as Intl writes them in
 * that language, the chart drawn, and axe clean. Then the language choice in the banner: picked,
 * remembered after a reload, and given back.
 *
 * A screenshot of the Hebrew overview goes to a temporary folder, or to docs/screenshots/ with
 * UPDATE_SCREENSHOTS=1.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { postJson, signature, type TestServer } from '../../server/test/helpers.ts';
import { campaignDocument } from '../../server/test/support/admin.ts';
import { addOrganiser, ORGANISER, PASSWORD } from '../../server/test/support/console.ts';
import { DAY_MS, day, overviewFromDatabase, putSeedCampaign, seedConsoleCampaign, today } from '../../server/test/support/console-seed.ts';
import { campaignChanged } from '../../server/src/routes/admin/admin-common.ts';
import { assertNoViolations, axe } from './support/axe.ts';
import { launchBrowser, removeTemp, ROOT, snapshotDist, startReceiver, tr, watchErrors, type Receiver, type Strings } from './support/pages.ts';

const OUT = process.env['UPDATE_SCREENSHOTS'] ? join(ROOT, 'docs', 'screenshots') : join(tmpdir(), 'appeal-widget-screenshots');
const CAMPAIGN = 'free-baltabay';
const GOAL = 500;
const PERSON = 'aigerim.nurlanovna@example.org';
/** The languages driven through every page, and their direction. */
const LANGUAGES = [
  { code: 'ar', dir: 'rtl' },
  { code: 'he', dir: 'rtl' },
  { code: 'ja', dir: 'ltr' },
] as const;

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let dist: string;
let receiver: Receiver;
let db: Database.Database;
let browser: Browser;

/** The console's strings of `code`, nested as in the file. */
const consoleStrings = (code: string): Strings => JSON.parse(readFileSync(join(ROOT, 'console', 'locales', `${code}.json`), 'utf8')) as Strings;

/** `a.b.c` → text, of nested strings. */
function flatten(strings: Strings, prefix = ''): Map<string, string> {
  const flat = new Map<string, string>();
  for (const [key, value] of Object.entries(strings)) {
    if (typeof value === 'string') flat.set(`${prefix}${key}`, value);
    else for (const [inner, text] of flatten(value, `${prefix}${key}.`)) flat.set(inner, text);
  }
  return flat;
}

before(async () => {
  mkdirSync(OUT, { recursive: true });
  dist = snapshotDist();
  receiver = await startReceiver({ dist, console: join(dist, 'console'), campaigns: [] });
  const store = receiver.app.signatureStore;
  await seedConsoleCampaign(store, receiver.databasePath, CAMPAIGN);
  const base = campaignDocument(CAMPAIGN, 'Free Erlan Baltabay') as Record<string, unknown>;
  await putSeedCampaign(store, CAMPAIGN, { document: { ...base, goal: GOAL } });
  campaignChanged(receiver.app, CAMPAIGN);
  const signed = await postJson(receiver.url, signature({ campaign: CAMPAIGN, locale: 'kk' }, { firstName: 'Aigerim', lastName: 'Nurlanovna', email: PERSON }));
  assert.equal(signed.status, 201, JSON.stringify(signed.body));
  await addOrganiser({ app: receiver.app } as TestServer);
  db = new Database(receiver.databasePath, { readonly: true, fileMustExist: true });
  browser = await launchBrowser();
});

after(async () => {
  db?.close();
  await browser?.close();
  await receiver?.close();
  removeTemp(dist);
});

/** A page of a browser whose language is `code`, in UTC. */
async function browserIn(code: string): Promise<{ page: Page; errors: ReturnType<typeof watchErrors>; close(): Promise<void> }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1, locale: code, timezoneId: 'UTC' });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  return { page, errors: watchErrors(page), close: () => context.close() };
}

describe('the console in Arabic, Hebrew and Japanese', () => {
  for (const { code, dir } of LANGUAGES) {
    test(`${code}: every page and state in ${code}, ${dir}, numbers and dates in ${code}, axe clean`, async () => {
      assert.ok(existsSync(join(ROOT, 'console', 'locales', `${code}.json`)), `console/locales/${code}.json is missing`);
      const strings = consoleStrings(code);
      const own = new Set(flatten(strings).values());
      // The English texts this language writes otherwise: none may be shown.
      const english = [...flatten(consoleStrings('en')).values()].filter((text) => !own.has(text) && !text.includes('{{') && /\p{L}/u.test(text));
      const number = (value: number) => new Intl.NumberFormat(code).format(value);
      const { page, errors, close } = await browserIn(code);

      /** The state the page is in: its language and direction, no English left, and axe. */
      const check = async (state: string) => {
        assert.deepEqual(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir]), [code, dir], state);
        const shown = await page.evaluate(() => {
          const texts: string[] = [];
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            if (node instanceof Element) {
              for (const name of ['aria-label', 'title', 'placeholder']) if (node.hasAttribute(name)) texts.push(node.getAttribute(name)!);
            } else if (!node.parentElement?.closest('code, pre, textarea, script, style, iframe')) texts.push(node.textContent ?? '');
          }
          return texts.map((text) => text.replace(/\s+/g, ' ').trim()).filter(Boolean);
        });
        const left = shown.filter((text) => english.includes(text));
        assert.deepEqual(left, [], `${code}, ${state}: English left behind`);
        if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
        assertNoViolations(await axe(page), `${code}, ${state}`);
      };
      const heading = (key: string, values: Record<string, string> = {}) => page.locator('h1', { hasText: tr(strings, key, values) }).waitFor();

      try {
        // The browser's language decides, with nothing chosen yet.
        await page.goto(`${receiver.url}/admin/`);
        await heading('login.title');
        await check('login');
        await page.locator('#login-email').fill(ORGANISER);
        await page.locator('#login-password').fill('not the password');
        await page.keyboard.press('Enter');
        await page.locator('login-page [role="alert"]', { hasText: tr(strings, 'login.invalid') }).waitFor();
        await check('login, refused');
        await page.locator('#login-password').fill(PASSWORD);
        await page.keyboard.press('Enter');

        const expected = overviewFromDatabase(db, CAMPAIGN, day(today() - 29 * DAY_MS), day(today()));
        await heading('campaigns.title');
        const row = page.locator(`tr[data-campaign="${CAMPAIGN}"]`);
        assert.equal(await row.locator('[data-column="count"]').innerText(), number(expected.count));
        assert.equal(await page.locator('table caption').innerText(), tr(strings, `campaigns.caption_${new Intl.PluralRules(code).select(1)}`, { count: number(1) }));
        await check('campaigns');

        await page.goto(`${receiver.url}/admin/campaigns/${CAMPAIGN}`);
        await heading('overview.title', { id: CAMPAIGN });
        await page.locator('count-chart canvas').first().waitFor();
        assert.equal(await page.locator('dd[data-value="count"]').innerText(), number(expected.count));
        const firstDay = await page.locator('#days-table tbody tr th').first().innerText();
        assert.equal(firstDay, new Intl.DateTimeFormat(code, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${expected.days[0]!.date}T00:00:00Z`)));
        // The chart is drawn, right to left or not: many pixels of the line's colour (#1d4ed8) in each.
        const drawn = await page.locator('count-chart canvas').evaluateAll((canvases) =>
          canvases.map((canvas) => {
            const { width, height } = canvas as HTMLCanvasElement;
            const pixels = (canvas as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, width, height).data;
            let line = 0;
            for (let i = 0; i < pixels.length; i += 4) if (Math.abs(pixels[i]! - 29) < 40 && Math.abs(pixels[i + 1]! - 78) < 40 && Math.abs(pixels[i + 2]! - 216) < 40 && pixels[i + 3]! > 200) line += 1;
            return line;
          }),
        );
        assert.equal(drawn.length, 2);
        for (const line of drawn) assert.ok(line > 300, `only ${line} pixels of the chart's line`);
        // The chart stays within its box, its canvas not pushed out by the direction.
        const boxes = await page.locator('count-chart').evaluateAll((charts) =>
          charts.map((chart) => {
            const outer = chart.getBoundingClientRect();
            const canvas = chart.querySelector('canvas')!.getBoundingClientRect();
            return canvas.left >= outer.left - 1 && canvas.right <= outer.right + 1;
          }),
        );
        assert.deepEqual(boxes, [true, true]);
        await check('overview');
        if (code === 'he') await page.screenshot({ path: join(OUT, 'console-he-overview.png'), fullPage: false });
        await page.locator('#range-from').fill('2026-02-10');
        await page.locator('#range-to').fill('2026-02-01');
        await page.getByRole('button', { name: tr(strings, 'overview.show') }).click();
        await page.locator('#range-error').waitFor();
        await check('overview, dates refused');

        await page.goto(`${receiver.url}/admin/campaigns/${CAMPAIGN}/edit`);
        await heading('edit.title', { id: CAMPAIGN });
        await page.locator('[id="field-document.texts.en.title"]').waitFor();
        await check('edit');
        await page.locator('[id="field-document.texts.en.title"]').fill('');
        await page.locator('[id="field-delivery.mode"]').selectOption('digest');
        await page.locator('[id="field-delivery.confirm"]').check();
        await page.getByRole('button', { name: tr(strings, 'edit.save') }).click();
        await page.locator('.error-summary').waitFor();
        await check('edit, refused');

        await page.goto(`${receiver.url}/admin/campaigns/${CAMPAIGN}/embed`);
        await heading('embed.title', { id: CAMPAIGN });
        await page.locator('#snippet-script').waitFor();
        await page.locator('#embed-site').fill('https://elsewhere.example/blog');
        await page.locator('#embed-site-warning').waitFor();
        await check('embed, a site refused');

        await page.goto(`${receiver.url}/admin/campaigns/${CAMPAIGN}/export`);
        await heading('export.title', { id: CAMPAIGN });
        await check('export');

        await page.goto(`${receiver.url}/admin/erasure`);
        await heading('erasure.title');
        await page.locator('#erasure-email').fill(PERSON);
        await page.keyboard.press('Enter');
        await page.locator('table caption', { hasText: PERSON }).waitFor();
        await check('erasure, found');
        await page.locator('#erasure-anonymise').check();
        await page.locator('#erasure-start').click();
        await page.locator('#erasure-question').waitFor();
        await check('erasure, confirming');

        await page.goto(`${receiver.url}/admin/nothing-here`);
        await heading('notFound.title');
        await check('not found');

        const missing = errors.consoleErrors.filter((text) => text.includes('Missing translation'));
        assert.deepEqual(missing, [], `${code}: missing keys`);
        assert.deepEqual(errors.pageErrors.map(String), []);
      } finally {
        await close();
      }
    });
  }

  test('the language choice in the banner: picked, remembered on this browser, given back', async () => {
    const { page, close } = await browserIn('en-GB');
    try {
      await page.goto(`${receiver.url}/admin/`);
      const en = consoleStrings('en');
      await page.locator('h1', { hasText: tr(en, 'login.title') }).waitFor();
      const choice = page.getByLabel(tr(en, 'app.language'));
      assert.equal(await choice.inputValue(), 'en');
      // Each language named in itself.
      assert.equal(await choice.locator('option[value="he"]').innerText(), 'עברית');
      assert.equal(await choice.locator('option[value="he"]').getAttribute('lang'), 'he');

      const he = consoleStrings('he');
      await choice.selectOption('he');
      await page.locator('h1', { hasText: tr(he, 'login.title') }).waitFor();
      assert.deepEqual(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir]), ['he', 'rtl']);
      assert.equal(await page.title(), tr(he, 'app.documentTitle', { page: tr(he, 'titles.login') }));
      // The banner turns with the page: the language choice at the end of its line, the left right to left.
      const [banner, select] = await Promise.all([page.locator('.banner').boundingBox(), page.locator('.language-choice').boundingBox()]);
      assert.ok(select!.x - banner!.x < banner!.width / 2, 'the choice sits at the left of a right-to-left banner');

      await page.reload();
      await page.locator('h1', { hasText: tr(he, 'login.title') }).waitFor();
      assert.equal(await page.getByLabel(tr(he, 'app.language')).inputValue(), 'he');

      await page.getByLabel(tr(he, 'app.language')).selectOption('en');
      await page.locator('h1', { hasText: tr(en, 'login.title') }).waitFor();
      assert.deepEqual(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir]), ['en', 'ltr']);
      assert.equal(await page.evaluate(() => localStorage.getItem('appeal-console:language')), 'en');
    } finally {
      await close();
    }
  });
});
