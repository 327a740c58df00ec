/**
 * The README's and docs' screenshots, taken from the demo page (demo/ with the built dist/, served
 * by the real receiver) in the states a reader wants to see. Each test also checks the state it
 * shows (no horizontal scroll at 320 px and at 200 % zoom, RTL…). The PNGs go to a temporary
 * folder, so a test run leaves the tree clean; `UPDATE_SCREENSHOTS=1` writes docs/screenshots/.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import {
  DEMO,
  ROOT,
  fillSigner,
  launchBrowser,
  removeTemp,
  snapshotDist,
  startReceiver,
  waitForWidget,
  watchErrors,
  type Receiver,
} from './support/pages.ts';

const OUT = process.env['UPDATE_SCREENSHOTS'] ? join(ROOT, 'docs', 'screenshots') : join(tmpdir(), 'appeal-widget-screenshots');

let dist: string;
let receiver: Receiver;
let browser: Browser;

before(async () => {
  mkdirSync(OUT, { recursive: true });
  dist = snapshotDist();
  receiver = await startReceiver({ demo: DEMO, dist });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await receiver?.close();
  removeTemp(dist);
});

interface Opened {
  context: BrowserContext;
  page: Page;
  widget: Locator;
  errors: ReturnType<typeof watchErrors>;
}

async function open(
  path: string,
  { width = 1280, height = 900, colorScheme = 'light' as 'light' | 'dark', locale = 'en-GB' } = {},
): Promise<Opened> {
  const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1, colorScheme, locale, timezoneId: 'UTC' });
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(`${receiver.url}${path}`);
  const widget = page.locator('appeal-widget');
  await waitForWidget(widget);
  await widget.locator('.count').waitFor();
  await page.evaluate(() => document.fonts.ready);
  return { context, page, widget, errors };
}

async function shoot(widget: Locator, name: string): Promise<void> {
  await widget.screenshot({ path: join(OUT, name), animations: 'disabled' });
}

async function noHorizontalScroll(page: Page): Promise<void> {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  assert.ok(scrollWidth <= innerWidth, `horizontal scroll: scrollWidth ${scrollWidth} > innerWidth ${innerWidth}`);
}

/** The widget's own box stays inside the viewport and nothing in it is wider than the widget. */
async function nothingOverflows(widget: Locator): Promise<void> {
  const overflowing = await widget.evaluate((host) => {
    const limit = host.getBoundingClientRect();
    const wide: string[] = [];
    for (const element of host.shadowRoot!.querySelectorAll('*')) {
      const box = element.getBoundingClientRect();
      // The honeypot (README "Bots and floods") is out of sight on purpose, far above the page.
      if (box.width === 0 || element.closest('.visually-hidden, .trap')) continue;
      if (box.left < limit.left - 1 || box.right > limit.right + 1) wide.push(`${element.localName}.${element.className} ${Math.round(box.left)}–${Math.round(box.right)}`);
    }
    return wide;
  });
  assert.deepEqual(overflowing, []);
}

test('light, 1280 px wide: the demo page and its widget', async () => {
  const { context, page, widget, errors } = await open('/');
  try {
    // The page first: an element screenshot scrolls the element into view.
    await page.screenshot({ path: join(OUT, 'demo-page.png') });
    await shoot(widget, 'widget-light.png');
    await noHorizontalScroll(page);
    assert.deepEqual(errors.pageErrors.map(String), []);
    assert.deepEqual(errors.consoleErrors, []);
  } finally {
    await context.close();
  }
});

test('dark', async () => {
  const { context, page, widget } = await open('/', { colorScheme: 'dark' });
  try {
    assert.equal(await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches), true);
    await shoot(widget, 'widget-dark.png');
  } finally {
    await context.close();
  }
});

test('320 px wide, the whole widget, no horizontal scroll', async () => {
  const { context, page, widget } = await open('/', { width: 320, height: 640 });
  try {
    await noHorizontalScroll(page);
    await nothingOverflows(widget);
    await shoot(widget, 'widget-320.png');
  } finally {
    await context.close();
  }
});

test('errors after an empty submit', async () => {
  const { context, widget } = await open('/', { width: 800 });
  try {
    await widget.locator('button[type="submit"]').click();
    await widget.locator('.error-summary').waitFor();
    // Focus sits on the summary (as it should); take the picture without the ring for clarity of the states.
    await widget.evaluate((host) => (host.shadowRoot!.activeElement as HTMLElement | null)?.blur());
    await shoot(widget, 'widget-errors.png');
  } finally {
    await context.close();
  }
});

