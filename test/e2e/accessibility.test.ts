/**
 * Accessibility end to end: a keyboard-only signer (Tab, Shift+Tab, Space, Enter, typing) fills
 * every field, signs and reaches the share step, seeing a focus indicator at every stop; and
 * axe-core finds no WCAG 2.2 A/AA violation in the initial, error and thank-you states, in
 * English and in Arabic (right to left).
 */
import assert from 'node:assert/strict';
import { copyFileSync, writeFileSync } from 'node:fs';
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
  tempDir,
  tr,
  waitForWidget,
  watchErrors,
  type Receiver,
} from './support/pages.ts';
import { assertNoViolations, axe } from './support/axe.ts';

const en = localeStrings('en');

const widgetTag = (campaign: string, extra = '') =>
  `<script src="/dist/appeal-widget.js" data-endpoint="/api/signatures" data-campaign="${campaign}"
    data-count-url="/api/campaigns/${campaign}/count" data-goal="100" data-organiser="the Test Union"
    data-privacy-url="/privacy.html" ${extra}></script>`;

const PAGES: Record<string, string> = {
  // A campaign document with two languages and a letter: the language menu, the letter's
  // subject and body, the four default fields, consent, privacy link and submit are all stops.
  'letter.html': htmlPage(
    `<header><a href="/letter.html">Union home</a></header>
<main><h1>Free Erlan Baltabay</h1>
${widgetTag('a11y-letter', 'data-campaign-url="/free-baltabay.json"')}
</main>`,
    { title: 'Keyboard test' },
  ),
  'en.html': htmlPage(`<main><h1>Our appeal</h1>
${widgetTag('a11y-en')}
</main>`),
  'optional.html': htmlPage(`<main><h1>Optional fields</h1>
${widgetTag('a11y-optional', 'data-fields="name*,email*,postcode,organisation,phone,comment"')}
</main>`),
  'ar.html': htmlPage(
    `<main><h1>نداء النقابة</h1>
${widgetTag('a11y-ar')}
</main>`,
    { lang: 'ar', title: 'نداء' },
  ).replace('<html lang="ar">', '<html lang="ar" dir="rtl">'),
  'privacy.html': htmlPage('<main><h1>Privacy</h1></main>'),
};

let pagesDir: string;
let dist: string;
let receiver: Receiver;
let browser: Browser;

before(async () => {
  dist = snapshotDist();
  pagesDir = tempDir('a11y-pages');
  for (const [name, content] of Object.entries(PAGES)) writeFileSync(join(pagesDir, name), content);
  copyFileSync(join(DEMO, 'free-baltabay.json'), join(pagesDir, 'free-baltabay.json'));
  receiver = await startReceiver({ demo: pagesDir, dist });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await receiver?.close();
  removeTemp(pagesDir, dist);
});

interface Focused {
  inWidget: boolean;
  tag: string;
  key: string;
  type: string;
  checked: boolean;
  value: string;
  outlineStyle: string;
  outlineWidth: number;
  boxShadow: string;
}

/** The element that has focus, followed through open shadow roots, with its focus styles. */
function focused(page: Page): Promise<Focused> {
  return page.evaluate(() => {
    let element = document.activeElement;
    while (element?.shadowRoot?.activeElement) element = element.shadowRoot.activeElement;
    const target = (element ?? document.body) as HTMLElement & { value?: string; checked?: boolean };
    const style = getComputedStyle(target);
    return {
      inWidget: target.getRootNode() !== document,
      tag: target.localName,
      key:
        target.getAttribute('name') ??
        target.dataset['channel'] ??
        (target.id || (target.classList.contains('error-summary') ? 'error-summary' : target.getAttribute('part') ?? target.localName)),
      type: target.getAttribute('type') ?? '',
      checked: !!target.checked,
      value: typeof target.value === 'string' ? target.value : '',
      outlineStyle: style.outlineStyle,
      outlineWidth: Number.parseFloat(style.outlineWidth) || 0,
      boxShadow: style.boxShadow,
    };
  });
}

function assertFocusVisible(stop: Focused): void {
  const outline = stop.outlineStyle !== 'none' && stop.outlineWidth >= 2;
  const shadow = stop.boxShadow !== 'none' && stop.boxShadow !== '';
  assert.ok(outline || shadow, `no visible focus indicator on ${stop.tag}[${stop.key}]: outline ${stop.outlineStyle} ${stop.outlineWidth}px, box-shadow ${stop.boxShadow}`);
}

