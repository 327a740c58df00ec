/**
 * The widget keeps its look on a hostile host page (SPEC §2.6: shadow DOM, the host's CSS cannot
 * break it), and its colours have enough contrast in light and dark (WCAG 1.4.3, 1.4.11).
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  allowNamedFunctions,
  fillSigner,
  htmlPage,
  launchBrowser,
  removeTemp,
  snapshotDist,
  startReceiver,
  tempDir,
  waitForWidget,
  type Receiver,
} from './support/pages.ts';

/** Where the comparison screenshots go, for a person to look at. */
export const SHOTS = join(tmpdir(), 'appeal-widget-e2e-screens');
const HOSTILE_CSS = '* { all: unset } input { display: none } button { font-size: 40px } form { display: none }';
const MAX_DIFFERENT = 0.005;

const widget = (campaign: string, extra = '') =>
  `<div id="box"><script src="/dist/appeal-widget.js" data-endpoint="/api/signatures" data-campaign="${campaign}"
    data-campaign-url="/campaign.json" data-count-url="/api/campaigns/${campaign}/count" data-goal="100"
    data-organiser="the Test Union" data-privacy-url="/privacy.html"
    data-fields="first-name*,last-name*,email*,country*,postcode" ${extra}></script></div>`;
// The box fixes the widget's width on both pages (an id beats the hostile `*`).
const BOX = '<style>#box { display: block; width: 480px; margin: 0; padding: 0 }</style>';
const CAMPAIGN = {
  texts: {
    en: {
      title: 'Defend the right to organise',
      appeal: 'Workers at the plant were dismissed for joining a union.\n\nAdd your name to demand their reinstatement: https://example.org/plant',
      thanks: 'Thank you for standing with the workers.',
    },
  },
};

const PAGES: Record<string, string> = {
  'plain.html': htmlPage(widget('theme'), { head: BOX }),
  'hostile.html': htmlPage(widget('theme'), { head: `${BOX}<style>${HOSTILE_CSS}</style>` }),
  'contrast.html': htmlPage(`<main>${widget('contrast')}</main>`, { head: BOX }),
  'privacy.html': htmlPage('<p>Privacy</p>'),
  'campaign.json': JSON.stringify(CAMPAIGN),
};

let pagesDir: string;
let dist: string;
let receiver: Receiver;
let browser: Browser;

before(async () => {
  dist = snapshotDist();
  pagesDir = tempDir('theme-pages');
  for (const [name, content] of Object.entries(PAGES)) writeFileSync(join(pagesDir, name), content);
  mkdirSync(SHOTS, { recursive: true });
  receiver = await startReceiver({ demo: pagesDir, dist });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await receiver?.close();
  removeTemp(pagesDir, dist);
});

/** Share of differing pixels between two PNGs, decoded by Chromium itself (no PNG library here). */
async function pixelDifference(page: Page, a: Buffer, b: Buffer): Promise<{ ratio: number; sizes: string }> {
  if (a.equals(b)) return { ratio: 0, sizes: 'identical bytes' };
  await allowNamedFunctions(page);
  return page.evaluate(
    async ([first, second]) => {
      const decode = async (base64: string) => {
        const bitmap = await createImageBitmap(await (await fetch(`data:image/png;base64,${base64}`)).blob());
        const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
        const context = canvas.getContext('2d')!;
        context.drawImage(bitmap, 0, 0);
        return { width: bitmap.width, height: bitmap.height, data: context.getImageData(0, 0, bitmap.width, bitmap.height).data };
      };
      const [x, y] = [await decode(first!), await decode(second!)];
      const sizes = `${x.width}×${x.height} vs ${y.width}×${y.height}`;
      if (x.width !== y.width || x.height !== y.height) return { ratio: 1, sizes };
      let different = 0;
      for (let i = 0; i < x.data.length; i += 4) {
        if (x.data[i] !== y.data[i] || x.data[i + 1] !== y.data[i + 1] || x.data[i + 2] !== y.data[i + 2] || x.data[i + 3] !== y.data[i + 3]) {
          different += 1;
        }
      }
      return { ratio: different / (x.width * x.height), sizes };
    },
    [a.toString('base64'), b.toString('base64')],
  );
}

