/**
 * The organiser's console (SPEC §10, issue 15) in Chromium: the built pages at /admin/ served by
 * the real receiver, on its real SQLite file seeded with a few hundred signatures over 30 days
 * across share channels, languages, countries and pages, and letters in several statuses
 * (server/test/support/console-seed.ts). A real organiser logs in through the real session
 * routes (with the keyboard only) and drives each page as an organiser would; every number a
 * page shows is compared with what direct SQL on the same file counts (a read-only connection);
 * each page is checked by axe and under the console's strict Content Security Policy. An edit made
 * in the console is then seen by the real widget on other pages: a page of the receiver's own, and
 * a blank page of another site into which the copied embed snippet is pasted.
 *
 * Screenshots of each page go to a temporary folder, or to docs/screenshots/ with UPDATE_SCREENSHOTS=1.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { postJson, signature, type TestServer } from '../../server/test/helpers.ts';
import { campaignDocument, TARGETS } from '../../server/test/support/admin.ts';
import { addOrganiser, ORGANISER, PASSWORD } from '../../server/test/support/console.ts';
import { DAY_MS, day, overviewFromDatabase, putSeedCampaign, seedConsoleCampaign, today, type SignatureRow } from '../../server/test/support/console-seed.ts';
import { campaignChanged } from '../../server/src/routes/admin/admin-common.ts';
import { CONSOLE_CSP } from '../../server/src/routes/console/pages.ts';
import { assertNoViolations, axe } from './support/axe.ts';
import { parse as parseCsv } from 'csv-parse/sync';
import {
  fillSigner,
  htmlPage,
  launchBrowser,
  localeStrings,
  removeTemp,
  ROOT,
  snapshotDist,
  startReceiver,
  staticServer,
  tempDir,
  tr,
  waitForWidget,
  watchErrors,
  type Receiver,
} from './support/pages.ts';

const OUT = process.env['UPDATE_SCREENSHOTS'] ? join(ROOT, 'docs', 'screenshots') : join(tmpdir(), 'appeal-widget-screenshots');

/** The campaign with a history, driven through every page. */
const CAMPAIGN = 'free-baltabay';
/** A campaign whose letters wait for their signers to confirm their address (delivery.confirm). */
const HELD = 'reinstate-miners';
/** A closed campaign, its sending paused, its goal reached. */
const CLOSED = 'old-petition';
const GOAL = 500;
/** The sites the receiver takes signatures from, besides local development (any port on 127.0.0.1, …). */
const ALLOWED_SITE = 'https://union.example';

interface Violation {
  directive: string;
  blocked: string;
  sample: string;
}

let dist: string;
let pagesDir: string;
let siteDir: string;
let receiver: Receiver;
let site: { url: string; close(): Promise<void> };
let db: Database.Database;
/** Someone who signed two campaigns and asks to be forgotten. */
const PERSON = 'Aigerim.Nurlanovna@Example.org';
let browser: Browser;
let context: BrowserContext;
let page: Page;
let errors: ReturnType<typeof watchErrors>;
/** Errors of the other pages (the widget's pages), by page. */
const otherErrors: { page: string; errors: ReturnType<typeof watchErrors> }[] = [];

/** A public document with texts in two languages, a letter and a closed notice. */
function documentOf(id: string, title: string, goal: number): Record<string, unknown> {
  const base = campaignDocument(id, title) as { texts: Record<string, Record<string, string>> };
  return { ...base, goal, texts: { ...base.texts, en: { ...base.texts['en'], closed: 'This campaign has ended. Thank you to everyone who signed.' } } };
}