async function newPage(options: { colorScheme?: 'light' | 'dark' } = {}): Promise<{ context: BrowserContext; page: Page; errors: ReturnType<typeof watchErrors> }> {
  const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1024, height: 900 }, colorScheme: options.colorScheme ?? 'light' });
  const page = await context.newPage();
  return { context, page, errors: watchErrors(page) };
}

describe('keyboard only', () => {
  test('Tab, Shift+Tab, typing, Space and Enter sign the petition; every stop shows focus; thanks takes focus; Tab reaches a share button', async (t) => {
    const { context, page, errors } = await newPage();
    try {
      await page.goto(`${receiver.url}/letter.html`);
      const widget = page.locator('appeal-widget');
      await waitForWidget(widget);
      const email = `keyboard.${Date.now()}@example.org`;
      const visited: string[] = [];
      let submitted = false;
      let wentBack = false;

      for (let presses = 0; presses < 40 && !submitted; presses += 1) {
        await page.keyboard.press('Tab');
        const stop = await focused(page);
        if (!stop.inWidget) continue; // the host page's own links
        assertFocusVisible(stop);
        visited.push(stop.key);
        switch (stop.key) {
          case 'firstName':
            await page.keyboard.type('Aigerim');
            break;
          case 'lastName':
            if (!stop.value) await page.keyboard.type('Nurlanovna');
            break;
          case 'email':
            if (stop.value) break;
            await page.keyboard.type(email);
            // Back one field and forward again: nothing typed is lost.
            await page.keyboard.press('Shift+Tab');
            {
              const back = await focused(page);
              assert.equal(back.key, 'lastName');
              assert.equal(back.value, 'Nurlanovna');
              assertFocusVisible(back);
            }
            wentBack = true;
            break;
          case 'country':
            // Type-ahead on the closed select, as a keyboard user picks a country.
            await page.keyboard.type('Kazakh');
            assert.equal((await focused(page)).value, 'KZ');
            break;
          case 'consentUpdates':
            await page.keyboard.press('Space');
            assert.equal((await focused(page)).checked, true);
            break;
          default:
            if (stop.tag === 'button' && stop.type === 'submit') {
              await page.keyboard.press('Enter');
              submitted = true;
            }
        }
      }
      t.diagnostic(`focus stops in the widget: ${visited.join(' → ')}`);
      assert.ok(submitted, `reached the submit button (stops: ${visited.join(', ')})`);
      assert.ok(wentBack);
      for (const key of ['appeal-language', 'messageSubject', 'messageBody', 'firstName', 'lastName', 'email', 'country', 'consentUpdates']) {
        assert.ok(visited.includes(key), `${key} is a focus stop (stops: ${visited.join(', ')})`);
      }
      assert.ok(visited.indexOf('email') < visited.indexOf('country') && visited.indexOf('country') < visited.indexOf('consentUpdates'));

      // The thank-you heading takes focus, visibly.
      await widget.locator('#appeal-thanks').waitFor();
      await page.waitForFunction(() => {
        const host = document.querySelector('appeal-widget');
        return host?.shadowRoot?.activeElement?.id === 'appeal-thanks';
      });
      const heading = await focused(page);
      assert.equal(heading.key, 'appeal-thanks');
      assertFocusVisible(heading);

      // Onward to the share buttons.
      let share: Focused | undefined;
      for (let presses = 0; presses < 10 && !share; presses += 1) {
        await page.keyboard.press('Tab');
        const stop = await focused(page);
        assertFocusVisible(stop);
        if (['whatsapp', 'facebook', 'x', 'bluesky', 'telegram', 'email', 'copy', 'native'].includes(stop.key)) share = stop;
      }
      assert.ok(share, 'Tab reaches a share button');

      const rows = await receiver.csv('a11y-letter');
      assert.deepEqual(
        rows.map((row) => [row['first_name'], row['last_name'], row['email'], row['country'], row['consent_updates']]),
        [['Aigerim', 'Nurlanovna', email, 'KZ', 'yes']],
      );
      assert.deepEqual(errors.pageErrors.map(String), []);
    } finally {
      await context.close();
    }
  });

  test('an empty submit with Enter focuses the error summary; its links lead to the fields', async () => {
    const { context, page } = await newPage();
    try {
      await page.goto(`${receiver.url}/en.html`);
      const widget = page.locator('appeal-widget');
      await waitForWidget(widget);
      for (let presses = 0; presses < 20; presses += 1) {
        await page.keyboard.press('Tab');
        const stop = await focused(page);
        if (stop.tag === 'button' && stop.type === 'submit') break;
      }
      await page.keyboard.press('Enter');
      await widget.locator('.error-summary').waitFor();
      await page.waitForFunction(() => document.querySelector('appeal-widget')?.shadowRoot?.activeElement?.classList.contains('error-summary'));
      const summary = await focused(page);
      assertFocusVisible(summary);
      const title = (await widget.locator('.error-summary h3').textContent())?.trim();
      assert.equal(title, tr(en, 'form.summaryTitle_other', { count: 4 }));

      await page.keyboard.press('Tab');
      const link = await focused(page);
      assert.equal(link.tag, 'a');
      assertFocusVisible(link);
      await page.keyboard.press('Enter');
      const field = await focused(page);
      assert.equal(field.key, 'firstName');
      assertFocusVisible(field);
      // The field says what is wrong, and the message is tied to it.
      assert.equal(await widget.locator('#appeal-firstName').getAttribute('aria-invalid'), 'true');
      assert.equal(await widget.locator('#appeal-firstName').getAttribute('aria-describedby'), 'appeal-firstName-error');
      assert.equal((await widget.locator('#appeal-firstName-error').textContent())?.trim(), tr(en, 'validation.required'));
    } finally {
      await context.close();
    }
  });
});

