/**
 * The iframe embed (issue 15): a site whose editors cannot paste a script puts
 * `<iframe src="<receiver>/embed/<campaign>">` in a page. Chromium loads that page from an
 * origin ALLOWED_ORIGINS allows (the local development origins, the default), the widget renders
 * inside the frame from the receiver's own /dist/ under the page's strict CSP without a single
 * violation, and a signature made in the frame reaches the receiver. From an origin that is not
 * allowed, frame-ancestors keeps the frame empty.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import {
  fillSigner,
  htmlPage,
  launchBrowser,
  removeTemp,
  snapshotDist,
  startReceiver,
  staticServer,
  tempDir,
  waitForWidget,
  watchErrors,
  type Receiver,
} from './support/pages.ts';

const CAMPAIGN = 'embed-iframe';
const ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdefghijklmnop';

interface Violation {
  directive: string;
  blocked: string;
}

let dist: string;
let root: string;
let receiver: Receiver;
let site: Awaited<ReturnType<typeof staticServer>>;
let browser: Browser;
/** The site as the browser reaches it: an allowed origin, and one that is not. */
let allowedSite: string;
let foreignSite: string;

before(async () => {
  dist = snapshotDist();
  receiver = await startReceiver({ dist, env: { ADMIN_TOKEN } });
  const put = await fetch(`${receiver.url}/api/admin/campaigns/${CAMPAIGN}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      status: 'open',
      delivery: { mode: 'off', targets: [] },
      document: {
        id: CAMPAIGN,
        goal: 100,
        texts: { en: { title: 'Reinstate the dismissed drivers', appeal: 'They were fired for joining a union.', thanks: 'Thank you', shareText: 'Sign too' } },
      },
    }),
  });
  assert.equal(put.status, 201, await put.text());
  root = tempDir('embed-page');
  writeFileSync(join(root, 'index.html'), htmlPage(`
<h1>Union news</h1>
<p>Our campaign, embedded by an editor who may not paste scripts:</p>
<iframe src="${receiver.url}/embed/${CAMPAIGN}?lang=en" title="Sign the appeal" width="600" height="900"></iframe>`));
  site = await staticServer(root);
  const port = new URL(site.url).port;
  // `localhost` is one of the local development origins ALLOWED_ORIGINS allows by default;
  // Chromium resolves every *.localhost name to this machine, and `evil.localhost` is not allowed.
  allowedSite = `http://localhost:${port}`;
  foreignSite = `http://evil.localhost:${port}`;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await site?.close();
  await receiver?.close();
  removeTemp(root, dist);
});

async function openSite(origin: string): Promise<{ context: BrowserContext; page: Page; errors: ReturnType<typeof watchErrors> }> {
  const context = await browser.newContext({ locale: 'en-GB' });
  // In every frame: violations of the page's policy, as the frame itself sees them.
  await context.addInitScript(() => {
    const found: unknown[] = [];
    (window as unknown as { __violations: unknown[] }).__violations = found;
    document.addEventListener('securitypolicyviolation', (event) => found.push({ directive: event.violatedDirective, blocked: event.blockedURI }), true);
  });
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(`${origin}/`);
  return { context, page, errors };
}

function embedFrame(page: Page): Frame | undefined {
  return page.frames().find((frame) => frame !== page.mainFrame());
}

describe('from an allowed origin', () => {
  let context: BrowserContext;
  let page: Page;
  let errors: ReturnType<typeof watchErrors>;
  let countBefore: number;

  before(async () => {
    countBefore = await receiver.count(CAMPAIGN);
    ({ context, page, errors } = await openSite(allowedSite));
  });
  after(() => context?.close());

  test('the widget renders inside the frame, from the receiver', async () => {
    const widget = page.frameLocator('iframe').locator('appeal-widget');
    await waitForWidget(widget);
    assert.equal(await widget.getAttribute('campaign'), CAMPAIGN);
    assert.equal(await widget.getAttribute('lang'), 'en');
    const frame = embedFrame(page);
    assert.ok(frame);
    assert.equal(new URL(frame.url()).origin, receiver.url);
    assert.match(await widget.locator('[part="title"]').innerText(), /Reinstate the dismissed drivers/);
  });

  test('a signature made in the frame reaches the receiver', async () => {
    const widget = page.frameLocator('iframe').locator('appeal-widget');
    const email = `iframe.${Date.now()}@example.org`;
    await fillSigner(widget, { firstName: 'Dana', lastName: 'Seitkali', email, country: 'KZ' });
    await widget.locator('button[type="submit"]').click();
    await widget.locator('#appeal-thanks').waitFor({ timeout: 15_000 });
    assert.equal(await receiver.count(CAMPAIGN), countBefore + 1);
    const row = (await receiver.csv(CAMPAIGN)).find((record) => record.email === email);
    assert.ok(row, 'the signature is in the export');
    assert.equal(row.first_name, 'Dana');
    assert.equal(row.source_url, `${receiver.url}/embed/${CAMPAIGN}`, 'signed on the embed page (the widget keeps no query but utm_*)');
    assert.equal(row.referrer, `${allowedSite}/`, 'the site that framed it, as its referrer policy lets the frame know');
  });

  test('no policy violation and no error in the frame or the page', async () => {
    const frame = embedFrame(page)!;
    assert.deepEqual(await frame.evaluate(() => (window as unknown as { __violations: Violation[] }).__violations), []);
    assert.deepEqual(await page.evaluate(() => (window as unknown as { __violations: Violation[] }).__violations), []);
    assert.deepEqual(errors.pageErrors.map(String), []);
    assert.deepEqual(errors.consoleErrors, []);
  });

  test('the frame was served with the strict policy and the allowed origins as its ancestors', async () => {
    const response = await page.request.get(`${receiver.url}/embed/${CAMPAIGN}?lang=en`);
    const policy = response.headers()['content-security-policy'] ?? '';
    assert.match(policy, /^default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors /);
    assert.match(policy, /frame-ancestors 'self' http:\/\/localhost:\* http:\/\/127\.0\.0\.1:\*$/);
  });
});

test('from an origin that is not allowed, the frame stays empty', async () => {
  const { context, page } = await openSite(foreignSite);
  try {
    await page.locator('iframe').waitFor();
    // The navigation is refused: the frame ends on Chromium's error page, nothing of the receiver's runs there.
    let frame: Frame | undefined;
    for (let waited = 0; waited < 10_000; waited += 100) {
      frame = embedFrame(page);
      if (frame && frame.url() !== '' && frame.url() !== 'about:blank') break;
      await page.waitForTimeout(100);
    }
    assert.ok(frame);
    assert.match(frame.url(), /^chrome-error:/, `frame at ${frame.url()}`);
    await page.waitForTimeout(500);
    assert.equal(await page.frameLocator('iframe').locator('appeal-widget').count(), 0);
  } finally {
    await context.close();
  }
});