before(async () => {
  mkdirSync(OUT, { recursive: true });
  dist = snapshotDist();
  // A page of the receiver's own (its demo root) with the built widget, for the campaign edited.
  pagesDir = tempDir('console-pages');
  writeFileSync(join(pagesDir, 'widget.html'), htmlPage(
    `<main><h1>Another page of the union's site</h1>
<script src="/dist/appeal-widget.js" data-endpoint="/api/signatures" data-campaign="${CAMPAIGN}" data-campaign-url="/api/campaigns/${CAMPAIGN}" data-lang="en"></script></main>`,
  ));
  receiver = await startReceiver({
    dist,
    demo: pagesDir,
    console: join(dist, 'console'),
    // Only the console's campaigns (not the other end-to-end tests'), so the list is the seed's.
    campaigns: [],
    env: { ALLOWED_ORIGINS: `${ALLOWED_SITE},local` },
  });
  const store = receiver.app.signatureStore;

  // The seed: 300 signatures over the last 30 days and 12 older ones, with letters.
  await seedConsoleCampaign(store, receiver.databasePath, CAMPAIGN);
  await putSeedCampaign(store, CAMPAIGN, { document: documentOf(CAMPAIGN, 'Free Erlan Baltabay', GOAL) });
  // Letters held until each signer confirms: through the real signature route.
  await putSeedCampaign(store, HELD, {
    document: { id: HELD, goal: 200, texts: { en: { title: 'Reinstate the dismissed miners', appeal: 'Forty miners were dismissed for joining the union.' } }, letter: (campaignDocument(HELD) as { letter: unknown }).letter },
    delivery: { mode: 'each', targets: TARGETS, confirm: true },
  });
  for (let index = 0; index < 3; index += 1) {
    const signed = await postJson(receiver.url, signature({ campaign: HELD, locale: 'en' }));
    assert.equal(signed.status, 201, JSON.stringify(signed.body));
  }

  // A closed petition, its goal reached, its sending paused.
  await seedConsoleCampaign(store, receiver.databasePath, CLOSED, { signatures: 45, older: 30, seed: 3 });
  await putSeedCampaign(store, CLOSED, { status: 'closed', document: documentOf(CLOSED, 'Stop the dam at Kok-Zhailau', 60) });
  await store.setSendingPaused(CLOSED, true);
  // Stored behind the receiver's back: its cache of campaigns is told, as the admin routes tell it.
  for (const id of [CAMPAIGN, HELD, CLOSED]) campaignChanged(receiver.app, id);

  await addOrganiser({ app: receiver.app } as TestServer);
  db = new Database(receiver.databasePath, { readonly: true, fileMustExist: true });

  // Another site, for the pasted snippet: a plain static server on its own origin.
  siteDir = tempDir('console-site');
  site = await staticServer(siteDir);

  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1, locale: 'en-GB', timezoneId: 'UTC' });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: receiver.url });
  // Reported to the test as they happen, so a page load does not forget them; frames included.
  await context.exposeBinding('__reportViolation', ({ frame }, violation: Violation) => found.push({ ...violation, page: frame.url() }));
  await context.addInitScript(() => {
    const report = (window as unknown as { __reportViolation: (violation: unknown) => void }).__reportViolation;
    document.addEventListener('securitypolicyviolation', (event) => report({ directive: event.violatedDirective, blocked: event.blockedURI, sample: event.sample }), true);
  });
  page = await context.newPage();
  page.setDefaultTimeout(10_000);
  errors = watchErrors(page);
});

after(async () => {
  db?.close();
  await browser?.close();
  await site?.close();
  await receiver?.close();
  removeTemp(dist, pagesDir, siteDir);
});

/** Every policy violation of the console's pages and frames (the edit page's preview) so far. */
const found: (Violation & { page: string })[] = [];

/** A screenshot of the whole page, or with `fullPage: false` of what the window shows. */
async function shoot(name: string, { fullPage = true } = {}): Promise<void> {
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: join(OUT, name), fullPage, animations: 'disabled' });
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

async function checkAxe(state: string): Promise<void> {
  // Evaluated through the DevTools protocol, as the policy would refuse the inline <script> that
  // support/axe.ts adds (and the test would count that refusal as the console's violation).
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  assertNoViolations(await axe(page), state);
}

const focusedId = () => page.evaluate(() => document.activeElement?.id ?? '');
const focusedText = () => page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
const status = () => page.locator('p.status[role="status"]');
const number = (value: number) => value.toLocaleString('en-GB');
const percent = (share: number) => new Intl.NumberFormat('en-GB', { style: 'percent', maximumFractionDigits: 1 }).format(share);

/** A new page of the browser (the widget's pages), its errors watched. */
async function otherPage(url: string): Promise<Page> {
  const other = await context.newPage();
  otherErrors.push({ page: url, errors: watchErrors(other) });
  await other.goto(url);
  return other;
}

// ---- what the database holds, counted here by direct SQL ----------------------------------------

const signatureRows = (campaign: string) => db.prepare<[string], SignatureRow>(
  'SELECT email, received_at, utm_source, utm_medium, locale, country, source_url, consent_updates FROM signatures WHERE campaign = ?',
).all(campaign);

/** The overview of `campaign` for the last 30 days (the console's default range), from the rows. */
/** The overview of the default range (the last 30 days), counted from the database file itself. */
const expectedOverview = (campaign: string) => overviewFromDatabase(db, campaign, day(today() - 29 * DAY_MS), day(today()));

type Letters = { sent: number; waiting: number; failed: number; unknown: number; awaiting: number };

/** The letters of `campaign` by status, of one target address or all. */
function expectedLetters(campaign: string, target?: string): Letters {
  const rows = db.prepare<[string], { target_email: string; status: string; n: number }>(
    'SELECT target_email, status, count(*) AS n FROM letters WHERE campaign = ? GROUP BY 1, 2',
  ).all(campaign).filter((row) => target === undefined || row.target_email === target);
  const of = (...statuses: string[]) => rows.filter((row) => statuses.includes(row.status)).reduce((sum, row) => sum + row.n, 0);
  return { sent: of('sent'), waiting: of('queued', 'sending'), failed: of('failed'), unknown: of('unknown'), awaiting: of('awaiting-confirmation') };
}

/** The numbers of a breakdown table (`#breakdown-<name>`) as the page shows them. */
function breakdownOnPage(name: string) {
  return page.locator(`#breakdown-${name} tbody tr`).evaluateAll((trs) =>
    trs.map((tr) => ({ key: (tr as HTMLElement).dataset['key'] ?? '', count: Number(tr.querySelector('td.number')!.textContent!.replace(/\D/g, '')) })),
  );
}

