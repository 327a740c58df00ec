/**
 * The organiser's console (SPEC §10, issue 15) in Chromium: the built pages at /admin/ served by
 * the real receiver, a real organiser logging in through the real session routes, and each page
 * driven as an organiser would (the keyboard for the login), checked by axe and under the
 * console's strict Content Security Policy. Screenshots of each page go to a temporary folder,
 * or to docs/screenshots/ with UPDATE_SCREENSHOTS=1.
 *
 * TEMPORARY: the data routes (campaigns, overview, edit, export, erasure) are answered by a stub of
 * the contract (support/console-data-stub.ts) until the real ones land in this tree.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { addOrganiser, ORGANISER, PASSWORD } from '../../server/test/support/console.ts';
import type { TestServer } from '../../server/test/helpers.ts';
import { CONSOLE_CSP } from '../../server/src/routes/console/pages.ts';
import { assertNoViolations, axe } from './support/axe.ts';
import { consoleDataStub, STUB_CAMPAIGN, STUB_PERSON, type ConsoleStub } from './support/console-data-stub.ts';
import { launchBrowser, removeTemp, ROOT, snapshotDist, startReceiver, watchErrors, type Receiver } from './support/pages.ts';

const OUT = process.env['UPDATE_SCREENSHOTS'] ? join(ROOT, 'docs', 'screenshots') : join(tmpdir(), 'appeal-widget-screenshots');

interface Violation {
  directive: string;
  blocked: string;
  sample: string;
}

let dist: string;
let receiver: Receiver;
let stub: ConsoleStub;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let errors: ReturnType<typeof watchErrors>;

before(async () => {
  mkdirSync(OUT, { recursive: true });
  dist = snapshotDist();
  let url = '';
  stub = consoleDataStub(() => url);
  // TEMPORARY: the stub stands in for the data routes being written elsewhere (see its file).
  receiver = await startReceiver({ dist, console: join(dist, 'console'), plugins: [stub.plugin] });
  url = receiver.url;
  await addOrganiser({ app: receiver.app } as TestServer);
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
  await browser?.close();
  await receiver?.close();
  removeTemp(dist);
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

describe('the console at /admin/', () => {
  test('is served under the strict policy, never cached, for every page path; its assets are files', async () => {
    for (const path of ['/admin/', '/admin/campaigns/x/edit', '/admin/erasure']) {
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

  test('the campaigns list is a table of the numbers the receiver gave', async () => {
    const row = page.locator(`tr[data-campaign="${STUB_CAMPAIGN}"]`);
    await row.waitFor();
    const expected = stub.list().campaigns[0]!;
    const cell = (column: string) => row.locator(`[data-column="${column}"]`).innerText();
    assert.equal(await cell('count'), expected.count.toLocaleString('en-GB'));
    assert.equal(await cell('consenting'), '62.5%');
    assert.equal(await cell('sent'), '610');
    assert.equal(await cell('waiting'), '16');
    assert.equal(await cell('failed'), '1');
    assert.match(await cell('goal'), expected.goalReached ? /reached/ : /not yet reached/);
    assert.equal(await row.locator('th[scope="row"] a').innerText(), 'Free Erlan Baltabay');
    assert.equal(await page.locator('table caption').innerText(), '2 campaigns');
    assert.match(await page.locator('tr[data-campaign="old-petition"]').innerText(), /Closed\s+Sending paused/);
    await checkAxe('campaigns');
    await shoot('console-campaigns.png');
  });

  test('the overview draws the count and the days, with the same numbers in its table', async () => {
    // By keyboard: the campaign's link, Enter.
    await page.locator(`tr[data-campaign="${STUB_CAMPAIGN}"] th a`).focus();
    await page.keyboard.press('Enter');
    await page.locator('h1', { hasText: `Overview of ${STUB_CAMPAIGN}` }).waitFor();
    assert.equal(new URL(page.url()).pathname, `/admin/campaigns/${STUB_CAMPAIGN}`);
    assert.equal(await focusedText(), `Overview of ${STUB_CAMPAIGN}`);
    await page.locator('count-chart canvas').first().waitFor();

    const overview = stub.overview();
    assert.equal(await page.locator('dd[data-value="count"]').innerText(), overview.count.toLocaleString('en-GB'));
    assert.equal(await page.locator('dd[data-value="inRange"]').innerText(), overview.inRange.toLocaleString('en-GB'));

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
      let found = 0;
      for (let i = 0; i < pixels.length; i += 4) if (Math.abs(pixels[i]! - 180) < 40 && Math.abs(pixels[i + 1]! - 83) < 40 && Math.abs(pixels[i + 2]! - 9) < 40 && pixels[i + 3]! > 200) found += 1;
      return found;
    });
    assert.ok(goalPixels > 100, `goal line: ${goalPixels} pixels`);
    assert.match((await page.locator('count-chart[kind="total"] [role="img"]').getAttribute('aria-label')) ?? '', /The goal is 500/);

    // The table beneath holds every day, as the chart does.
    const rows = await page.locator('#days-table tbody tr').evaluateAll((trs) =>
      trs.map((tr) => ({ date: (tr as HTMLElement).dataset['date'], cells: [...tr.querySelectorAll('td')].map((td) => Number(td.textContent!.replace(/\D/g, ''))) })),
    );
    assert.deepEqual(rows, overview.days.map((day) => ({ date: day.date, cells: [day.added, day.total] })));

    // The breakdowns, a hostile page address shown as text.
    assert.equal(await page.locator('#breakdown-channels tr[data-key="whatsapp"] td.number').innerText(), '70');
    assert.match(await page.locator('#breakdown-countries tbody').innerText(), /Kazakhstan/);
    assert.match(await page.locator('#breakdown-pages tbody').innerText(), /<script>alert\(1\)<\/script>/);
    assert.equal(await page.locator('#breakdown-pages script').count(), 0);
    assert.match(await page.locator('#targets-table').innerText(), /250 2\.0\.0 Ok: queued as 4F2A1/);
    await checkAxe('overview');
    await shoot('console-overview.png');
  });

  test('pause and resume sending, send the unknown letters again after a confirmation', async () => {
    await page.getByRole('button', { name: 'Pause sending' }).click();
    await status().getByText('Sending is paused').waitFor();
    assert.equal(stub.paused, true);
    await page.getByRole('button', { name: 'Resume sending' }).click();
    await status().getByText('Sending resumed').waitFor();
    assert.equal(stub.paused, false);

    await page.locator('#resend-open').click();
    assert.equal(await focusedId(), 'resend-confirm');
    assert.equal(stub.requeued, 0, 'nothing before the confirmation');
    await page.keyboard.press('Enter');
    await status().getByText('2 letters queued to be sent again').waitFor();
    assert.equal(stub.requeued, 2);
  });

  test('the date range is checked before it is asked for', async () => {
    await page.locator('#range-from').fill('2026-02-10');
    await page.locator('#range-to').fill('2026-02-01');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.locator('#range-error').waitFor();
    assert.equal(await page.locator('#range-from').getAttribute('aria-invalid'), 'true');
  });

  test('edit: the preview shows the draft before saving; the receiver’s refusals appear at their fields', async () => {
    await page.locator('nav.tabs a', { hasText: 'Edit' }).click();
    await page.locator('h1', { hasText: `Edit ${STUB_CAMPAIGN}` }).waitFor();
    const title = page.locator('[id="field-document.texts.en.title"]');
    await title.waitFor();
    assert.equal(await title.inputValue(), 'Free Erlan Baltabay');

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
    assert.equal((stub.campaign['document'] as { texts: { en: { title: string } } }).texts.en.title, 'Free Erlan Baltabay', 'nothing saved');

    await page.keyboard.press('Space');
    await page.locator('[id="field-delivery.mode"]').selectOption('each');
    await page.getByRole('button', { name: 'Save the campaign' }).click();
    await status().getByText('Saved').waitFor();
    assert.equal((stub.campaign['document'] as { texts: { en: { title: string } } }).texts.en.title, 'Free Erlan Baltabay <script>alert(1)</script> now');
    assert.equal(await page.locator('.error-summary').count(), 0);
    await checkAxe('edit');
    await page.evaluate(() => window.scrollTo(0, 0));
    await shoot('console-edit.png', { fullPage: false });
  });

  test('embed: the snippets for the options chosen, a warning for a site the receiver refuses, copy', async () => {
    await page.locator('nav.tabs a', { hasText: 'Embed' }).click();
    await page.locator('#snippet-script').waitFor();
    await page.locator('#embed-lang').selectOption('fr');
    const script = await page.locator('#snippet-script').inputValue();
    assert.match(script, new RegExp(`<script src="${receiver.url}/dist/appeal-widget.js"`));
    assert.match(script, new RegExp(`data-campaign-url="${receiver.url}/api/campaigns/${STUB_CAMPAIGN}"`));
    assert.match(script, /data-lang="fr"/);
    assert.equal(await page.locator('#snippet-shortcode').inputValue(), `[appeal_widget campaign="${STUB_CAMPAIGN}" lang="fr"]`);
    assert.match(await page.locator('#snippet-iframe').inputValue(), new RegExp(`src="${receiver.url}/embed/${STUB_CAMPAIGN}\\?lang=fr"`));

    await page.locator('#embed-site').fill('https://elsewhere.example/blog');
    await page.locator('#embed-site-warning').getByText('does not take signatures from https://elsewhere.example').waitFor();
    await page.locator('#embed-site').fill('union.example');
    await page.locator('#embed-site-warning').waitFor({ state: 'detached' });
    await page.locator('#embed-site').fill('https://elsewhere.example/blog');

    await page.getByRole('button', { name: 'Copy the shortcode' }).click();
    await status().getByText('WordPress shortcode copied').waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), `[appeal_widget campaign="${STUB_CAMPAIGN}" lang="fr"]`);
    await checkAxe('embed');
    await shoot('console-embed.png');
  });

  test('export: consenting signers by default, all on request', async () => {
    await page.locator('nav.tabs a', { hasText: 'Export' }).click();
    const link = page.locator('#export-link');
    await link.waitFor();
    const href = new URL((await link.getAttribute('href'))!, receiver.url);
    assert.equal(href.pathname, `/api/console/campaigns/${STUB_CAMPAIGN}/signatures.csv`);
    assert.equal(href.searchParams.get('signers'), 'consenting');
    assert.equal((await (await page.request.get(href.href)).text()).trim().split('\r\n').length, 2);
    await page.locator('#export-all').check();
    const all = new URL((await link.getAttribute('href'))!, receiver.url);
    assert.equal(all.searchParams.get('signers'), 'all');
    assert.equal((await (await page.request.get(all.href)).text()).trim().split('\r\n').length, 3);
    await page.locator('#export-from').fill('2026-01-01');
    await page.locator('#export-to').fill('2026-01-31');
    const ranged = new URL((await link.getAttribute('href'))!, receiver.url);
    assert.equal(ranged.searchParams.get('from'), '2026-01-01');
    assert.equal(ranged.searchParams.get('to'), '2026-01-31');
    await checkAxe('export');
    await shoot('console-export.png');
  });

  test('erasure: find a person, then delete behind a confirmation', async () => {
    await page.locator('.banner nav a', { hasText: 'Erase a person' }).click();
    await page.locator('h1', { hasText: 'Erase a person' }).waitFor();
    await page.locator('#erasure-email').fill(STUB_PERSON);
    await page.keyboard.press('Enter');
    await page.locator('table caption', { hasText: STUB_PERSON }).waitFor();
    assert.equal(await page.locator('tbody tr').count(), 2);
    await page.locator('#erasure-delete').check();
    await page.locator('#erasure-start').click();
    assert.equal(await focusedId(), 'erasure-confirm');
    assert.match(await page.locator('#erasure-question').innerText(), /Delete 2 signatures of aigerim@example\.org in 2 campaign\(s\)\?/);
    await checkAxe('erasure, confirming');
    await shoot('console-erasure.png');
    assert.deepEqual(stub.erasures, [], 'nothing before the confirmation');
    await page.keyboard.press('Enter');
    await status().getByText('2 signatures deleted').waitFor();
    assert.deepEqual(stub.erasures, [{ email: STUB_PERSON, action: 'delete' }]);
  });

  test('log out: back at the login, the session ended on the receiver', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.locator('h1', { hasText: 'Log in to the console' }).waitFor();
    await status().getByText('You are logged out').waitFor();
    assert.equal((await page.request.get(`${receiver.url}/api/console/me`)).status(), 401);
    // A page of the console asked for now leads to the login, and back to it afterwards.
    await page.goto(`${receiver.url}/admin/campaigns/${STUB_CAMPAIGN}/export`);
    await page.locator('h1', { hasText: 'Log in to the console' }).waitFor();
    assert.equal(new URL(page.url()).searchParams.get('next'), `/admin/campaigns/${STUB_CAMPAIGN}/export`);
  });

  test('no policy violation, no error, on any page (and the recorder does catch one)', async () => {
    assert.equal(found.length, 0, `policy violations: ${JSON.stringify(found)}`);
    assert.deepEqual(errors.pageErrors.map(String), []);
    // The refused login (401), the refused edit (422) and the session probe after logout (401) are expected answers.
    assert.deepEqual(errors.consoleErrors.filter((text) => !/status of (401|422)/.test(text)), []);
    // Control: the recorder does catch one (an inline script, refused).
    await page.evaluate(() => document.body.append(Object.assign(document.createElement('script'), { textContent: 'window.__ran = true' })));
    await page.waitForTimeout(100);
    assert.deepEqual(found.map((violation) => violation.directive), ['script-src-elem']);
    assert.equal(await page.evaluate(() => (window as unknown as { __ran?: boolean }).__ran), undefined);
  });
});
