/**
 * Nothing from configuration can inject markup or script (SPEC §2.4): hostile strings in a
 * campaign document, in data-* attributes and in a locale file are shown as text, never run.
 * Each widget is rendered, signed and taken to its share step before the checks.
 */
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import {
  fillSigner,
  htmlPage,
  launchBrowser,
  removeTemp,
  snapshotDist,
  staticServer,
  tempDir,
  tr,
  waitForWidget,
  watchErrors,
  type Strings,
} from './support/pages.ts';

const IMG = '<img src=x onerror=window.__pwned=1>';
const SCRIPT = '<script>window.__pwned=1</script>';
const JS_URL = 'javascript:window.__pwned=1';
const SVG = '"><svg onload=window.__pwned=1>';
const HOSTILE = [IMG, SCRIPT, JS_URL, SVG];
const ALL = HOSTILE.join(' ');

const DOCUMENT = {
  id: 'xss',
  goal: 100,
  texts: {
    en: {
      title: `${IMG} ${SVG}`,
      appeal: `${SCRIPT}\n\nRead ${JS_URL} or https://example.org/a${SVG}\nline two ${IMG}`,
      thanks: `${IMG}\n\n${SCRIPT}`,
      shareText: ALL,
    },
  },
  letter: { to: SVG, en: { subject: IMG, body: `${SCRIPT}\n${JS_URL}` } },
};

/** locales/fr.json with a hostile string before every message (placeholders kept). */
function hostileFrench(dist: string): Strings {
  const original = JSON.parse(readFileSync(join(dist, 'locales', 'fr.json'), 'utf8')) as Strings;
  let index = 0;
  const walk = (node: Strings): Strings =>
    Object.fromEntries(
      Object.entries(node).map(([key, value]) => [key, typeof value === 'string' ? `${HOSTILE[index++ % HOSTILE.length]} ${value}` : walk(value)]),
    );
  return walk(original);
}

const script = (src: string, attributes: string) =>
  `<script src="${src}" data-endpoint="/stub/signatures" data-count-url="/stub/count" ${attributes}></script>`;
const attr = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

const PAGES: Record<string, string> = {
  'document.html': htmlPage(script('/dist/appeal-widget.js', 'data-campaign="xss-doc" data-campaign-url="/hostile.json"')),
  'attributes.html': htmlPage(
    script(
      '/dist/appeal-widget.js',
      `data-campaign="${attr(SVG)}" data-share-text="${attr(ALL)}" data-organiser="${attr(`${IMG} ${SVG}`)}" data-goal="100"`,
    ) + '<h2 slot="title">Host title</h2>',
  ),
  'privacy-url.html': htmlPage(script('/dist/appeal-widget.js', `data-campaign="xss" data-privacy-url="${attr(JS_URL)}"`)),
  'share-url.html': htmlPage(script('/dist/appeal-widget.js', `data-campaign="xss" data-share-url="${attr(JS_URL)}"`)),
  'locale.html': htmlPage(script('/hostile-dist/appeal-widget.js', 'data-campaign="xss-locale" data-lang="fr" data-privacy-url="/privacy.html" data-goal="100"')),
  'privacy.html': htmlPage('<p>Privacy</p>'),
};

let root: string;
let server: Awaited<ReturnType<typeof staticServer>>;
let browser: Browser;
let french: Strings;
const received: string[] = [];

