/**
 * Issue 7: fault-injection tests in a real browser. The built embed (dist/appeal-widget.js) runs in
 * Chromium against the real receiver, through a proxy that breaks the API on purpose (see
 * support/faults.ts). Each test checks what the receiver finally stored, never just what the widget
 * claims: SPEC §4.3 says nothing is lost and nothing is counted twice.
 *
 *   npm run build && node --import tsx --test --test-concurrency=1 test/e2e/resilience.test.ts
 *
 * RESILIENCE_SCREENSHOTS=<dir> also saves a screenshot at each step worth looking at.
 */
import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  DIST,
  REPO_ROOT,
  launchBrowser,
  startFaultProxy,
  startReceiver,
  waitUntil,
  widgetPage,
  type Fault,
  type FaultProxy,
  type Receiver,
} from './support/faults.ts';

const QUEUE_PREFIX = 'appeal-widget:signature:';
const SEND_TIMEOUT_MS = 15_000;
const SCREENSHOTS = process.env.RESILIENCE_SCREENSHOTS;

// The signer-facing English texts, as locales/en.json words them.
const en = JSON.parse(readFileSync(join(REPO_ROOT, 'locales/en.json'), 'utf8')) as Record<string, Record<string, string>>;
const say = (group: string, key: string, values: Record<string, string> = {}) =>
  en[group]![key]!.replace(/\{\{(\w+)\}\}/g, (_match, name: string) => values[name] ?? '');
const QUEUED = say('notice', 'queued');
const UNSAVED = say('notice', 'unsaved');
const RATE_LIMITED_2 = say('notice', 'rateLimited_other', { count: '2' });
const SIGNED = say('status', 'signed');

const skipWithoutBuild = !existsSync(join(DIST, 'appeal-widget.js')) && 'dist/appeal-widget.js missing: run npm run build first';

let receiver: Receiver;
let proxy: FaultProxy;
let browser: Browser;

before(async () => {
  receiver = await startReceiver();
  proxy = await startFaultProxy(receiver.url);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await proxy?.close();
  await receiver?.close();
});

// ---- helpers -----------------------------------------------------------------------------------

interface Signer {
  firstName: string;
  lastName: string;
  email: string;
  country: string;
}

interface Opened {
  context: BrowserContext;
  page: Page;
  /** Uncaught exceptions of every page opened in the context. */
  pageErrors: string[];
}

let emails = 0;
function signerFor(campaign: string): Signer {
  emails += 1;
  return { firstName: 'Aigerim', lastName: 'Nurlanovna', email: `${campaign}-${process.pid}-${emails}@example.org`, country: 'FR' };
}

/** Records the widget's events in the page, before any widget can fire one. */
const RECORD_EVENTS = () => {
  const events: { type: string; kind?: string; message?: string; campaign?: string | null }[] = [];
  Object.assign(window, { appealEvents: events });
  for (const type of ['appeal-error', 'appeal-signed']) {
    addEventListener(type, (event) => {
      const detail = (event as CustomEvent<{ kind?: string; message?: string }>).detail;
      events.push({ type, kind: detail.kind, message: detail.message, campaign: (event.target as Element).getAttribute('campaign') });
    }, true);
  }
};

/**
 * A fresh browser context (its own localStorage) closed after the test, and a proxy with no fault
 * and no record. (Not a beforeEach hook: node:test runs those before subtests too.)
 */
async function newContext(t: TestContext): Promise<{ context: BrowserContext; pageErrors: string[] }> {
  proxy.reset();
  const context = await browser.newContext();
  t.after(() => context.close());
  const pageErrors: string[] = [];
  context.on('weberror', (error) => pageErrors.push(String(error.error())));
  await context.addInitScript(RECORD_EVENTS);
  return { context, pageErrors };
}

/** Opens the page of `campaign` in `context` and waits for the widget's form. */
async function openWidget(context: BrowserContext, campaign: string, setUp?: (page: Page) => Promise<unknown>): Promise<Page> {
  proxy.page(`/${campaign}.html`, widgetPage(campaign));
  const page = await context.newPage();
  await setUp?.(page);
  await page.goto(`${proxy.url}/${campaign}.html`);
  await page.locator('appeal-widget form').waitFor({ timeout: 10_000 });
  return page;
}

async function open(t: TestContext, campaign: string, setUp?: (page: Page) => Promise<unknown>): Promise<Opened> {
  const { context, pageErrors } = await newContext(t);
  return { context, pageErrors, page: await openWidget(context, campaign, setUp) };
}