describe('hostile host CSS', () => {
  test(`"${HOSTILE_CSS}" on the host page changes nothing in the widget`, async (t) => {
    const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 800, height: 1200 } });
    try {
      const shots: Record<string, Record<string, Buffer>> = { plain: {}, hostile: {} };
      for (const name of ['plain', 'hostile'] as const) {
        const page = await context.newPage();
        await page.goto(`${receiver.url}/${name}.html`);
        const element = page.locator('appeal-widget');
        await waitForWidget(element);
        await element.locator('.count').waitFor();
        await page.evaluate(() => document.fonts.ready);
        shots[name]!['form'] = await element.screenshot({ path: join(SHOTS, `hostile-${name}-form.png`), animations: 'disabled' });
        await element.locator('button[type="submit"]').click();
        await element.locator('.error-summary').waitFor();
        await element.locator('button[type="submit"]').blur();
        await page.evaluate(() => (document.querySelector('appeal-widget')?.shadowRoot?.activeElement as HTMLElement | null)?.blur());
        shots[name]!['errors'] = await element.screenshot({ path: join(SHOTS, `hostile-${name}-errors.png`), animations: 'disabled' });
        if (name === 'hostile') {
          // The hostile rules do reach the host page's own elements: the test page is really hostile.
          assert.equal(await page.evaluate(() => getComputedStyle(document.body).display), 'inline');
        }
        await page.close();
      }
      const page = await context.newPage();
      const problems: string[] = [];
      for (const state of ['form', 'errors']) {
        const { ratio, sizes } = await pixelDifference(page, shots['plain']![state]!, shots['hostile']![state]!);
        t.diagnostic(`${state}: ${(ratio * 100).toFixed(3)} % of pixels differ (${sizes}); PNGs in ${SHOTS}/hostile-{plain,hostile}-${state}.png`);
        if (ratio > MAX_DIFFERENT) problems.push(`${state}: ${(ratio * 100).toFixed(2)} % of pixels differ (${sizes})`);
      }
      assert.deepEqual(problems, [], `more than ${MAX_DIFFERENT * 100} % of pixels differ`);
    } finally {
      await context.close();
    }
  });
});

// ---- contrast -----------------------------------------------------------------------------------

interface Measure {
  what: string;
  kind: 'text' | 'non-text';
  ratio: number;
  foreground: string;
  background: string;
}

/**
 * Contrast of `property` (a colour) of the element at `selector` (in the widget's shadow root,
 * or the light DOM with `light:`) against the backdrop behind it: the element's own background
 * when `ownBackground`, else its ancestors' (through the flat tree), semi-transparent layers
 * composited over white.
 */
