/**
 * The script tag is the product (SPEC §2.1): a plain HTML page with `<script src=…/appeal-widget.js
 * data-*>` tags, served with the real receiver, in Chromium, against the built bundle.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
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
  type Strings,
} from './support/pages.ts';

const en = localeStrings('en');
const fr = localeStrings('fr');

const script = (attributes: string) => `<script src="/dist/appeal-widget.js" data-endpoint="/api/signatures" ${attributes}></script>`;

const PAGES: Record<string, string> = {
  // One async, one deferred: both must mount right after their own tag.
  'two.html': htmlPage(`
<h1>Two campaigns on one plain page</h1>
<p id="before-a">Campaign A, in English:</p>
${script('data-campaign="campaign-a" data-lang="en" data-count-url="/api/campaigns/campaign-a/count" async')}
<p id="between">Campagne B, en français :</p>
${script('data-campaign="campaign-b" data-lang="fr" data-count-url="/api/campaigns/campaign-b/count" defer')}
<p id="after-b">End of the page.</p>`),
  // The same tag pasted twice (a CMS block duplicated): two widgets, no error.
  'twice.html': htmlPage(`
${script('data-campaign="campaign-twice" data-lang="en"')}
${script('data-campaign="campaign-twice" data-lang="en"')}`),
  // Another copy of the element already registered before the embed runs.
  'predefined.html': htmlPage(`
<script src="/predefine.js"></script>
${script('data-campaign="campaign-predefined" data-lang="en"')}`),
  'predefine.js': `customElements.define('appeal-widget', class extends HTMLElement {});\n`,
  // A bare script tag only defines the element; the appeal is written in the page with slots.
  'slots.html': htmlPage(`
<script src="/dist/appeal-widget.js"></script>
<appeal-widget endpoint="/api/signatures" campaign="campaign-slots" lang="en">
  <h2 slot="title">Reinstate the dismissed drivers</h2>
  <p>They were fired for joining a union.</p>
</appeal-widget>`),
  // Tags without data-endpoint only define the element: one where an optimiser or a plugin added
  // its own data-*, and one where the site owner left data-endpoint out, which the console tells them.
  'optimised.html': htmlPage(`
<script src="/dist/appeal-widget.js" data-cfasync="false" data-no-optimize="1"></script>
<p id="after-optimised">Between the tags.</p>
<script src="/dist/appeal-widget.js" data-campaign="campaign-forgotten"></script>
<p id="after-forgotten">End of the page.</p>`),
  // The embed moved by an optimiser to a folder of its own, without the locales beside it: data-assets-url names theirs.
  'moved.html': htmlPage(`
<script src="/cache/min/appeal-widget.js" data-endpoint="/api/signatures" data-campaign="campaign-moved" data-lang="fr" data-assets-url="/dist/"></script>`),
  // A loader that runs the embed's code itself, so that document.currentScript is null while it runs:
  // the page's folder is taken for the script's. Only the widget with its own assets-url finds its locale.
  'loader.html': htmlPage(`
<appeal-widget endpoint="/api/signatures" campaign="campaign-loaded" lang="fr" assets-url="/dist/"></appeal-widget>
<appeal-widget endpoint="/api/signatures" campaign="campaign-lost" lang="fr"></appeal-widget>
<script>fetch('/cache/min/appeal-widget.js').then((answer) => answer.text()).then((code) => new Function(code)());</script>`),
  // The same signer through the JSON and the form format, for comparing what the receiver stores.
  'formats.html': htmlPage(`
${script('data-campaign="campaign-json" data-lang="en" data-count-url="/api/campaigns/campaign-json/count"')}
${script('data-campaign="campaign-form" data-lang="en" data-format="form" data-count-url="/api/campaigns/campaign-form/count"')}`),
};

let pagesDir: string;
let dist: string;
let receiver: Receiver;
let browser: Browser;

before(async () => {
  dist = snapshotDist();
  pagesDir = tempDir('embed-pages');
  for (const [name, content] of Object.entries(PAGES)) writeFileSync(join(pagesDir, name), content);
  mkdirSync(join(pagesDir, 'cache/min'), { recursive: true });
  copyFileSync(join(dist, 'appeal-widget.js'), join(pagesDir, 'cache/min/appeal-widget.js'));
  receiver = await startReceiver({ demo: pagesDir, dist });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await receiver?.close();
  removeTemp(pagesDir, dist);
});

/** Opens `path` in a fresh context; `watch` may listen to the page before it loads. */
async function open(path: string, watch?: (page: Page) => void): Promise<{ page: Page; errors: ReturnType<typeof watchErrors> }> {
  const context = await browser.newContext({ locale: 'en-GB' });
  const page = await context.newPage();
  const errors = watchErrors(page);
  watch?.(page);
  await page.goto(`${receiver.url}/${path}`);
  return { page, errors };
}