/** Types and submits as a signer would. */
async function sign(page: Page, signer: Signer): Promise<void> {
  await page.fill('appeal-widget [name="firstName"]', signer.firstName);
  await page.fill('appeal-widget [name="lastName"]', signer.lastName);
  await page.fill('appeal-widget [name="email"]', signer.email);
  await page.selectOption('appeal-widget [name="country"]', signer.country);
  await page.check('appeal-widget #appeal-consent-yes');
  await page.click('appeal-widget [part="submit"]');
}

/** What the form shows now. */
async function formValues(page: Page): Promise<Signer & { consent: boolean }> {
  const value = (name: string) => page.locator(`appeal-widget [name="${name}"]`).inputValue();
  return {
    firstName: await value('firstName'),
    lastName: await value('lastName'),
    email: await value('email'),
    country: await value('country'),
    consent: await page.locator('appeal-widget #appeal-consent-yes').isChecked(),
  };
}

/** The queued signatures in the page's localStorage, by key. */
function queue(page: Page): Promise<Record<string, { payload: { id: string; signer: { email?: string } } }>> {
  return page.evaluate((prefix) => {
    const found: Record<string, { payload: { id: string; signer: { email?: string } } }> = {};
    for (let index = 0; index < localStorage.length; index++) {
      const key = localStorage.key(index)!;
      if (key.startsWith(prefix) && key !== prefix) found[key] = JSON.parse(localStorage.getItem(key)!);
    }
    return found;
  }, QUEUE_PREFIX);
}

function events(page: Page): Promise<{ type: string; kind?: string; message?: string; campaign?: string | null }[]> {
  return page.evaluate(() => (window as unknown as { appealEvents: [] }).appealEvents);
}

const notice = (page: Page) => page.locator('appeal-widget [part="notice"]');
const statusRegion = (page: Page) => page.locator('appeal-widget [role="status"]');
const thanks = (page: Page) => page.locator('appeal-widget [part="thanks"]');