before(async () => {
  root = tempDir('xss');
  const dist = snapshotDist();
  cpSync(dist, join(root, 'dist'), { recursive: true });
  cpSync(dist, join(root, 'hostile-dist'), { recursive: true });
  removeTemp(dist);
  french = hostileFrench(join(root, 'dist'));
  writeFileSync(join(root, 'hostile-dist', 'locales', 'fr.json'), JSON.stringify(french));
  writeFileSync(join(root, 'hostile.json'), JSON.stringify(DOCUMENT));
  for (const [name, content] of Object.entries(PAGES)) writeFileSync(join(root, name), content);
  // A stub endpoint that accepts anything (the real receiver rightly refuses a hostile campaign id).
  server = await staticServer(root, {
    handle: (method, path, body) => {
      if (method === 'POST' && path === '/stub/signatures') {
        received.push(body);
        return { status: 201, body: { ok: true, count: 7 } };
      }
      if (path === '/stub/count') return { status: 200, body: { count: 6 } };
      return undefined;
    },
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
  removeTemp(root);
});

interface Opened {
  context: BrowserContext;
  page: Page;
  widget: Locator;
  errors: ReturnType<typeof watchErrors>;
}

async function open(path: string): Promise<Opened> {
  const context = await browser.newContext({ locale: 'en-GB' });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(`${server.url}/${path}`);
  const widget = page.locator('appeal-widget');
  await waitForWidget(widget);
  return { context, page, widget, errors };
}

/** Signs (the first name itself hostile) and opens the share step, when the widget shows a form. */
async function signAndShare(widget: Locator): Promise<boolean> {
  if ((await widget.locator('form').count()) === 0) return false;
  await fillSigner(widget, { firstName: IMG, lastName: SVG, email: `xss.${Date.now()}@example.org`, country: 'FR' });
  await widget.locator('button[type="submit"]').click();
  await widget.locator('#appeal-thanks').waitFor();
  await widget.locator('[part="share-button"][data-channel="copy"]').click();
  await widget.locator('[part="copied"]').waitFor();
  return true;
}

/** Everything that would betray an injection, anywhere in the page or the widget's shadow root. */
async function injections(page: Page) {
  return page.evaluate(() => {
    const roots: (Document | ShadowRoot)[] = [document];
    for (const element of document.querySelectorAll('*')) if (element.shadowRoot) roots.push(element.shadowRoot);
    const found: string[] = [];
    for (const root of roots) {
      const where = root === document ? 'document' : 'shadow root';
      for (const element of root.querySelectorAll('img, iframe, object, embed')) found.push(`${where}: <${element.localName}>`);
      for (const element of root.querySelectorAll('script')) {
        if (root !== document || !(element as HTMLScriptElement).src) found.push(`${where}: inline <script>`);
      }
      for (const element of root.querySelectorAll('svg')) {
        if (root === document || !element.classList.contains('icon')) found.push(`${where}: unexpected <svg>`);
      }
      for (const element of root.querySelectorAll('*')) {
        for (const { name } of element.attributes) if (/^on/i.test(name)) found.push(`${where}: ${element.localName}[${name}]`);
        for (const name of ['href', 'src', 'action', 'formaction', 'xlink:href']) {
          const value = element.getAttribute(name);
          if (value !== null && /^\s*javascript:/i.test(value)) found.push(`${where}: ${element.localName}[${name}=${value}]`);
        }
      }
      for (const link of root.querySelectorAll('a')) {
        if ((link as HTMLAnchorElement).protocol === 'javascript:') found.push(`${where}: <a href=${link.getAttribute('href')}>`);
      }
    }
    return { found, pwned: (window as unknown as { __pwned?: unknown }).__pwned };
  });
}

async function assertSafe(page: Page): Promise<void> {
  // Let any onerror/onload that slipped through run before looking.
  await page.waitForTimeout(200);
  const { found, pwned } = await injections(page);
  assert.equal(pwned, undefined, 'window.__pwned was set');
  assert.deepEqual(found, []);
}

const shadowText = (widget: Locator) => widget.evaluate((element) => element.shadowRoot!.textContent ?? '');
const text = async (locator: Locator) => ((await locator.textContent()) ?? '').replace(/\s+/g, ' ').trim();

describe('a hostile campaign document', () => {
  let opened: Opened;
  let signed = false;
  before(async () => {
    opened = await open('document.html');
    signed = await signAndShare(opened.widget);
  });
  after(() => opened.context.close());

  test('runs nothing and injects no element', async () => {
    await assertSafe(opened.page);
    assert.deepEqual(opened.errors.pageErrors.map(String), []);
  });

  test('is rendered as text: title, appeal, letter, thanks, share text', async () => {
    assert.ok(signed, 'the form was shown and signed');
    const { widget } = opened;
    assert.equal(await text(widget.locator('[part="title"] h2')), `${IMG} ${SVG}`);
    const paragraphs = await widget.locator('[part="appeal"] p').allTextContents();
    assert.deepEqual(paragraphs.map((p) => p.replace(/\s+/g, ' ').trim()), [SCRIPT, `Read ${JS_URL} or https://example.org/a${SVG}line two ${IMG}`]);
    assert.equal(await widget.locator('[part="appeal"] br').count(), 1);
    // Only the http(s) URL became a link, cut before the markup.
    assert.deepEqual(
      await widget.locator('[part="appeal"] a').evaluateAll((links) => links.map((link) => link.getAttribute('href'))),
      ['https://example.org/a'],
    );
    const thanks = await widget.locator('[part="thanks"] p').allTextContents();
    assert.deepEqual(thanks.slice(0, 2).map((p) => p.trim()), [IMG, SCRIPT]);
    assert.equal(await text(widget.locator('#appeal-thanks')), `Thank you, ${IMG}!`);
    const whatsapp = await widget.locator('[data-channel="whatsapp"]').getAttribute('href');
    assert.ok(new URL(whatsapp!).searchParams.get('text')!.startsWith(ALL));
    const payload = received.map((body) => JSON.parse(body) as { campaign: string; message: { subject: string; body: string } })
      .find((candidate) => candidate.campaign === 'xss-doc');
    assert.deepEqual(payload?.message, { subject: IMG, body: `${SCRIPT}\n${JS_URL}` });
  });
});

describe('hostile data-* attributes (share-text, organiser, campaign) and a hostile signer name', () => {
  let opened: Opened;
  before(async () => {
    opened = await open('attributes.html');
    assert.ok(await signAndShare(opened.widget), 'the form was shown');
  });
  after(() => opened.context.close());

  test('run nothing and inject no element', async () => {
    await assertSafe(opened.page);
    assert.deepEqual(opened.errors.pageErrors.map(String), []);
  });

  test('are shown literally as text', async () => {
    const { widget } = opened;
    assert.equal(await text(widget.locator('#appeal-thanks')), `Thank you, ${IMG}!`);
    // The share text travels inside the share links, as text.
    const whatsapp = await widget.locator('[data-channel="whatsapp"]').getAttribute('href');
    assert.ok(whatsapp!.startsWith('https://wa.me/'));
    assert.ok(new URL(whatsapp!).searchParams.get('text')!.startsWith(ALL));
    const copied = new URL(await opened.page.evaluate(() => navigator.clipboard.readText()));
    assert.equal(copied.searchParams.get('utm_campaign'), SVG);
    const payloads = received.map((body) => JSON.parse(body) as {
      campaign: string;
      consent: { text: string };
      signer: { firstName: string; lastName: string };
    });
    const payload = payloads.find((candidate) => candidate.campaign === SVG);
    assert.ok(payload, 'the hostile campaign id was sent as it is');
    assert.equal(payload.campaign, SVG);
    assert.deepEqual([payload.signer.firstName, payload.signer.lastName], [IMG, SVG]);
    assert.ok(payload.consent.text.includes(`${IMG} ${SVG}`), 'the organiser is in the consent wording as text');
  });

  test('the organiser shows literally in the consent label', async () => {
    const page = await opened.context.newPage();
    try {
      await page.goto(`${server.url}/attributes.html`);
      const widget = page.locator('appeal-widget');
      await waitForWidget(widget);
      assert.equal(
        await text(widget.locator('label[for="appeal-consent-yes"]')),
        tr(JSON.parse(readFileSync(join(root, 'dist', 'locales', 'en.json'), 'utf8')) as Strings, 'consent.checkboxOrganiser', {
          organiser: `${IMG} ${SVG}`,
        }),
      );
      await assertSafe(page);
    } finally {
      await page.close();
    }
  });
});

for (const [page, attribute] of [['privacy-url.html', 'privacy-url'], ['share-url.html', 'share-url']] as const) {
  test(`data-${attribute}="javascript:…" becomes no link, and the site owner is told`, async () => {
    const opened = await open(page);
    try {
      await signAndShare(opened.widget);
      await assertSafe(opened.page);
      const shown = await shadowText(opened.widget);
      // Either the widget refuses the value with a visible configuration error quoting it as text,
      // or it ignores it; never a javascript: link.
      const error = opened.widget.locator('[part="config-error"]');
      if ((await error.count()) > 0) {
        assert.ok(shown.includes(JS_URL), 'the refused value is quoted literally');
        assert.ok(shown.includes(attribute));
      }
      assert.deepEqual(opened.errors.pageErrors.map(String), []);
    } finally {
      await opened.context.close();
    }
  });
}

describe('a hostile locale file (locales/fr.json beside the script)', () => {
  let opened: Opened;
  before(async () => {
    opened = await open('locale.html');
    assert.ok(await signAndShare(opened.widget), 'the form was shown');
  });
  after(() => opened.context.close());

  test('runs nothing and injects no element', async () => {
    await assertSafe(opened.page);
    assert.deepEqual(opened.errors.pageErrors.map(String), []);
  });

  test('is shown literally as text', async () => {
    const { widget } = opened;
    const thanksTitle = tr(french, 'thanks.titleName', { name: IMG });
    assert.equal(await text(widget.locator('#appeal-thanks')), thanksTitle.replace(/\s+/g, ' ').trim());
    assert.ok(HOSTILE.some((hostile) => thanksTitle.startsWith(hostile)));
    const shown = await shadowText(widget);
    for (const key of ['thanks.text', 'share.title', 'share.ask', 'share.copied', 'share.whatsapp', 'share.copy']) {
      assert.ok(shown.includes(tr(french, key)), `${key} shown literally`);
    }
    for (const hostile of HOSTILE) assert.ok(shown.includes(hostile), `${hostile} shown literally`);
  });

  test('the form step shows its hostile labels literally', async () => {
    const page = await opened.context.newPage();
    try {
      await page.goto(`${server.url}/locale.html`);
      const widget = page.locator('appeal-widget');
      await waitForWidget(widget);
      assert.equal(await text(widget.locator('button[type="submit"]')), tr(french, 'form.submit'));
      assert.equal(await text(widget.locator('label[for="appeal-email"]')), tr(french, 'field.email'));
      assert.equal(await text(widget.locator('[part="consent"] a')), `${tr(french, 'consent.privacy')} ${tr(french, 'common.newWindow')}`);
      // Errors too: an empty submit shows the summary and the field messages.
      await widget.locator('button[type="submit"]').click();
      await widget.locator('.error-summary').waitFor();
      assert.equal(await text(widget.locator('#appeal-email-error')), tr(french, 'validation.required'));
      await assertSafe(page);
    } finally {
      await page.close();
    }
  });
});

test('control: the checks do catch an injection', async () => {
  const opened = await open('attributes.html');
  try {
    await opened.widget.evaluate((element, markup) => {
      const div = document.createElement('div');
      div.innerHTML = markup;
      element.shadowRoot!.append(div);
    }, `${IMG}<a href="${JS_URL}">x</a>`);
    await opened.page.waitForTimeout(200);
    const { found, pwned } = await injections(opened.page);
    assert.equal(pwned, 1);
    assert.deepEqual(found, ['shadow root: <img>', 'shadow root: img[onerror]', `shadow root: a[href=${JS_URL}]`, `shadow root: <a href=${JS_URL}>`]);
  } finally {
    await opened.context.close();
  }
});