/** The counter text the widget should show for `count` in `lng` (CLDR plural, Intl number). */
function counterText(strings: Strings, lng: string, count: number): string {
  const form = new Intl.PluralRules(lng).select(count);
  return tr(strings, `counter.signatures_${form}`, { number: new Intl.NumberFormat(lng).format(count) });
}

describe('one script tag per widget', () => {
  let page: Page;
  let errors: ReturnType<typeof watchErrors>;
  const widgetA = () => page.locator('appeal-widget[campaign="campaign-a"]');
  const widgetB = () => page.locator('appeal-widget[campaign="campaign-b"]');

  before(async () => {
    ({ page, errors } = await open('two.html'));
    await waitForWidget(widgetA());
    await waitForWidget(widgetB());
  });
  after(() => page.context().close());

  test('each widget is inserted right after its own script tag, with its data-* as attributes', async () => {
    const placement = await page.evaluate(() =>
      [...document.querySelectorAll('appeal-widget')].map((widget) => ({
        previous: (widget.previousElementSibling as HTMLScriptElement | null)?.dataset['campaign'],
        next: widget.nextElementSibling?.id,
        attributes: Object.fromEntries([...widget.attributes].filter((a) => a.name !== 'dir').map((a) => [a.name, a.value])),
      })),
    );
    assert.deepEqual(placement, [
      {
        previous: 'campaign-a',
        next: 'between',
        attributes: { endpoint: '/api/signatures', campaign: 'campaign-a', lang: 'en', 'count-url': '/api/campaigns/campaign-a/count' },
      },
      {
        previous: 'campaign-b',
        next: 'after-b',
        attributes: { endpoint: '/api/signatures', campaign: 'campaign-b', lang: 'fr', 'count-url': '/api/campaigns/campaign-b/count' },
      },
    ]);
  });

  test('A speaks English and B French, from the locale files', async () => {
    const a = widgetA();
    const b = widgetB();
    assert.equal((await a.locator('button[type="submit"]').textContent())?.trim(), tr(en, 'form.submit'));
    assert.equal((await b.locator('button[type="submit"]').textContent())?.trim(), tr(fr, 'form.submit'));
    assert.notEqual(tr(en, 'form.submit'), tr(fr, 'form.submit'));
    for (const [widget, strings] of [[a, en], [b, fr]] as const) {
      assert.equal((await widget.locator('label[for="appeal-email"]').textContent())?.trim(), tr(strings, 'field.email'));
      assert.equal((await widget.locator('label[for="appeal-firstName"]').textContent())?.trim(), tr(strings, 'field.firstName'));
      assert.equal((await widget.locator('label[for="appeal-consent-yes"]').textContent())?.trim(), tr(strings, 'consent.checkbox'));
      assert.equal(
        (await widget.locator('select[name="country"] option[value=""]').textContent())?.trim(),
        tr(strings, 'form.chooseCountry'),
      );
    }
    assert.equal(await a.locator('[part="base"]').getAttribute('lang'), 'en');
    assert.equal(await b.locator('[part="base"]').getAttribute('lang'), 'fr');
  });

  test('each counter starts at 0 in its own language', async () => {
    assert.equal((await widgetA().locator('.count').textContent())?.trim(), counterText(en, 'en', 0));
    assert.equal((await widgetB().locator('.count').textContent())?.trim(), counterText(fr, 'fr', 0));
  });

  test('signing A stores exactly one signature for campaign A, with the right payload; B stays untouched', async () => {
    const a = widgetA();
    const b = widgetB();
    const email = `aigerim.a.${Date.now()}@example.org`;
    await fillSigner(a, { firstName: 'Aigerim', lastName: 'Nurlanovna', email, country: 'KZ' });
    const posted = page.waitForRequest((request) => request.method() === 'POST' && request.url().endsWith('/api/signatures'));
    const startedAt = Date.now();
    await a.locator('button[type="submit"]').click();
    const request = await posted;

    assert.match(request.headers()['content-type'] ?? '', /^application\/json/);
    const payload = request.postDataJSON() as Record<string, unknown>;
    assert.match(String(payload['id']), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const createdAt = Date.parse(String(payload['createdAt']));
    assert.ok(Math.abs(createdAt - startedAt) < 60_000, `createdAt ${String(payload['createdAt'])} is now`);
    // The form token its count gave (README "Bots and floods"), for campaign A.
    assert.match(String(payload['formToken']), /^campaign-a\./);
    assert.deepEqual(
      { ...payload, id: undefined, createdAt: undefined, formToken: undefined },
      {
        id: undefined,
        createdAt: undefined,
        formToken: undefined,
        campaign: 'campaign-a',
        locale: 'en',
        signer: { firstName: 'Aigerim', lastName: 'Nurlanovna', email, country: 'KZ' },
        consent: { updates: true, text: tr(en, 'consent.checkbox') },
        source: { url: `${receiver.url}/two.html`, referrer: '' },
      },
    );

    await a.locator('#appeal-thanks').waitFor();
    assert.equal((await a.locator('#appeal-thanks').textContent())?.trim(), tr(en, 'thanks.titleName', { name: 'Aigerim' }));

    assert.equal(await receiver.count('campaign-a'), 1);
    assert.equal(await receiver.count('campaign-b'), 0);
    const rows = await receiver.csv('campaign-a');
    assert.equal(rows.length, 1);
    assert.deepEqual(
      {
        id: rows[0]!['id'],
        campaign: rows[0]!['campaign'],
        locale: rows[0]!['locale'],
        first_name: rows[0]!['first_name'],
        last_name: rows[0]!['last_name'],
        email: rows[0]!['email'],
        country: rows[0]!['country'],
        consent_updates: rows[0]!['consent_updates'],
        consent_text: rows[0]!['consent_text'],
        source_url: rows[0]!['source_url'],
        format: rows[0]!['format'],
      },
      {
        id: payload['id'],
        campaign: 'campaign-a',
        locale: 'en',
        first_name: 'Aigerim',
        last_name: 'Nurlanovna',
        email,
        country: 'KZ',
        consent_updates: 'yes',
        consent_text: tr(en, 'consent.checkbox'),
        source_url: `${receiver.url}/two.html`,
        format: 'json',
      },
    );
    assert.deepEqual(await receiver.csv('campaign-b'), []);

    // B: still the French form, empty, no thanks, its own counter unchanged.
    assert.equal(await b.locator('#appeal-thanks').count(), 0);
    assert.equal((await b.locator('button[type="submit"]').textContent())?.trim(), tr(fr, 'form.submit'));
    assert.equal(await b.locator('[name="email"]').inputValue(), '');
    assert.equal(await b.locator('[name="firstName"]').inputValue(), '');
    assert.equal(await b.locator('[part="base"]').getAttribute('lang'), 'fr');
  });

  test('after signing A, A counts 1 and B still 0', async () => {
    assert.equal((await widgetA().locator('.count').textContent())?.trim(), counterText(en, 'en', 1));
    assert.equal((await widgetB().locator('.count').textContent())?.trim(), counterText(fr, 'fr', 0));
  });

  test('no page errors', () => {
    assert.deepEqual(errors.pageErrors.map(String), []);
  });

  test('no console errors', () => {
    assert.deepEqual(errors.pageErrors.map(String), []);
    assert.deepEqual(errors.consoleErrors, []);
  });
});

test('the same script loaded twice gives two widgets and throws nothing', async () => {
  const { page, errors } = await open('twice.html');
  try {
    const widgets = page.locator('appeal-widget');
    await waitForWidget(widgets.nth(0));
    await waitForWidget(widgets.nth(1));
    assert.equal(await widgets.count(), 2);
    for (const index of [0, 1]) {
      assert.equal((await widgets.nth(index).locator('button[type="submit"]').textContent())?.trim(), tr(en, 'form.submit'));
    }
    // Each tag mounted its own widget, right after itself.
    assert.deepEqual(
      await page.evaluate(() => [...document.querySelectorAll('script[src$="appeal-widget.js"]')].map((s) => s.nextElementSibling?.localName)),
      ['appeal-widget', 'appeal-widget'],
    );
    assert.deepEqual(errors.pageErrors.map(String), []);
    } finally {
    await page.context().close();
  }
});

test('a page that already defines <appeal-widget> does not break', async () => {
  const { page, errors } = await open('predefined.html');
  try {
    await page.waitForLoadState('load');
    await page.waitForTimeout(300);
    assert.deepEqual(errors.pageErrors.map(String), []);
    // The tag still mounts an element after the script (the page's own definition answers for it).
    assert.equal(await page.evaluate(() => document.querySelector('script[data-campaign]')?.nextElementSibling?.localName), 'appeal-widget');
  } finally {
    await page.context().close();
  }
});

test('a bare script tag inserts nothing: the <appeal-widget> written in the page shows its slotted appeal', async () => {
  const { page, errors } = await open('slots.html');
  try {
    const widget = page.locator('appeal-widget');
    await waitForWidget(widget);
    assert.equal(await widget.count(), 1);
    assert.equal(await page.evaluate(() => document.querySelector('script[src$="appeal-widget.js"]')?.nextElementSibling?.localName), 'appeal-widget');
    assert.equal(
      await widget.evaluate((el) => el.shadowRoot!.querySelector<HTMLSlotElement>('slot[name="title"]')!.assignedElements()[0]?.textContent),
      'Reinstate the dismissed drivers',
    );
    assert.equal(await widget.locator('[role="alert"]').count(), 0, 'no configuration error');
    assert.deepEqual(errors.pageErrors.map(String), []);
  } finally {
    await page.context().close();
  }
});

test('a tag without data-endpoint, whatever data-* an optimiser gave it, mounts no widget and breaks nothing', async () => {
  const warnings: string[] = [];
  const { page, errors } = await open('optimised.html', (opened) =>
    opened.on('console', (message) => void (message.type() === 'warning' && warnings.push(message.text()))),
  );
  try {
    await page.waitForLoadState('load');
    await page.waitForFunction(() => !!customElements.get('appeal-widget'));
    assert.equal(await page.locator('appeal-widget').count(), 0);
    assert.deepEqual(
      await page.evaluate(() => [...document.querySelectorAll('script[src$="appeal-widget.js"]')].map((tag) => tag.nextElementSibling?.id)),
      ['after-optimised', 'after-forgotten'],
    );
    // Only the tag that names a widget attribute was meant to mount one.
    assert.deepEqual(warnings, ['[appeal-widget] A script tag with data-campaign and no data-endpoint inserts no widget: add data-endpoint.']);
    assert.deepEqual(errors.pageErrors.map(String), []);
    assert.deepEqual(errors.consoleErrors, []);
  } finally {
    await page.context().close();
  }
});

describe('the assets folder named explicitly (SPEC §2.3 assets-url)', () => {
  /** Opens `path`, recording the paths of the locale files and icons it fetches. */
  async function openRecording(path: string) {
    const requested: string[] = [];
    const opened = await open(path, (page) =>
      page.on('request', (request) => {
        const { pathname } = new URL(request.url());
        if (/\/(locales|assets)\//.test(pathname)) requested.push(pathname);
      }),
    );
    return { ...opened, requested };
  }

  test('a moved script with data-assets-url: its widget takes the locale and icons from that folder', async () => {
    const { page, errors, requested } = await openRecording('moved.html');
    try {
      const widget = page.locator('appeal-widget[campaign="campaign-moved"]');
      await waitForWidget(widget);
      assert.equal(await widget.getAttribute('assets-url'), '/dist/');
      assert.equal((await widget.locator('button[type="submit"]').textContent())?.trim(), tr(fr, 'form.submit'));
      // Typing fetches the share step's icons. Looked for in what was recorded from the start: the
      // request can go out before a waitForRequest set up after the typing would see it.
      await widget.locator('[name="firstName"]').fill('Aigerim');
      for (let deadline = Date.now() + 15_000; !requested.some((path) => path.endsWith('/share-icons.json')); ) {
        if (Date.now() > deadline) assert.fail(`no request for the icons; requested: ${requested.join(', ')}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.deepEqual(requested, ['/dist/locales/fr.json', '/dist/assets/share-icons.json']);
      assert.deepEqual(errors.pageErrors.map(String), []);
      assert.deepEqual(errors.consoleErrors, []);
    } finally {
      await page.context().close();
    }
  });

  test('a script run where document.currentScript is null: the widget with assets-url speaks French, the one without falls back to English', async () => {
    const { page, errors, requested } = await openRecording('loader.html');
    try {
      const found = page.locator('appeal-widget[campaign="campaign-loaded"]');
      const lost = page.locator('appeal-widget[campaign="campaign-lost"]');
      await waitForWidget(found);
      await waitForWidget(lost);
      assert.equal((await found.locator('button[type="submit"]').textContent())?.trim(), tr(fr, 'form.submit'));
      assert.equal((await lost.locator('button[type="submit"]').textContent())?.trim(), tr(en, 'form.submit'));
      assert.deepEqual(requested.sort(), ['/dist/locales/fr.json', '/locales/fr.json']);
      assert.deepEqual(errors.pageErrors.map(String), []);
    } finally {
      await page.context().close();
    }
  });
});

test('data-format="form" posts a url-encoded form that the receiver stores like the JSON one', async () => {
  const { page, errors } = await open('formats.html');
  try {
    const json = page.locator('appeal-widget[campaign="campaign-json"]');
    const form = page.locator('appeal-widget[campaign="campaign-form"]');
    await waitForWidget(json);
    await waitForWidget(form);
    const signer = { firstName: 'Zhanna', lastName: "O'Brien-Әлиева", email: `zhanna.${Date.now()}@example.org`, country: 'FR' };

    for (const widget of [json, form]) {
      await fillSigner(widget, signer);
      const posted = page.waitForRequest((request) => request.method() === 'POST' && request.url().endsWith('/api/signatures'));
      await widget.locator('button[type="submit"]').click();
      const request = await posted;
      await widget.locator('#appeal-thanks').waitFor();
      if (widget === form) {
        assert.equal(request.headers()['content-type'], 'application/x-www-form-urlencoded;charset=UTF-8');
        const body = Object.fromEntries(new URLSearchParams(request.postData() ?? ''));
        assert.match(body['form_token'] ?? '', /^campaign-form\./);
        assert.deepEqual(
          { ...body, id: undefined, created_at: undefined, form_token: undefined },
          {
            id: undefined,
            created_at: undefined,
            form_token: undefined,
            campaign: 'campaign-form',
            locale: 'en',
            first_name: signer.firstName,
            last_name: signer.lastName,
            email: signer.email,
            country: 'FR',
            consent_updates: 'yes',
            consent_text: tr(en, 'consent.checkbox'),
            source_url: `${receiver.url}/formats.html`,
            referrer: '',
          },
        );
      }
    }

    assert.equal(await receiver.count('campaign-json'), 1);
    assert.equal(await receiver.count('campaign-form'), 1);
    const [jsonRow] = await receiver.csv('campaign-json');
    const [formRow] = await receiver.csv('campaign-form');
    assert.ok(jsonRow && formRow);
    assert.equal(jsonRow['format'], 'json');
    assert.equal(formRow['format'], 'form');
    const comparable = (row: Record<string, string>) => {
      const { id: _id, campaign: _campaign, created_at: _created, received_at: _received, format: _format, ...rest } = row;
      return rest;
    };
    assert.deepEqual(comparable(formRow), comparable(jsonRow));
    assert.equal(formRow['last_name'], signer.lastName);
    assert.deepEqual(errors.pageErrors.map(String), []);
    assert.deepEqual(errors.consoleErrors, []);
  } finally {
    await page.context().close();
  }
});