test('the share step after signing', async () => {
  const { context, widget } = await open('/', { width: 800 });
  try {
    await fillSigner(widget, { firstName: 'Aigerim', lastName: 'Nurlanovna', email: `screenshot.${Date.now()}@example.org`, country: 'KZ' });
    await widget.locator('button[type="submit"]').click();
    await widget.locator('#appeal-thanks').waitFor();
    await widget.locator('[part="share-button"] svg').first().waitFor();
    await widget.evaluate((host) => (host.shadowRoot!.activeElement as HTMLElement | null)?.blur());
    await shoot(widget, 'widget-share.png');
  } finally {
    await context.close();
  }
});

test('Arabic, right to left (/?lang=ar)', async () => {
  const { context, page, widget } = await open('/?lang=ar', { width: 800 });
  try {
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'ar');
    assert.equal(await widget.getAttribute('dir'), 'rtl');
    assert.equal(await widget.locator('[part="base"]').getAttribute('dir'), 'rtl');
    assert.equal(await widget.locator('[part="base"]').getAttribute('lang'), 'ar');
    // Right to left for real: a label sits at the right edge of its field.
    const [label, input] = await Promise.all([
      widget.locator('label[for="appeal-firstName"]').boundingBox(),
      widget.locator('#appeal-firstName').boundingBox(),
    ]);
    assert.ok(label && input && Math.abs(label.x + label.width - (input.x + input.width)) < 2, 'label aligned to the right');
    await nothingOverflows(widget);
    await shoot(widget, 'widget-ar-rtl.png');
  } finally {
    await context.close();
  }
});

test('200 % zoom at 640 px (a 320 px layout), no horizontal scroll', async () => {
  const { context, page, widget } = await open('/', { width: 640, height: 900 });
  try {
    await page.evaluate(() => {
      document.body.style.zoom = '2';
    });
    await page.waitForTimeout(100);
    await noHorizontalScroll(page);
    await nothingOverflows(widget);
    await shoot(widget, 'widget-zoom-200.png');
  } finally {
    await context.close();
  }
});

/** Three more right-to-left languages and a CJK one: the form, then the thanks after signing. */
const MORE_LANGUAGES = [
  { code: 'he', dir: 'rtl', font: undefined },
  { code: 'fa', dir: 'rtl', font: /^Vazirmatn, Tahoma/ },
  { code: 'ur', dir: 'rtl', font: /^"Noto Nastaliq Urdu"/ },
  { code: 'ja', dir: 'ltr', font: undefined },
] as const;

for (const { code, dir, font } of MORE_LANGUAGES) {
  test(`${code}: the form and the thanks (/?lang=${code}), ${dir}`, async () => {
    const { context, page, widget } = await open(`/?lang=${code}`, { width: 800 });
    try {
      const base = widget.locator('[part="base"]');
      assert.deepEqual([await widget.getAttribute('dir'), await base.getAttribute('dir'), await base.getAttribute('lang')], [dir, dir, code]);
      if (dir === 'rtl') {
        const [label, input] = await Promise.all([widget.locator('label[for="appeal-firstName"]').boundingBox(), widget.locator('#appeal-firstName').boundingBox()]);
        assert.ok(label && input && Math.abs(label.x + label.width - (input.x + input.width)) < 2, 'label aligned to the right');
      }
      if (font) assert.match(await base.evaluate((element) => getComputedStyle(element).fontFamily), font);
      // The count in the language's own digits (Persian ۰–۹; Urdu, Hebrew and Japanese write 0–9, as CLDR has them).
      // (One or two signatures may be spelled out in words, as Hebrew does.)
      const shows = (text: string, count: number) => count <= 2 || text.includes(new Intl.NumberFormat(code).format(count));
      const count = await receiver.count('free-baltabay');
      const before = await widget.locator('.count').innerText();
      assert.ok(shows(before, count), `${before} shows ${count}`);
      await nothingOverflows(widget);
      await shoot(widget, `widget-${code}-form.png`);

      await fillSigner(widget, { firstName: 'Aigerim', lastName: 'Nurlanovna', email: `screenshot.${code}.${Date.now()}@example.org`, country: 'KZ' });
      await widget.locator('button[type="submit"]').click();
      await widget.locator('#appeal-thanks').waitFor();
      await widget.locator('[part="share-button"] svg').first().waitFor();
      await widget.evaluate((host) => (host.shadowRoot!.activeElement as HTMLElement | null)?.blur());
      const after = await widget.locator('.count').innerText();
      assert.ok(after !== before && shows(after, count + 1), `${after} shows ${count + 1}`);
      await page.evaluate(() => document.fonts.ready);
      await shoot(widget, `widget-${code}-thanks.png`);
    } finally {
      await context.close();
    }
  });
}