test('an optional field is labelled "<label> (optional)", with a space, seen and heard', async () => {
  const { context, page } = await newPage();
  try {
    await page.goto(`${receiver.url}/optional.html`);
    const widget = page.locator('appeal-widget');
    await waitForWidget(widget);
    for (const key of ['postcode', 'organisation', 'phone', 'comment']) {
      const expected = `${tr(en, `field.${key}`)} ${tr(en, 'form.optional')}`;
      const label = widget.locator(`label[for="appeal-${key}"]`);
      assert.equal(await label.innerText(), expected);
      // The accessible name, as a screen reader announces it.
      const snapshot = await widget.locator(`#appeal-${key}`).ariaSnapshot();
      assert.ok(snapshot.includes(expected), `${key}: ${snapshot}`);
    }
  } finally {
    await context.close();
  }
});


for (const [lang, path] of [['en', 'en.html'], ['ar', 'ar.html']] as const) {
  for (const colorScheme of ['light', 'dark'] as const) {
    test(`axe-core (WCAG 2.2 AA): no violations, ${lang}, ${colorScheme}: initial, errors, thanks`, async () => {
      const { context, page } = await newPage({ colorScheme });
      try {
        await page.goto(`${receiver.url}/${path}`);
        const widget = page.locator('appeal-widget');
        await waitForWidget(widget);
        await widget.locator('.count').waitFor();
        if (lang === 'ar') {
          assert.equal(await widget.getAttribute('dir'), 'rtl');
          assert.equal(await widget.locator('[part="base"]').getAttribute('lang'), 'ar');
        }
        assertNoViolations(await axe(page), `${lang} ${colorScheme} initial`);

        await widget.locator('button[type="submit"]').click();
        await widget.locator('.error-summary').waitFor();
        assert.ok((await widget.locator('[part="error"]').count()) >= 4);
        assertNoViolations(await axe(page), `${lang} ${colorScheme} errors`);

        await fillSigner(widget, { firstName: 'Aigerim', lastName: 'N.', email: `axe.${lang}.${colorScheme}.${Date.now()}@example.org`, country: 'KZ' });
        await widget.locator('button[type="submit"]').click();
        await widget.locator('#appeal-thanks').waitFor();
        await widget.locator('[part="share-button"] svg').first().waitFor();
        assertNoViolations(await axe(page), `${lang} ${colorScheme} thanks`);
      } finally {
        await context.close();
      }
    });
  }
}

test('control: axe does look inside the shadow root', async () => {
  const { context, page } = await newPage();
  try {
    await page.goto(`${receiver.url}/en.html`);
    const widget = page.locator('appeal-widget');
    await waitForWidget(widget);
    await widget.evaluate((element) => {
      const unlabelled = document.createElement('input');
      element.shadowRoot!.querySelector('form')!.append(unlabelled);
    });
    const violations = await axe(page);
    assert.ok(violations.some((violation) => violation.id === 'label'), JSON.stringify(violations.map((v) => v.id)));
  } finally {
    await context.close();
  }
});
