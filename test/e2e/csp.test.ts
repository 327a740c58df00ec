/**
 * A site with a strict Content Security Policy (no unsafe-inline, no unsafe-eval) can embed the
 * widget: it renders styled, signs, shows the share step and copies the link without a single
 * violation. The policy below is the one the README recommends.
 */
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  DEMO,
  fillSigner,
  htmlPage,
  launchBrowser,
  localeStrings,
  removeTemp,
  snapshotDist,
  startReceiver,
  staticServer,
  tempDir,
  tr,
  waitForWidget,
  watchErrors,
  type Receiver,
} from './support/pages.ts';
import { STRICT_CSP } from './support/csp.ts';

// The same, plus Trusted Types enforcement for DOM sinks (Lit creates its own 'lit-html' policy).
const TRUSTED_TYPES_CSP = `${STRICT_CSP}; require-trusted-types-for 'script'`;

const en = localeStrings('en');

interface Violation {
  directive: string;
  blocked: string;
  sample: string;
  source: string;
}

const PAGE = htmlPage(
  `<header><h1>Union news</h1></header>
<main>
  <p>Our campaign, embedded with one script tag, under a strict Content Security Policy.</p>
  <script src="/dist/appeal-widget.js" data-endpoint="/api/signatures" data-campaign="csp-campaign"
    data-count-url="/api/campaigns/csp-campaign/count" data-goal="100" data-organiser="the CSP Union"
    data-privacy-url="/privacy.html" data-share-text="Sign the CSP appeal" async></script>
</main>`,
  { head: '<link rel="stylesheet" href="/demo.css">' },
);

let root: string;
let receiver: Receiver;
let server: Awaited<ReturnType<typeof staticServer>>;
let browser: Browser;
let policy = STRICT_CSP;

before(async () => {
  root = tempDir('csp');
  const dist = snapshotDist();
  cpSync(dist, join(root, 'dist'), { recursive: true });
  removeTemp(dist);
  copyFileSync(join(DEMO, 'demo.css'), join(root, 'demo.css'));
  writeFileSync(join(root, 'privacy.html'), htmlPage('<p>Privacy</p>'));
  writeFileSync(join(root, 'index.html'), PAGE);
  receiver = await startReceiver();
  // Same origin for page, bundle and API, as the policy's 'self' expects; the header on every answer.
  server = await staticServer(root, { proxy: receiver.url, headers: () => ({ 'content-security-policy': policy }) });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
  await receiver?.close();
  removeTemp(root);
});

async function openPage(): Promise<{ context: BrowserContext; page: Page; errors: ReturnType<typeof watchErrors> }> {
  const context = await browser.newContext({ locale: 'en-GB' });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  await context.addInitScript(() => {
    const found: unknown[] = [];
    (window as unknown as { __violations: unknown[] }).__violations = found;
    // Capture on the document: violations inside the shadow root are composed and reach it.
    document.addEventListener(
      'securitypolicyviolation',
      (event) =>
        found.push({ directive: event.violatedDirective, blocked: event.blockedURI, sample: event.sample, source: event.sourceFile }),
      true,
    );
  });
  const page = await context.newPage();
  const errors = watchErrors(page);
  return { context, page, errors };
}

const violations = (page: Page) => page.evaluate(() => (window as unknown as { __violations: Violation[] }).__violations);

/** Signs and reaches the share step, then clicks "Copy link". */
async function signAndCopy(page: Page, email: string): Promise<void> {
  await page.goto(`${server.url}/`);
  const widget = page.locator('appeal-widget');
  await waitForWidget(widget);
  await fillSigner(widget, { firstName: 'Sofía', lastName: 'Ramírez', email, country: 'ES' });
  await widget.locator('button[type="submit"]').click();
  await widget.locator('#appeal-thanks').waitFor();
  await widget.locator('[part="share-button"][data-channel="whatsapp"] svg').waitFor();
  await widget.locator('[part="share-button"][data-channel="copy"]').click();
  await widget.locator('[part="copied"]').waitFor();
}