/** A cell of the letters per target, as a number. */
async function targetCell(email: string, column: string): Promise<number> {
  return Number((await page.locator(`#targets-table tr[data-target="${email}"] [data-column="${column}"]`).innerText()).replace(/\D/g, ''));
}

describe('the console at /admin/', () => {
  test('the seed is in the file: a few hundred signatures over 30 days, letters in several statuses', () => {
    const expected = expectedOverview(CAMPAIGN);
    assert.equal(expected.rows, 312);
    assert.equal(expected.inRange, 300);
    assert.ok(expected.days.filter((entry) => entry.added > 0).length >= 25, 'spread over the days');
    assert.ok(expected.channels.length >= 6 && expected.languages.length >= 5 && expected.countries.length >= 5);
    const letters = expectedLetters(CAMPAIGN);
    assert.ok(letters.sent > 0 && letters.waiting > 0 && letters.failed > 0 && letters.unknown > 0, JSON.stringify(letters));
    assert.equal(expectedLetters(HELD).awaiting, 3 * TARGETS.length);
  });

  test('is served under the strict policy, never cached, for every page path; its assets are files', async () => {
    for (const path of ['/admin/', `/admin/campaigns/${CAMPAIGN}/edit`, '/admin/erasure']) {
      const response = await fetch(`${receiver.url}${path}`);
      assert.equal(response.status, 200, path);
      assert.equal(response.headers.get('content-security-policy'), CONSOLE_CSP, path);
      assert.equal(response.headers.get('cache-control'), 'no-store', path);
      assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(await response.text(), /<console-app><\/console-app>/);
    }
    assert.equal((await fetch(`${receiver.url}/admin`, { redirect: 'manual' })).headers.get('location'), '/admin/');
    assert.equal((await fetch(`${receiver.url}/admin/assets/nothing-here.js`)).status, 404);
    // The preview frame may be framed by the console, by nothing else.
    const preview = await fetch(`${receiver.url}/admin/preview`);
    assert.match(preview.headers.get('content-security-policy') ?? '', /frame-ancestors 'self'/);
    assert.equal((await fetch(`${receiver.url}/admin/widget/appeal-widget.js`)).status, 200);
    assert.equal((await fetch(`${receiver.url}/admin/widget/console/index.html`)).status, 404);
    // The build's copy under /dist/ is not served without the policy.
    assert.equal((await fetch(`${receiver.url}/dist/console/index.html`)).status, 404);
  });

  test('log in with the keyboard only: a wrong password is announced, the right one opens the campaigns', async () => {
    await page.goto(`${receiver.url}/admin/`);
    await page.locator('h1', { hasText: 'Log in to the console' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/admin/login');
    assert.equal(new URL(page.url()).searchParams.get('next'), '/admin/');
    for (let presses = 0; presses < 6 && (await focusedId()) !== 'login-email'; presses += 1) await page.keyboard.press('Tab');
    assert.equal(await focusedId(), 'login-email');
    await page.keyboard.type(ORGANISER);
    await page.keyboard.press('Tab');
    assert.equal(await focusedId(), 'login-password');
    await page.keyboard.type('not the password at all');
    await page.keyboard.press('Enter');
    const alert = page.locator('login-page [role="alert"]');
    await alert.getByText('do not match').waitFor();
    assert.equal(await focusedId(), 'login-password', 'the focus goes back to the password');
    await checkAxe('login, refused');
    await shoot('console-login.png');

    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await page.locator('h1', { hasText: 'Campaigns' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/admin/');
    assert.equal(await focusedText(), 'Campaigns', 'the focus is on the new page’s heading');
    assert.match(await page.locator('.account').innerText(), new RegExp(ORGANISER));
  });

  test('the campaigns list: a row per campaign, its numbers those of the database', async () => {
    const row = (id: string) => page.locator(`tr[data-campaign="${id}"]`);
    await row(CAMPAIGN).waitFor();
    assert.equal(await page.locator('table caption').innerText(), '3 campaigns');
    for (const id of [CAMPAIGN, HELD, CLOSED]) {
      const expected = expectedOverview(id);
      const letters = expectedLetters(id);
      const cell = (column: string) => row(id).locator(`[data-column="${column}"]`).innerText();
      assert.equal(await cell('count'), number(expected.count), `${id} count`);
      assert.equal(expected.count, expected.rows, `${id}: the trigger-kept count is the rows`);
      assert.equal(await cell('consenting'), percent(expected.consenting / expected.count), `${id} consenting`);
      assert.equal(await cell('sent'), number(letters.sent), `${id} sent`);
      assert.equal(await cell('waiting'), number(letters.waiting), `${id} waiting`);
      assert.equal(await cell('failed'), number(letters.failed), `${id} failed`);
      assert.equal(await cell('unknown'), number(letters.unknown), `${id} unknown`);
      // One campaign holds letters for its signers' confirmation: the column is there, for every row.
      assert.equal(await cell('awaiting'), number(letters.awaiting), `${id} awaiting confirmation`);
    }
    assert.equal(await row(CAMPAIGN).locator('th[scope="row"] a').innerText(), 'Free Erlan Baltabay');
    assert.match(await row(CAMPAIGN).locator('[data-column="goal"]').innerText(), /not yet reached/);
    assert.match(await row(CLOSED).locator('[data-column="goal"]').innerText(), /reached/);
    assert.match(await row(CLOSED).innerText(), /Closed\s+Sending paused/);
    assert.equal(await page.locator('th', { hasText: 'Awaiting confirmation' }).count(), 1);
    await checkAxe('campaigns');
    await shoot('console-campaigns.png');
  });

  test('the overview: its numbers are the database’s, the chart is drawn, the table beneath matches', async () => {
    // By keyboard: the campaign's link, Enter.
    await page.locator(`tr[data-campaign="${CAMPAIGN}"] th a`).focus();
    await page.keyboard.press('Enter');
    await page.locator('h1', { hasText: `Overview of ${CAMPAIGN}` }).waitFor();
    assert.equal(new URL(page.url()).pathname, `/admin/campaigns/${CAMPAIGN}`);
    assert.equal(await focusedText(), `Overview of ${CAMPAIGN}`);
    await page.locator('count-chart canvas').first().waitFor();

    const expected = expectedOverview(CAMPAIGN);
    assert.equal(await page.locator('#range-from').inputValue(), expected.from);
    assert.equal(await page.locator('#range-to').inputValue(), expected.to);
    assert.equal(await page.locator('dd[data-value="count"]').innerText(), number(expected.count));
    assert.equal(await page.locator('dd[data-value="inRange"]').innerText(), number(expected.inRange));

    // Not blank: both canvases hold many pixels of the line's colour (#1d4ed8).
    const drawn = await page.locator('count-chart canvas').evaluateAll((canvases) =>
      canvases.map((canvas) => {
        const { width, height } = canvas as HTMLCanvasElement;
        const pixels = (canvas as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, width, height).data;
        let line = 0;
        for (let i = 0; i < pixels.length; i += 4) if (Math.abs(pixels[i]! - 29) < 40 && Math.abs(pixels[i + 1]! - 78) < 40 && Math.abs(pixels[i + 2]! - 216) < 40 && pixels[i + 3]! > 200) line += 1;
        return { width, height, line };
      }),
    );
    assert.equal(drawn.length, 2);
    for (const canvas of drawn) {
      assert.ok(canvas.width > 200 && canvas.height > 100, `canvas ${canvas.width}×${canvas.height}`);
      assert.ok(canvas.line > 300, `only ${canvas.line} pixels of the line's colour`);
    }
    // The goal's dashed line is drawn too (#b45309).
    const goalPixels = await page.locator('count-chart[kind="total"] canvas').evaluate((canvas) => {
      const pixels = (canvas as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, (canvas as HTMLCanvasElement).width, (canvas as HTMLCanvasElement).height).data;
      let goal = 0;
      for (let i = 0; i < pixels.length; i += 4) if (Math.abs(pixels[i]! - 180) < 40 && Math.abs(pixels[i + 1]! - 83) < 40 && Math.abs(pixels[i + 2]! - 9) < 40 && pixels[i + 3]! > 200) goal += 1;
      return goal;
    });
    assert.ok(goalPixels > 100, `goal line: ${goalPixels} pixels`);
    const label = (await page.locator('count-chart[kind="total"] [role="img"]').getAttribute('aria-label')) ?? '';
    assert.match(label, new RegExp(`to ${number(expected.count)} on .*The goal is ${GOAL}\\.`));

    // The table beneath holds every day, as the chart does, and as the database counts them.
    const rows = await page.locator('#days-table tbody tr').evaluateAll((trs) =>
      trs.map((tr) => ({ date: (tr as HTMLElement).dataset['date'], cells: [...tr.querySelectorAll('td')].map((td) => Number(td.textContent!.replace(/\D/g, ''))) })),
    );
    assert.equal(rows.length, 30);
    assert.deepEqual(rows, expected.days.map((entry) => ({ date: entry.date, cells: [entry.added, entry.total] })));

    // The breakdowns, row for row.
    assert.deepEqual(await breakdownOnPage('channels'), expected.channels);
    assert.deepEqual(await breakdownOnPage('languages'), expected.languages);
    assert.deepEqual(await breakdownOnPage('countries'), expected.countries);
    assert.deepEqual(await breakdownOnPage('pages'), expected.pages);
    assert.equal(expected.pages.length, 20, 'the top 20 pages of more');
    assert.match(await page.locator('#breakdown-countries tbody').innerText(), /Kazakhstan/);
    assert.match(await page.locator('#breakdown-channels tbody').innerText(), /Not through a share/);

    // The letters per target, with each one's last answer.
    for (const target of TARGETS) {
      const letters = expectedLetters(CAMPAIGN, target.email);
      for (const column of ['sent', 'waiting', 'failed', 'unknown'] as const) assert.equal(await targetCell(target.email, column), letters[column], `${target.email} ${column}`);
      const last = db.prepare<[string, string], string>(
        'SELECT last_response FROM letters WHERE campaign = ? AND target_email = ? AND last_attempt_at IS NOT NULL ORDER BY last_attempt_at DESC LIMIT 1',
      ).pluck().get(CAMPAIGN, target.email);
      assert.match(await page.locator(`#targets-table tr[data-target="${target.email}"] [data-column="last-answer"] code`).innerText(), new RegExp(`^${last!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    }
    // No letter of this campaign waits for a confirmation: no such column.
    assert.equal(await page.locator('#targets-table [data-column="awaiting"]').count(), 0);
    await checkAxe('overview');
    await shoot('console-overview.png');
  });

  test('pause and resume sending, send the unknown letters again after a confirmation: the database changes', async () => {
    const paused = () => db.prepare('SELECT sending_paused FROM campaigns WHERE id = ?').pluck().get(CAMPAIGN);
    assert.equal(paused(), 0);
    await page.getByRole('button', { name: 'Pause sending' }).click();
    await status().getByText('Sending is paused').waitFor();
    assert.equal(paused(), 1);
    await page.getByRole('button', { name: 'Resume sending' }).click();
    await status().getByText('Sending resumed').waitFor();
    assert.equal(paused(), 0);

    const before = expectedLetters(CAMPAIGN);
    assert.ok(before.unknown > 1);
    assert.equal(await page.locator('#resend-open').innerText(), `Send again the ${before.unknown} letters whose outcome is unknown…`);
    await page.locator('#resend-open').click();
    assert.equal(await focusedId(), 'resend-confirm');
    assert.deepEqual(expectedLetters(CAMPAIGN), before, 'nothing before the confirmation');
    await page.keyboard.press('Enter');
    await status().getByText(`${before.unknown} letters queued to be sent again`).waitFor();
    assert.deepEqual(expectedLetters(CAMPAIGN), { ...before, unknown: 0, waiting: before.waiting + before.unknown });
    // The table shows the letters as they are now.
    for (const target of TARGETS) {
      assert.equal(await targetCell(target.email, 'unknown'), 0);
      assert.equal(await targetCell(target.email, 'waiting'), expectedLetters(CAMPAIGN, target.email).waiting);
    }
    assert.equal(await page.locator('#resend-open').isDisabled(), true);
  });

  test('letters waiting for their signers’ confirmation are listed per target', async () => {
    await page.goto(`${receiver.url}/admin/campaigns/${HELD}`);
    await page.locator('#targets-table').waitFor();
    for (const target of TARGETS) {
      const letters = expectedLetters(HELD, target.email);
      assert.equal(letters.awaiting, 3);
      assert.equal(await targetCell(target.email, 'awaiting'), letters.awaiting);
    }
    assert.equal(await page.locator('#targets-table th', { hasText: 'Awaiting confirmation' }).count(), 1);
    await checkAxe('overview, letters held');
    await page.goto(`${receiver.url}/admin/campaigns/${CAMPAIGN}`);
    await page.locator('count-chart canvas').first().waitFor();
  });

  test('the date range is checked before it is asked for, then shows only its days', async () => {
    await page.locator('#range-from').fill('2026-02-10');
    await page.locator('#range-to').fill('2026-02-01');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.locator('#range-error').waitFor();
    assert.equal(await page.locator('#range-from').getAttribute('aria-invalid'), 'true');

    const from = day(today() - 9 * DAY_MS);
    const to = day(today() - 5 * DAY_MS);
    await page.locator('#range-from').fill(from);
    await page.locator('#range-to').fill(to);
    await page.getByRole('button', { name: 'Show' }).click();
    await page.locator(`#days-table tbody tr[data-date="${to}"]`).waitFor();
    assert.equal(await page.locator('#days-table tbody tr').count(), 5);
    const inRange = signatureRows(CAMPAIGN).filter((row) => row.received_at.slice(0, 10) >= from && row.received_at.slice(0, 10) <= to).length;
    assert.equal(await page.locator('dd[data-value="inRange"]').innerText(), number(inRange));
  });

  test('edit: the preview shows the draft before saving; the receiver’s refusals appear at their fields; a saved text reaches a widget on another page', async () => {
    const storedTitle = () => (JSON.parse(db.prepare('SELECT document_json FROM campaigns WHERE id = ?').pluck().get(CAMPAIGN) as string) as { texts: { en: { title: string } } }).texts.en.title;
    await page.locator('nav.tabs a', { hasText: 'Edit' }).click();
    await page.locator('h1', { hasText: `Edit ${CAMPAIGN}` }).waitFor();
    const title = page.locator('[id="field-document.texts.en.title"]');
    await title.waitFor();
    assert.equal(await title.inputValue(), 'Free Erlan Baltabay');
    assert.equal(await page.locator('[id="field-document.goal"]').inputValue(), String(GOAL));
    assert.equal(await page.locator('[id="field-delivery.mode"]').inputValue(), 'each');
    assert.equal(await page.locator('[id="field-delivery.targets[1].email"]').inputValue(), TARGETS[1].email);

    const preview = page.frameLocator('iframe').locator('appeal-widget');
    await preview.locator('[part="title"]', { hasText: 'Free Erlan Baltabay' }).waitFor({ timeout: 15_000 });
    await title.fill('Free Erlan Baltabay <script>alert(1)</script> now');
    await preview.locator('[part="title"]', { hasText: 'now' }).waitFor({ timeout: 5_000 });
    assert.equal(await preview.locator('[part="title"] script').count(), 0, 'a hostile text is shown as text');
    // The preview follows the status too: closed shows the widget's closed notice.
    await page.locator('#status-closed').check();
    await preview.locator('[part="closed"]').waitFor({ timeout: 5_000 });
    await page.locator('#status-open').check();
    await preview.locator('form').waitFor({ timeout: 5_000 });

    // A rule only the receiver knows: confirmation by email needs single letters.
    await page.locator('[id="field-delivery.mode"]').selectOption('digest');
    await page.locator('[id="field-delivery.confirm"]').check();
    await page.getByRole('button', { name: 'Save the campaign' }).click();
    const summary = page.locator('.error-summary');
    await summary.waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.classList.contains('error-summary')), true, 'the summary takes the focus');
    assert.match(await summary.innerText(), /Ask signers to confirm their address first: confirmation by email holds single letters/);
    assert.equal(await page.locator('[id="field-delivery.confirm"]').getAttribute('aria-invalid'), 'true');
    assert.match(await page.locator('[id="field-delivery.confirm-error"]').innerText(), /single letters/);
    await checkAxe('edit, refused');
    await page.evaluate(() => window.scrollTo(0, 0));
    await shoot('console-edit-errors.png', { fullPage: false });
    // The summary's link leads to the field.
    await summary.locator('a').first().click();
    assert.equal(await focusedId(), 'field-delivery.confirm');
    assert.equal(storedTitle(), 'Free Erlan Baltabay', 'nothing saved');

    await page.keyboard.press('Space');
    await page.locator('[id="field-delivery.mode"]').selectOption('each');
    await page.getByRole('button', { name: 'Save the campaign' }).click();
    await status().getByText('Saved').waitFor();
    assert.equal(storedTitle(), 'Free Erlan Baltabay <script>alert(1)</script> now');
    const delivery = JSON.parse(db.prepare('SELECT delivery_json FROM campaigns WHERE id = ?').pluck().get(CAMPAIGN) as string) as Record<string, unknown>;
    assert.equal(delivery['mode'], 'each');
    assert.equal(delivery['confirm'], false);
    assert.deepEqual(delivery['targets'], TARGETS);
    assert.equal(await page.locator('.error-summary').count(), 0);
    await checkAxe('edit');
    await page.evaluate(() => window.scrollTo(0, 0));
    await shoot('console-edit.png', { fullPage: false });

    // The widget on another page (the receiver's own), reading the public document, shows it as text.
    const other = await otherPage(`${receiver.url}/widget.html`);
    const widget = other.locator('appeal-widget');
    await waitForWidget(widget);
    await widget.locator('[part="title"]', { hasText: 'Free Erlan Baltabay <script>alert(1)</script> now' }).waitFor();
    assert.equal(await widget.locator('[part="title"] script').count(), 0);
    await other.close();
  });

  test('embed: the snippets for the options chosen, a warning for a site the receiver refuses; the copied script tag works on a blank page of another site', async () => {
    await page.locator('nav.tabs a', { hasText: 'Embed' }).click();
    await page.locator('#snippet-script').waitFor();
    await page.locator('#embed-lang').selectOption('fr');
    const script = await page.locator('#snippet-script').inputValue();
    assert.match(script, new RegExp(`<script src="${receiver.url}/dist/appeal-widget.js"`));
    assert.match(script, new RegExp(`data-campaign-url="${receiver.url}/api/campaigns/${CAMPAIGN}"`));
    assert.match(script, /data-lang="fr"/);
    assert.equal(await page.locator('#snippet-shortcode').inputValue(), `[appeal_widget campaign="${CAMPAIGN}" lang="fr"]`);
    assert.match(await page.locator('#snippet-iframe').inputValue(), new RegExp(`src="${receiver.url}/embed/${CAMPAIGN}\\?lang=fr"`));

    // ALLOWED_ORIGINS: the union's site and local development (any port); not elsewhere.
    await page.locator('#embed-site').fill('https://elsewhere.example/blog');
    await page.locator('#embed-site-warning').getByText('does not take signatures from https://elsewhere.example').waitFor();
    await page.locator('#embed-site').fill('union.example');
    await page.locator('#embed-site-warning').waitFor({ state: 'detached' });
    await page.locator('#embed-site').fill(`${site.url}/blank.html`);
    await page.waitForTimeout(100);
    assert.equal(await page.locator('#embed-site-warning').count(), 0, 'a local page, any port');
    await page.locator('#embed-site').fill('https://elsewhere.example/blog');
    await page.locator('#embed-site-warning').waitFor();

    await page.getByRole('button', { name: 'Copy the shortcode' }).click();
    await status().getByText('WordPress shortcode copied').waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), `[appeal_widget campaign="${CAMPAIGN}" lang="fr"]`);
    await checkAxe('embed');
    await shoot('console-embed.png');

    // The script tag, copied and pasted into a blank page of another site, reached through a share.
    await page.getByRole('button', { name: 'Copy the script tag' }).click();
    await status().getByText('Script tag copied').waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.equal(copied, script);
    writeFileSync(join(siteDir, 'blank.html'), htmlPage(copied, { lang: 'fr' }));
    const whatsappBefore = expectedOverview(CAMPAIGN).channels.find((row) => row.key === 'whatsapp')?.count ?? 0;
    const countBefore = expectedOverview(CAMPAIGN).count;
    const blank = await otherPage(`${site.url}/blank.html?utm_source=whatsapp&utm_medium=share`);
    const widget = blank.locator('appeal-widget');
    await waitForWidget(widget);
    assert.match((await widget.locator('[part="title"]').innerText()), /Libérez Erlan Baltabay/);
    const email = `shared.${Date.now()}@example.org`;
    await fillSigner(widget, { firstName: 'Dana', lastName: 'Sarsenova', email, country: 'KZ' });
    await widget.locator('button[type="submit"]').click();
    await widget.locator('[part="thanks"]').waitFor({ timeout: 15_000 });
    await blank.close();
    const stored = signatureRows(CAMPAIGN).find((row) => row.email === email);
    assert.deepEqual(
      { utm_source: stored?.utm_source, utm_medium: stored?.utm_medium, source_url: stored?.source_url, locale: stored?.locale },
      { utm_source: 'whatsapp', utm_medium: 'share', source_url: `${site.url}/blank.html`, locale: 'fr' },
    );

    // …and appears in the overview under its share channel.
    await page.locator('nav.tabs a', { hasText: 'Overview' }).click();
    await page.locator('#breakdown-channels').waitFor();
    const expected = expectedOverview(CAMPAIGN);
    assert.equal(expected.count, countBefore + 1);
    assert.equal(expected.channels.find((row) => row.key === 'whatsapp')?.count, whatsappBefore + 1);
    assert.equal(await page.locator('dd[data-value="count"]').innerText(), number(expected.count));
    assert.deepEqual(await breakdownOnPage('channels'), expected.channels);
    assert.deepEqual(await breakdownOnPage('languages'), expected.languages);
    assert.deepEqual(await breakdownOnPage('pages'), expected.pages);
  });

  test('closing the campaign in the edit page: the widget shows the closed notice, a signature gets 410', async () => {
    await page.locator('nav.tabs a', { hasText: 'Edit' }).click();
    await page.locator('#status-closed').waitFor();
    await page.locator('#status-closed').check();
    const notice = page.locator('[id="field-document.texts.en.closed"]');
    await notice.fill('This campaign has ended: Erlan Baltabay is free. Thank you for signing.');
    await page.getByRole('button', { name: 'Save the campaign' }).click();
    await status().getByText('Saved').waitFor();
    assert.equal(db.prepare('SELECT status FROM campaigns WHERE id = ?').pluck().get(CAMPAIGN), 'closed');

    // The public document says closed and carries the notice.
    const served = (await (await fetch(`${receiver.url}/api/campaigns/${CAMPAIGN}`)).json()) as { status: string; texts: { en: { closed?: string } } };
    assert.equal(served.status, 'closed');
    assert.equal(served.texts.en.closed, 'This campaign has ended: Erlan Baltabay is free. Thank you for signing.');

    // The widget on the other page shows its closed notice instead of the form: its own heading,
    // then the organiser's words from the document's texts.<lang>.closed.
    const widgetStrings = localeStrings('en');
    const other = await otherPage(`${receiver.url}/widget.html`);
    const widget = other.locator('appeal-widget');
    const closed = widget.locator('[part="closed"]');
    await closed.waitFor({ timeout: 15_000 });
    assert.equal((await closed.locator('h3').innerText()).trim(), tr(widgetStrings, 'closed.title'));
    assert.equal((await closed.locator('p').innerText()).trim(), 'This campaign has ended: Erlan Baltabay is free. Thank you for signing.');
    assert.equal(await widget.locator('form').count(), 0);
    await other.close();

    const countBefore = expectedOverview(CAMPAIGN).count;
    const refused = await postJson(receiver.url, signature({ campaign: CAMPAIGN }));
    assert.equal(refused.status, 410);
    assert.equal(refused.body['error'], 'closed');
    assert.equal(expectedOverview(CAMPAIGN).count, countBefore, 'nothing stored');
  });

  test('export: consenting signers by default, all on request, as the database holds them', async () => {
    await page.locator('nav.tabs a', { hasText: 'Export' }).click();
    const link = page.locator('#export-link');
    await link.waitFor();
    const href = new URL((await link.getAttribute('href'))!, receiver.url);
    assert.equal(href.pathname, `/api/console/campaigns/${CAMPAIGN}/signatures.csv`);
    assert.equal(href.searchParams.get('signers'), 'consenting');
    const rows = async (url: string) => parseCsv((await (await page.request.get(url)).text()).replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[];
    const consenting = await rows(href.href);
    const expectedConsenting = db.prepare('SELECT COUNT(*) AS n FROM signatures WHERE campaign = ? AND consent_updates = 1').get(CAMPAIGN) as { n: number };
    assert.equal(consenting.length, expectedConsenting.n);
    assert.ok(consenting.length > 0, 'the seed has consenting signers');
    await page.locator('#export-all').check();
    const all = new URL((await link.getAttribute('href'))!, receiver.url);
    assert.equal(all.searchParams.get('signers'), 'all');
    const everyone = await rows(all.href);
    assert.equal(everyone.length, (db.prepare('SELECT COUNT(*) AS n FROM signatures WHERE campaign = ?').get(CAMPAIGN) as { n: number }).n);
    assert.ok(everyone.length > consenting.length, 'all holds the signers who said no too');
    await page.locator('#export-from').fill('2026-01-01');
    await page.locator('#export-to').fill('2026-01-31');
    const ranged = new URL((await link.getAttribute('href'))!, receiver.url);
    assert.equal(ranged.searchParams.get('from'), '2026-01-01');
    assert.equal(ranged.searchParams.get('to'), '2026-01-31');
    await checkAxe('export');
    await shoot('console-export.png');
  });

  test('erasure: find a person, delete behind a confirmation, gone from the .sqlite and -wal bytes', async () => {
    // The person who asks to be forgotten signed the open campaign (the cross-campaign search is
    // server/test/console-erasure.test.ts's).
    const signed = await postJson(receiver.url, signature({ campaign: HELD, locale: 'en' }, { firstName: 'Aigerim', lastName: 'Nurlanovna', email: PERSON }));
    assert.equal(signed.status, 201, JSON.stringify(signed.body));
    const signedBefore = (db.prepare('SELECT COUNT(*) AS n FROM signatures').get() as { n: number }).n;
    await page.locator('.banner nav a', { hasText: 'Erase a person' }).click();
    await page.locator('h1', { hasText: 'Erase a person' }).waitFor();
    await page.locator('#erasure-email').fill(PERSON.toLowerCase());
    await page.keyboard.press('Enter');
    await page.locator('table caption', { hasText: PERSON.toLowerCase() }).waitFor();
    assert.equal(await page.locator('tbody tr').count(), 1);
    await page.locator('#erasure-delete').check();
    await page.locator('#erasure-start').click();
    assert.equal(await focusedId(), 'erasure-confirm');
    assert.match(await page.locator('#erasure-question').innerText(), /aigerim\.nurlanovna@example\.org/);
    await checkAxe('erasure, confirming');
    await shoot('console-erasure.png');
    assert.equal((db.prepare('SELECT COUNT(*) AS n FROM signatures').get() as { n: number }).n, signedBefore, 'nothing before the confirmation');
    await page.keyboard.press('Enter');
    await status().getByText('1 signature deleted').waitFor();
    assert.equal((db.prepare('SELECT COUNT(*) AS n FROM signatures').get() as { n: number }).n, signedBefore - 1);
    for (const file of [receiver.databasePath, `${receiver.databasePath}-wal`]) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(file);
      } catch {
        continue; // an emptied -wal may be gone
      }
      for (const form of [PERSON, PERSON.toLowerCase(), 'Nurlanovna']) {
        assert.equal(bytes.includes(Buffer.from(form)), false, `${form} still in ${file}`);
      }
    }
  });

  test('log out: back at the login, the session ended on the receiver', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.locator('h1', { hasText: 'Log in to the console' }).waitFor();
    await status().getByText('You are logged out').waitFor();
    assert.equal((await page.request.get(`${receiver.url}/api/console/me`)).status(), 401);
    assert.equal((await page.request.get(`${receiver.url}/api/console/campaigns`)).status(), 401);
    // A page of the console asked for now leads to the login, and back to it afterwards.
    await page.goto(`${receiver.url}/admin/campaigns/${CAMPAIGN}/export`);
    await page.locator('h1', { hasText: 'Log in to the console' }).waitFor();
    assert.equal(new URL(page.url()).searchParams.get('next'), `/admin/campaigns/${CAMPAIGN}/export`);
  });

  test('no policy violation, no error, on any page (and the recorder does catch one)', async () => {
    assert.equal(found.length, 0, `policy violations: ${JSON.stringify(found)}`);
    assert.deepEqual(errors.pageErrors.map(String), []);
    // The refused login (401), the refused edit (422) and the session probe after logout (401) are expected answers.
    assert.deepEqual(errors.consoleErrors.filter((text) => !/status of (401|422)/.test(text)), []);
    for (const other of otherErrors) {
      assert.deepEqual(other.errors.pageErrors.map(String), [], other.page);
      assert.deepEqual(other.errors.consoleErrors, [], other.page);
    }
    // Control: the recorder does catch one (an inline script, refused).
    await page.evaluate(() => document.body.append(Object.assign(document.createElement('script'), { textContent: 'window.__ran = true' })));
    await page.waitForTimeout(100);
    assert.deepEqual(found.map((violation) => violation.directive), ['script-src-elem']);
    assert.equal(await page.evaluate(() => (window as unknown as { __ran?: boolean }).__ran), undefined);
  });
});