async function shot(page: Page, name: string): Promise<void> {
  if (!SCREENSHOTS) return;
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Exactly one stored signature for `campaign`, the one with `signer`'s email and the payload `id`. */
async function assertStoredOnce(campaign: string, signer: Signer, id?: string): Promise<void> {
  assert.equal(await receiver.count(campaign), 1, 'stored count');
  const rows = await receiver.csv(campaign);
  assert.equal(rows.length, 1, 'rows in the CSV export');
  assert.equal(rows[0]!.email, signer.email);
  assert.equal(rows[0]!.first_name, signer.firstName);
  if (id) assert.equal(rows[0]!.id, id);
}

/** The signer sees a notice with `expected`, and the status region announces the same words. */
async function assertTold(page: Page, expected: string): Promise<void> {
  assert.equal(await notice(page).isVisible(), true, 'a visible notice');
  assert.equal((await notice(page).locator('p').textContent())?.trim(), expected, 'the notice');
  assert.equal((await statusRegion(page).textContent())?.trim(), expected, 'the status region');
}

const sameId = (ids: (string | undefined)[]) => ids.length > 0 && ids.every((id) => id && id === ids[0]);

// ---- the tests ---------------------------------------------------------------------------------

test('1. receiver down at submit, then back: queued, kept, sent once within the backoff, thank-you by itself', { skip: skipWithoutBuild, timeout: 60_000 }, async (t) => {
  const campaign = 'resilience-down';
  const signer = signerFor(campaign);
  const { page, pageErrors } = await open(t, campaign);
  proxy.down();
  await sign(page, signer);

  // The signer is told, visibly and in the status region, that it is saved and will be sent.
  await notice(page).waitFor({ timeout: 5_000 });
  await assertTold(page, QUEUED);
  assert.deepEqual(await formValues(page), { ...signer, consent: true }, 'the form keeps every typed value');
  await shot(page, '1-queued');

  // It waits in localStorage under its id.
  const refused = proxy.posts(campaign);
  assert.ok(refused.length >= 1 && refused.every((seen) => seen.fault === 'down'));
  const id = refused[0]!.id!;
  const entries = await queue(page);
  assert.deepEqual(Object.keys(entries), [QUEUE_PREFIX + id]);
  assert.equal(entries[QUEUE_PREFIX + id]!.payload.signer.email, signer.email);

  // Let the backoff grow over a few refused attempts, then bring the API back.
  await waitUntil(() => proxy.posts(campaign).length >= 3, 10_000, 'three refused attempts');
  const failedBeforeUp = proxy.posts(campaign).length;
  const upAt = proxy.up();
  assert.equal(await receiver.count(campaign), 0);

  // The pending retry is backoffDelay(failedBeforeUp) ≤ 1.2 × 2^(n-1) s after the last refusal.
  const bound = 1.2 * 1000 * 2 ** (failedBeforeUp - 1) + 1000;
  const delivered = await waitUntil(() => proxy.posts(campaign).find((seen) => seen.receiverStatus === 201), bound, 'the retry to reach the receiver');
  await thanks(page).waitFor({ timeout: 5_000 });
  const thanksAt = proxy.now();
  await shot(page, '1-thanks');

  await assertStoredOnce(campaign, signer, id);
  assert.ok(sameId(proxy.posts(campaign).map((seen) => seen.id)), 'every attempt carries the same id');
  assert.equal(proxy.posts(campaign).filter((seen) => seen.receiverStatus).length, 1, 'one request reached the receiver');
  await waitUntil(async () => Object.keys(await queue(page)).length === 0, 2_000, 'the queue entry to go');
  assert.equal((await thanks(page).locator('h3').textContent())?.trim(), say('thanks', 'titleName', { name: signer.firstName }));
  assert.equal((await statusRegion(page).textContent())?.trim(), SIGNED);
  assert.deepEqual(pageErrors, []);

  const attempts = proxy.posts(campaign).map((seen) => Math.round(seen.at - refused[0]!.at));
  t.diagnostic(`attempts at (ms after the first): ${attempts.join(', ')}`);
  t.diagnostic(`API back → stored: ${Math.round(delivered.receiverAt! - upAt)} ms (after ${failedBeforeUp} refused attempts; bound ${bound} ms); → thank-you visible: ${Math.round(thanksAt - upAt)} ms`);
});

test('2. 503 twice then 201: three requests with the same id, stored once, thank-you', { skip: skipWithoutBuild, timeout: 30_000 }, async (t) => {
  const campaign = 'resilience-503';
  const signer = signerFor(campaign);
  const { page, pageErrors } = await open(t, campaign);
  proxy.plan({ kind: 'status', status: 503 }, { kind: 'status', status: 503 });
  await sign(page, signer);

  await notice(page).waitFor({ timeout: 5_000 });
  await assertTold(page, QUEUED);
  await thanks(page).waitFor({ timeout: 15_000 });

  const posts = proxy.posts(campaign);
  assert.deepEqual(posts.map((seen) => seen.status), [503, 503, 201]);
  assert.ok(sameId(posts.map((seen) => seen.id)), `same id on every attempt: ${posts.map((seen) => seen.id).join(', ')}`);
  await assertStoredOnce(campaign, signer, posts[0]!.id);
  assert.deepEqual((await events(page)).map((event) => event.kind ?? event.type), ['server', 'appeal-signed']);
  assert.deepEqual(pageErrors, []);

  // Backoff: ~1 s then ~2 s, each with at most 20 % jitter (plus a little scheduling slack).
  const [first, second, third] = posts.map((seen) => seen.at);
  const gaps = [second! - first!, third! - second!];
  assert.ok(gaps[0]! >= 1000 && gaps[0]! <= 1200 + 600, `first retry after ${gaps[0]} ms`);
  assert.ok(gaps[1]! >= 2000 && gaps[1]! <= 2400 + 600, `second retry after ${gaps[1]} ms`);
  t.diagnostic(`requests at 0, ${Math.round(second! - first!)}, ${Math.round(third! - first!)} ms (gaps ${gaps.map(Math.round).join(', ')} ms)`);
});

test('3. an answer slower than the 15 s timeout: retried with the same id, stored once, thank-you', { skip: skipWithoutBuild, timeout: 60_000 }, async (t) => {
  const campaign = 'resilience-slow';
  const signer = signerFor(campaign);
  const { page, pageErrors } = await open(t, campaign);
  proxy.plan({ kind: 'slow', delayMs: 20_000 });
  await sign(page, signer);

  // The receiver has it at once; the browser does not hear so for 20 s.
  await waitUntil(async () => (await receiver.count(campaign)) === 1, 5_000, 'the receiver to store the first attempt');
  assert.equal(await thanks(page).count(), 0);

  await notice(page).waitFor({ timeout: SEND_TIMEOUT_MS + 5_000 });
  await assertTold(page, QUEUED);
  await thanks(page).waitFor({ timeout: 10_000 });

  const posts = proxy.posts(campaign);
  assert.equal(posts.length, 2, 'the first attempt and one retry');
  assert.ok(sameId(posts.map((seen) => seen.id)), 'the retry carries the same id');
  assert.equal(posts[0]!.receiverStatus, 201);
  assert.equal(posts[1]!.receiverStatus, 200, 'the receiver recognised the id');
  const gaveUpAfter = posts[0]!.abandonedAt! - posts[0]!.at;
  assert.ok(gaveUpAfter >= SEND_TIMEOUT_MS - 100 && gaveUpAfter < SEND_TIMEOUT_MS + 1500, `the browser gave up after ${gaveUpAfter} ms`);
  await assertStoredOnce(campaign, signer, posts[0]!.id);
  assert.deepEqual((await events(page)).map((event) => event.kind ?? event.type), ['timeout', 'appeal-signed']);
  assert.deepEqual(pageErrors, []);
  t.diagnostic(`gave up after ${Math.round(gaveUpAfter)} ms; retry ${Math.round(posts[1]!.at - posts[0]!.abandonedAt!)} ms later`);
});

test('4. offline at submit, page closed, back online, page opened again: sent on load, stored once, queue empty', { skip: skipWithoutBuild, timeout: 60_000 }, async (t) => {
  const campaign = 'resilience-offline';
  const signer = signerFor(campaign);
  const { context, page, pageErrors } = await open(t, campaign);
  await context.setOffline(true);
  await sign(page, signer);

  await notice(page).waitFor({ timeout: 5_000 });
  await assertTold(page, QUEUED);
  assert.deepEqual(await formValues(page), { ...signer, consent: true });
  const entries = Object.values(await queue(page));
  assert.equal(entries.length, 1);
  const { id } = entries[0]!.payload;
  assert.equal(proxy.posts(campaign).length, 0, 'nothing left the browser');
  await shot(page, '4-offline-queued');
  await page.close();

  await context.setOffline(false);
  const openedAt = proxy.now();
  const again = await openWidget(context, campaign);
  // No click, no typing: the page load alone sends it.
  const delivered = await waitUntil(() => proxy.posts(campaign).find((seen) => seen.receiverStatus === 201), 10_000, 'the queued signature to be sent on load');
  await waitUntil(async () => Object.keys(await queue(again)).length === 0, 5_000, 'the queue to empty');
  await assertStoredOnce(campaign, signer, id);
  assert.equal(proxy.posts(campaign).length, 1);
  assert.equal(delivered.id, id);
  assert.deepEqual(pageErrors, []);
  t.diagnostic(`page opened → stored: ${Math.round(delivered.receiverAt! - openedAt)} ms`);
});

test('4b. offline at submit, back online with the page open: the online event sends it before the backoff would', { skip: skipWithoutBuild, timeout: 30_000 }, async (t) => {
  const campaign = 'resilience-online-event';
  const signer = signerFor(campaign);
  const { context, page, pageErrors } = await open(t, campaign);
  await context.setOffline(true);
  await sign(page, signer);
  await notice(page).waitFor({ timeout: 5_000 });
  // Offline attempts fail at once: by now the retries at ~1 s and ~3 s are spent, the next is ≥ 7 s after submit.
  await new Promise((done) => setTimeout(done, 4_000));
  assert.equal(proxy.posts(campaign).length, 0);

  const onlineAt = proxy.now();
  await context.setOffline(false);
  const delivered = await waitUntil(() => proxy.posts(campaign).find((seen) => seen.receiverStatus === 201), 10_000, 'the signature to be sent');
  const after = delivered.at - onlineAt;
  assert.ok(after < 1_500, `sent ${after} ms after the browser came online (the backoff alone would take ≥ 2.5 s)`);
  await thanks(page).waitFor({ timeout: 5_000 });
  await assertStoredOnce(campaign, signer);
  assert.deepEqual(await queue(page), {});
  assert.deepEqual(pageErrors, []);
  t.diagnostic(`online → request: ${Math.round(after)} ms`);
});

test('5. 429 with Retry-After: 2: the widget says so and retries by itself after about 2 s, stored once', { skip: skipWithoutBuild, timeout: 30_000 }, async (t) => {
  const campaign = 'resilience-429';
  const signer = signerFor(campaign);
  const { page, pageErrors } = await open(t, campaign);
  proxy.plan({ kind: 'status', status: 429, headers: { 'retry-after': '2' } });
  await sign(page, signer);

  await notice(page).waitFor({ timeout: 5_000 });
  await assertTold(page, RATE_LIMITED_2);
  await shot(page, '5-rate-limited');
  await thanks(page).waitFor({ timeout: 10_000 });

  const posts = proxy.posts(campaign);
  assert.deepEqual(posts.map((seen) => seen.status), [429, 201]);
  assert.ok(sameId(posts.map((seen) => seen.id)));
  const gap = posts[1]!.at - posts[0]!.at;
  assert.ok(gap >= 1900 && gap <= 4000, `retried ${gap} ms after the 429`);
  await assertStoredOnce(campaign, signer, posts[0]!.id);
  assert.deepEqual((await events(page)).map((event) => event.kind ?? event.type), ['rate-limited', 'appeal-signed']);
  assert.deepEqual(pageErrors, []);
  t.diagnostic(`requests at 0 (429) and ${Math.round(gap)} ms (201)`);
});

test('6. localStorage blocked and the API down: "unsaved" notice, no page error, the in-page retry still delivers', { skip: skipWithoutBuild, timeout: 30_000 }, async (t) => {
  const campaign = 'resilience-nostorage';
  const signer = signerFor(campaign);
  const { context, page, pageErrors } = await open(t, campaign, (blocked) =>
    blocked.addInitScript(() => {
      Object.defineProperty(window, 'localStorage', {
        get() {
          throw new DOMException('blocked', 'SecurityError');
        },
      });
    }),
  );
  proxy.down();
  await sign(page, signer);

  await notice(page).waitFor({ timeout: 5_000 });
  await assertTold(page, UNSAVED);
  assert.deepEqual(await formValues(page), { ...signer, consent: true });
  assert.deepEqual(pageErrors, []);
  await shot(page, '6-unsaved');

  // Nothing reached the real storage of the origin.
  proxy.page('/blank.html', '<!doctype html><title>blank</title>');
  const other = await context.newPage();
  await other.goto(`${proxy.url}/blank.html`);
  assert.deepEqual(await queue(other), {});
  await other.close();

  proxy.up();
  await thanks(page).waitFor({ timeout: 10_000 });
  const posts = proxy.posts(campaign);
  assert.ok(sameId(posts.map((seen) => seen.id)));
  await assertStoredOnce(campaign, signer, posts[0]!.id);
  assert.deepEqual(pageErrors, []);
});

test('7. the host page never breaks: broken configurations show their error, fire appeal-error "config", page script runs on', { skip: skipWithoutBuild, timeout: 30_000 }, async (t) => {
  proxy.page('/broken.html', `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Broken widgets</title>
<script>window.ticks = 0; setInterval(() => window.ticks++, 20);</script>
</head>
<body>
<h1>A host page with two broken embeds</h1>
<script src="/dist/appeal-widget.js" data-endpoint="" data-campaign="resilience-no-endpoint"></script>
<script src="/dist/appeal-widget.js" data-endpoint="/api/signatures" data-campaign="resilience-no-document"
  data-campaign-url="/campaigns/missing.json"></script>
<script>window.afterWidgets = true;</script>
<p id="after">Host content after the widgets.</p>
</body>
</html>`);
  const { context, pageErrors } = await newContext(t);
  const page = await context.newPage();
  await page.goto(`${proxy.url}/broken.html`);

  const configErrors = page.locator('appeal-widget [part="config-error"]');
  await waitUntil(async () => (await configErrors.count()) === 2, 10_000, 'both configuration errors');
  await configErrors.nth(0).waitFor();
  await configErrors.nth(1).waitFor();
  const [noEndpoint, noDocument] = await configErrors.allTextContents();
  assert.ok(noEndpoint!.includes(say('config', 'missing', { attribute: 'endpoint' })), noEndpoint);
  const documentUrl = `${proxy.url}/campaigns/missing.json`;
  assert.ok(noDocument!.includes(say('config', 'documentUnreachable', { url: documentUrl, detail: 'HTTP 404' })), noDocument);
  assert.equal(await page.locator('appeal-widget form').count(), 0, 'no form where the configuration is broken');
  await shot(page, '7-config-errors');

  const configEvents = (await events(page)).filter((event) => event.type === 'appeal-error');
  assert.deepEqual(
    configEvents.map((event) => [event.campaign, event.kind]).sort(),
    [['resilience-no-document', 'config'], ['resilience-no-endpoint', 'config']],
  );
  const ticks = await page.evaluate(() => (window as unknown as { ticks: number }).ticks);
  await page.waitForTimeout(300);
  assert.ok((await page.evaluate(() => (window as unknown as { ticks: number }).ticks)) > ticks, 'the page script keeps running');
  assert.equal(await page.evaluate(() => (window as unknown as { afterWidgets?: boolean }).afterWidgets), true);
  assert.equal(await page.locator('#after').isVisible(), true);
  assert.deepEqual(pageErrors, []);
  assert.equal(proxy.posts().length, 0);
});

test('8. a first attempt that hangs, and the signer closes the page meanwhile: still sent on the next page load', {
  skip: skipWithoutBuild,
  timeout: 30_000,
}, async (t) => {
  const campaign = 'resilience-hang';
  const signer = signerFor(campaign);
  const { context, page, pageErrors } = await open(t, campaign);
  proxy.plan({ kind: 'hang' });
  await sign(page, signer);
  await waitUntil(() => proxy.posts(campaign).length === 1, 5_000, 'the first attempt');
  await page.waitForTimeout(2_000);
  const id = proxy.posts(campaign)[0]!.id!;
  // SPEC §4.3, "nothing is lost": it must already wait in the queue while the first attempt is out.
  const saved = Object.keys(await queue(page));
  await page.close();
  assert.equal(await receiver.count(campaign), 0);

  await openWidget(context, campaign);
  const delivered = await waitUntil(() => proxy.posts(campaign).find((seen) => seen.receiverStatus === 201), 5_000, 'the signature to be sent on load')
    .catch(() => undefined);
  assert.deepEqual(saved, [QUEUE_PREFIX + id], 'queued while the first attempt was out');
  assert.ok(delivered, 'sent on the next page load');
  await assertStoredOnce(campaign, signer, id);
  assert.deepEqual(pageErrors, []);
});

// SPEC §4.3: only an answer from the endpoint itself counts. A redirect (followed, a POST becomes a
// GET of some page, or is re-posted elsewhere) or an HTML page answering 200 used to show the thanks
// and lose the signature.
const NOT_THE_ENDPOINT: [name: string, label: string, fault: Fault][] = [
  ['redirect-302', 'a 302 to an HTML page (an http→https or trailing-slash rule)', { kind: 'redirect', status: 302, location: '/resilience-redirect-302.html' }],
  ['redirect-307', 'a 307 re-posting the signature elsewhere', { kind: 'redirect', status: 307, location: '/moved/signatures' }],
  ['html-200', 'a 200 with an HTML page (a captive portal)', { kind: 'html' }],
];
for (const [name, label, fault] of NOT_THE_ENDPOINT) {
  test(`9. ${label}: not a signature: queued, sent once the fault clears, stored once`, { skip: skipWithoutBuild, timeout: 30_000 }, async (t) => {
    const campaign = `resilience-${name}`;
    const signer = signerFor(campaign);
    const { page, pageErrors } = await open(t, campaign);
    proxy.plan(fault);
    await sign(page, signer);

    await notice(page).waitFor({ timeout: 5_000 });
    await assertTold(page, QUEUED);
    assert.equal(await receiver.count(campaign), 0, 'nothing stored while the fault lasts');
    await thanks(page).waitFor({ timeout: 10_000 });

    const posts = proxy.posts(campaign);
    assert.deepEqual(posts.map((seen) => seen.fault), [fault.kind, 'pass']);
    assert.ok(sameId(posts.map((seen) => seen.id)), 'the retry carries the same id');
    await assertStoredOnce(campaign, signer, posts[0]!.id);
    await waitUntil(async () => Object.keys(await queue(page)).length === 0, 2_000, 'the queue entry to go');
    const kinds = (await events(page)).map((event) => event.kind ?? event.type);
    assert.deepEqual(kinds, [fault.kind === 'html' ? 'server' : 'network', 'appeal-signed']);
    assert.deepEqual(pageErrors, []);
    t.diagnostic(`retried ${Math.round(posts[1]!.at - posts[0]!.at)} ms after the ${fault.kind} answer`);
  });
}