async function measure(
  page: Page,
  what: string,
  selector: string,
  { property = 'color', kind = 'text' as Measure['kind'], ownBackground = true } = {},
): Promise<Measure> {
  await allowNamedFunctions(page);
  const result = await page.evaluate(
    ({ selector, property, ownBackground }) => {
      const host = document.querySelector('appeal-widget')!;
      const element = selector.startsWith('light:')
        ? host.querySelector(selector.slice(6))
        : host.shadowRoot!.querySelector(selector);
      if (!element) throw new Error(`nothing matches ${selector}`);
      const canvas = new OffscreenCanvas(1, 1);
      const context = canvas.getContext('2d', { willReadFrequently: true })!;
      const rgba = (colour: string): [number, number, number, number] => {
        context.clearRect(0, 0, 1, 1);
        context.fillStyle = '#000';
        context.fillStyle = colour;
        context.fillRect(0, 0, 1, 1);
        const [r, g, b, a] = context.getImageData(0, 0, 1, 1).data;
        // getImageData is premultiplied-then-unpremultiplied; alpha 0 means transparent.
        return [r!, g!, b!, a! / 255];
      };
      const over = (top: number[], bottom: number[]) => top.slice(0, 3).map((c, i) => c * top[3]! + bottom[i]! * (1 - top[3]!)).concat(1);
      const parent = (node: Element): Element | null =>
        node.assignedSlot ?? node.parentElement ?? ((node.getRootNode() as ShadowRoot).host || null);
      const layers: number[][] = [];
      for (let node: Element | null = ownBackground ? element : parent(element); node; node = parent(node)) {
        const colour = rgba(getComputedStyle(node).backgroundColor);
        if (colour[3] > 0) layers.push(colour);
        if (colour[3] >= 1) break;
      }
      let background = [255, 255, 255, 1];
      for (const layer of layers.reverse()) background = over(layer, background);
      const foreground = over(rgba((getComputedStyle(element) as unknown as Record<string, string>)[property]!), background);
      const luminance = (c: number[]) => {
        const [r, g, b] = c.slice(0, 3).map((v) => {
          const s = v / 255;
          return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
      };
      const [l1, l2] = [luminance(foreground), luminance(background)].sort((a, b) => b - a);
      const hex = (c: number[]) => `#${c.slice(0, 3).map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;
      return { ratio: (l1! + 0.05) / (l2! + 0.05), foreground: hex(foreground), background: hex(background) };
    },
    { selector, property, ownBackground },
  );
  return { what, kind, ...result };
}

const MIN = { text: 4.5, 'non-text': 3 } as const;

/** The focus ring of the first element at `selector`, focused from the keyboard so :focus-visible applies. */
async function focusRing(page: Page, selector: string, what: string): Promise<Measure> {
  await page.locator(`appeal-widget ${selector}`).first().focus();
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Tab');
  const matches = await page.evaluate(
    (selector) => document.querySelector('appeal-widget')!.shadowRoot!.activeElement === document.querySelector('appeal-widget')!.shadowRoot!.querySelector(selector),
    selector,
  );
  assert.ok(matches, `${selector} has keyboard focus`);
  return measure(page, what, selector, { property: 'outlineColor', kind: 'non-text', ownBackground: false });
}

const tables: string[] = [];

for (const scheme of ['light', 'dark'] as const) {
  test(`contrast, ${scheme}: text ≥ 4.5:1, focus ring and control borders ≥ 3:1`, async (t: TestContext) => {
    const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 800, height: 1200 } });
    try {
      const page = await context.newPage();
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto(`${receiver.url}/contrast.html`);
      const element = page.locator('appeal-widget');
      await waitForWidget(element);
      await element.locator('.count').waitFor();
      const results: Measure[] = [];
      const add = async (what: string, selector: string, options?: Parameters<typeof measure>[3]) =>
        results.push(await measure(page, what, selector, options));

      await add('body text (card)', '.card');
      await add('title', '[part="title"] h2');
      await add('appeal text', '[part="appeal"] p');
      await add('link in the appeal', '[part="appeal"] a');
      await add('counter', '.count');
      await add('muted: goal', '.goal');
      await add('muted: "(optional)"', '.optional');
      await add('label', 'label[for="appeal-email"]');
      await add('consent label', '.choice label');
      await add('input text', '#appeal-email');
      await add('select text', '#appeal-country');
      await add('link (privacy)', '[part="consent"] a');
      await add('submit button text', '.submit');
      await add('input border', '#appeal-email', { property: 'borderTopColor', kind: 'non-text', ownBackground: false });
      await add('select border', '#appeal-country', { property: 'borderTopColor', kind: 'non-text', ownBackground: false });
      results.push(await focusRing(page, '#appeal-email', 'focus ring (input)'));
      results.push(await focusRing(page, '.submit', 'focus ring (submit button)'));

      await element.locator('.submit').click();
      await element.locator('.error-summary').waitFor();
      await add('error text (field)', '#appeal-email-error');
      await add('error summary title', '.error-summary h3');
      await add('error summary link', '.error-summary a');
      await add('invalid input border', '#appeal-email', { property: 'borderTopColor', kind: 'non-text', ownBackground: false });
      await add('error summary border', '.error-summary', { property: 'borderTopColor', kind: 'non-text', ownBackground: false });

      await fillSigner(element, { firstName: 'Aigerim', lastName: 'N.', email: `contrast.${scheme}.${Date.now()}@example.org`, country: 'KZ' });
      await element.locator('.submit').click();
      await element.locator('#appeal-thanks').waitFor();
      await element.locator('.share svg').first().waitFor();
      await add('thanks heading', '#appeal-thanks');
      await add('share button text', '.share');
      await add('share button border', '.share', { property: 'borderTopColor', kind: 'non-text', ownBackground: false });
      results.push(await focusRing(page, '.share', 'focus ring (share button)'));
      await element.locator('[data-channel="copy"]').click();
      await element.locator('.copied').waitFor();
      await add('"copied" confirmation', '.copied');

      const lines = [
        `| ${scheme} | colour | on | ratio | needs |`,
        '| --- | --- | --- | --- | --- |',
        ...results.map((r) => `| ${r.what} | ${r.foreground} | ${r.background} | ${r.ratio.toFixed(2)}:1 | ${MIN[r.kind]}:1 |`),
      ];
      tables.push(lines.join('\n'));
      for (const line of lines) t.diagnostic(line);
      const failing = results.filter((r) => r.ratio < MIN[r.kind]);
      assert.deepEqual(
        failing.map((r) => `${r.what}: ${r.foreground} on ${r.background} = ${r.ratio.toFixed(2)}:1 < ${MIN[r.kind]}:1`),
        [],
      );
    } finally {
      await context.close();
    }
  });
}

after(() => {
  if (tables.length) writeFileSync(join(SHOTS, 'contrast.md'), `${tables.join('\n\n')}\n`);
});