describe(`under ${STRICT_CSP}`, () => {
  let page: Page;
  let context: BrowserContext;
  let errors: ReturnType<typeof watchErrors>;

  before(async () => {
    policy = STRICT_CSP;
    ({ page, context, errors } = await openPage());
    await signAndCopy(page, `csp.${Date.now()}@example.org`);
  });
  after(() => context.close());

  test('the page really is served with the policy', async () => {
    const response = await page.request.get(`${server.url}/`);
    assert.equal(response.headers()['content-security-policy'], STRICT_CSP);
    const bundle = await page.request.get(`${server.url}/dist/appeal-widget.js`);
    assert.equal(bundle.status(), 200);
  });

  test('zero policy violations while rendering, signing, sharing and copying', async () => {
    assert.deepEqual(await violations(page), []);
    assert.deepEqual(errors.consoleErrors.filter((text) => /Content Security Policy|Refused to/i.test(text)), []);
    assert.deepEqual(errors.pageErrors.map(String), []);
  });

  test('the widget is styled (constructable stylesheets are not blocked) and the host CSS applies', async () => {
    const widget = page.locator('appeal-widget');
    const styles = await widget.evaluate((element) => {
      const card = element.shadowRoot!.querySelector('[part="base"]')!;
      return {
        adopted: element.shadowRoot!.adoptedStyleSheets.length,
        border: getComputedStyle(card).borderTopStyle,
        bodyFont: getComputedStyle(document.body).fontFamily,
      };
    });
    assert.ok(styles.adopted > 0, 'styles adopted into the shadow root');
    assert.equal(styles.border, 'solid');
    assert.match(styles.bodyFont, /system-ui/, 'demo.css (an external stylesheet) applies');
    // The share icons (inline SVG paths fetched as JSON) are drawn.
    assert.ok((await widget.locator('[part="share-button"] svg').count()) > 0);
  });

  test('"Copy link" puts the tagged share URL on the clipboard', async () => {
    const copied = new URL(await page.evaluate(() => navigator.clipboard.readText()));
    assert.equal(`${copied.origin}${copied.pathname}`, `${server.url}/`);
    assert.equal(copied.searchParams.get('utm_source'), 'copy');
    assert.equal(copied.searchParams.get('utm_medium'), 'share');
    assert.equal(copied.searchParams.get('utm_campaign'), 'csp-campaign');
  });

  test('the "copied" confirmation is shown in words', async () => {
    const text = await page.locator('appeal-widget [part="copied"]').textContent();
    assert.equal(text?.trim(), tr(en, 'share.copied'));
  });

  test('no console errors at all', () => {
    assert.deepEqual(errors.consoleErrors, []);
  });
});

test('control: the recorder does catch a violation (an inline script under the same policy)', async () => {
  const { context, page } = await openPage();
  try {
    await page.goto(`${server.url}/privacy.html`);
    await page.evaluate(() => {
      const inline = document.createElement('script');
      inline.textContent = 'window.__ran = true';
      document.body.append(inline);
    });
    await page.waitForTimeout(100);
    const found = await violations(page);
    assert.equal(found.length, 1);
    assert.equal(found[0]!.directive, 'script-src-elem');
    assert.equal(await page.evaluate(() => (window as unknown as { __ran?: boolean }).__ran), undefined);
  } finally {
    await context.close();
  }
});

test(`also with Trusted Types required (${TRUSTED_TYPES_CSP})`, async () => {
  policy = TRUSTED_TYPES_CSP;
  const { context, page, errors } = await openPage();
  try {
    await signAndCopy(page, `csp.tt.${Date.now()}@example.org`);
    assert.deepEqual(await violations(page), []);
    assert.deepEqual(errors.consoleErrors.filter((text) => /Content Security Policy|Refused to|TrustedHTML/i.test(text)), []);
    assert.deepEqual(errors.pageErrors.map(String), []);
  } finally {
    policy = STRICT_CSP;
    await context.close();
  }
});
