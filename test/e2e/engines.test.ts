/**
 * The built script in the engines besides Chromium that signers use: Firefox ESR (driven by
 * puppeteer-core over WebDriver BiDi) and WebKitGTK, Safari's engine (driven by WebdriverIO over
 * classic WebDriver), since Playwright cannot drive Debian's builds of either. In each, under the
 * strict CSP the README recommends: the demo page in English, French and Arabic renders, signs,
 * shows the thank-you step with its share links, and the counter moves.
 *
 * And the oldest engine we can run here, WPE WebKit 2.38 (it reports itself as Safari 16.0), which
 * cannot parse class static blocks: the build's target must keep them out, or the widget never
 * shows on iPhones before iOS 16.4.
 *
 * Screenshots go to a temporary folder (printed), or docs/screenshots/ with UPDATE_SCREENSHOTS=1.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import puppeteer, { type Browser as FirefoxBrowser, type Page as FirefoxPage } from 'puppeteer-core';
import { remote } from 'webdriverio';
import { FIREFOX_LAUNCH_OPTIONS } from '../../scripts/firefox.mjs';
import { startWebKitDriver, startWpeDriver, WEBKIT_CAPABILITIES, WPE_CAPABILITIES } from '../../scripts/webkit.mjs';
import {
  DEMO,
  ROOT,
  fetchCount,
  localeStrings,
  removeTemp,
  snapshotDist,
  startReceiver,
  staticServer,
  tempDir,
  tr,
  type Receiver,
} from './support/pages.ts';
import { STRICT_CSP } from './support/csp.ts';

const OUT = process.env['UPDATE_SCREENSHOTS'] ? join(ROOT, 'docs', 'screenshots') : join(tmpdir(), 'appeal-widget-screenshots');
const CAMPAIGN = 'free-baltabay';

/** The demo page in three languages: its own English and French pages, and Arabic through `?lang=`. */
const PAGES = [
  { name: 'en', path: '/', lang: 'en', dir: 'ltr' },
  { name: 'fr', path: '/fr.html', lang: 'fr', dir: 'ltr' },
  { name: 'ar', path: '/?lang=ar', lang: 'ar', dir: 'rtl' },
] as const;

/**
 * Records CSP violations and script errors from the first moment: loaded from 'self' as the page's first script,
 * since neither driver can add an init script in both engines.
 */
const RECORDER = `window.__violations = [];
window.__errors = [];
document.addEventListener('securitypolicyviolation', function (event) {
  window.__violations.push(event.violatedDirective + ' ' + event.blockedURI);
}, true);
window.addEventListener('error', function (event) {
  window.__errors.push(event.message);
});
`;

/** What a smoke asks of an engine, whichever driver speaks to it. */
interface Engine {
  goto(url: string): Promise<void>;
  /** Runs `script` (a function body that may use `widget`, the page's appeal-widget) in the page. */
  run<T>(script: string): Promise<T>;
  type(selector: string, text: string): Promise<void>;
  select(selector: string, value: string): Promise<void>;
  click(selector: string): Promise<void>;
  screenshot(path: string): Promise<void>;
}

const inWidget = (body: string) => `const widget = document.querySelector('appeal-widget'); const root = widget && widget.shadowRoot; ${body}`;

async function until(engine: Engine, condition: string, what: string, timeout = 15_000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!(await engine.run<boolean>(inWidget(`return !!(${condition});`)))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

let root: string;
let receiver: Receiver;
let server: Awaited<ReturnType<typeof staticServer>>;

before(async () => {
  root = tempDir('engines');
  const dist = snapshotDist();
  cpSync(dist, join(root, 'dist'), { recursive: true });
  removeTemp(dist);
  cpSync(DEMO, root, { recursive: true });
  writeFileSync(join(root, 'record-violations.js'), RECORDER);
  // The recorder goes first in <head>, before lang.js and the widget.
  for (const page of ['index.html', 'fr.html']) {
    const file = join(root, page);
    writeFileSync(file, readFileSync(file, 'utf8').replace('<head>', '<head>\n  <script src="/record-violations.js"></script>'));
  }
  receiver = await startReceiver();
  server = await staticServer(root, { proxy: receiver.url, headers: () => ({ 'content-security-policy': STRICT_CSP }) });
  mkdirSync(OUT, { recursive: true });
});

after(async () => {
  await server?.close();
  await receiver?.close();
  removeTemp(root);
});

/** Signs the demo campaign on each page in `engine`, checking every step on the way. */
function smoke(name: string, engine: () => Engine) {
  for (const page of PAGES) {
    test(`${page.name}: renders, signs, thanks with share links, the count moves, no CSP violation`, async () => {
      const browser = engine();
      const strings = localeStrings(page.lang);
      await browser.goto(`${server.url}${page.path}`);
      // The country list and the language menu's names follow the first paint, busy until then.
      await until(browser, `root && root.querySelector('form button[type=submit]') && root.querySelector('[part=counter] .count') && !root.querySelector('[aria-busy]')`, 'the form, its count and its country list');
      const shown = await browser.run<{ dir: string; submit: string; countries: number; count: number; countText: string }>(
        inWidget(`return {
          dir: getComputedStyle(root.querySelector('[part=base]')).direction,
          submit: root.querySelector('button[type=submit]').textContent.trim(),
          countries: root.querySelectorAll('select[name=country] option[value]:not([value=""])').length,
          count: root.querySelector('[part=progress]').value,
          countText: root.querySelector('[part=counter] .count').textContent,
        };`),
      );
      assert.equal(shown.dir, page.dir, 'text direction');
      assert.equal(shown.submit, tr(strings, 'form.submitLetter'), 'the submit button speaks the language');
      assert.equal(shown.countries, 249, 'every ISO 3166-1 country, once (Firefox used to add 11 retired codes)');
      // The number from the progress bar: the text may hold none ("توقيعان", two signatures) or Arabic digits.
      const before = shown.count;
      assert.equal(before, await fetchCount(receiver.url, CAMPAIGN));

      await browser.type('[name=firstName]', 'Aigerim');
      await browser.type('[name=lastName]', 'Nurlanovna');
      await browser.type('[name=email]', `${name}.${page.name}.${Date.now()}@example.org`);
      await browser.select('select[name=country]', 'KZ');
      await browser.click('input[name=consentUpdates][value=yes]');
      await browser.click('button[type=submit]');
      await until(browser, `root.querySelector('#appeal-thanks')`, 'the thank-you step');
      await until(browser, `root.querySelector('[part=share-button][data-channel=whatsapp] svg')`, 'the share icons');
      const thanks = await browser.run<{ channels: string[]; hrefs: string[]; count: number; countText: string }>(
        inWidget(`const buttons = [...root.querySelectorAll('[part=share-button]')];
          return {
            channels: buttons.map((button) => button.dataset.channel),
            hrefs: buttons.map((button) => button.getAttribute('href')).filter(Boolean),
            count: root.querySelector('[part=progress]').value,
            countText: root.querySelector('[part=counter] .count').textContent,
          };`),
      );
      assert.ok(thanks.channels.includes('copy') && thanks.channels.includes('whatsapp'), `share channels: ${thanks.channels.join(', ')}`);
      for (const href of thanks.hrefs) assert.match(href, /^(https:|mailto:)/, 'a share link');
      assert.ok(
        thanks.hrefs.some((href) => decodeURIComponent(href).includes('utm_campaign=free-baltabay')),
        'share links carry the campaign',
      );
      assert.equal(thanks.count, before + 1, 'the counter moved');
      assert.notEqual(thanks.countText, shown.countText, 'and its words');
      assert.equal(await fetchCount(receiver.url, CAMPAIGN), before + 1, 'the receiver counted it');
      assert.deepEqual(await browser.run<string[]>('return window.__violations;'), [], 'no CSP violation');
      assert.deepEqual(await browser.run<string[]>('return window.__errors;'), [], 'no script error');
      await browser.screenshot(join(OUT, `engine-${name}-${page.name}.png`));
    });
  }
}

describe('Firefox ESR', () => {
  let firefox: FirefoxBrowser;
  let tab: FirefoxPage;
  before(async () => {
    firefox = await puppeteer.launch(FIREFOX_LAUNCH_OPTIONS);
    tab = await firefox.newPage();
    await tab.setViewport({ width: 900, height: 1400 });
  });
  after(() => firefox?.close());

  const field = async (selector: string) => {
    const handle = await tab.$(`appeal-widget >>> ${selector}`);
    assert.ok(handle, `no ${selector} in the widget`);
    return handle;
  };
  smoke('firefox', () => ({
    goto: async (url) => void (await tab.goto(url)),
    run: <T>(script: string) => tab.evaluate(`(() => { ${script} })()`) as Promise<T>,
    type: async (selector, text) => (await field(selector)).type(text),
    select: async (selector, value) => void (await (await field(selector)).select(value)),
    click: async (selector) => (await field(selector)).click(),
    screenshot: async (path) => void (await tab.screenshot({ path, fullPage: true })),
  }));
});

describe('WebKitGTK (Safari’s engine)', () => {
  let driver: Awaited<ReturnType<typeof startWebKitDriver>>;
  let webkit: WebdriverIO.Browser;
  before(async () => {
    driver = await startWebKitDriver();
    webkit = await remote({ hostname: driver.hostname, port: driver.port, capabilities: WEBKIT_CAPABILITIES, logLevel: 'error' });
    await webkit.setWindowSize(900, 1400);
  });
  after(async () => {
    await webkit?.deleteSession();
    await driver?.stop();
  });

  const field = (selector: string) => webkit.$('appeal-widget').shadow$(selector);
  smoke('webkit', () => ({
    goto: (url) => webkit.url(url).then(() => undefined),
    run: <T>(script: string) => webkit.execute(script) as Promise<T>,
    type: async (selector, text) => (await field(selector)).setValue(text),
    select: async (selector, value) => (await field(selector)).selectByAttribute('value', value),
    click: async (selector) => (await field(selector)).click(),
    // Whole-window shots: WebKitWebDriver's element shots come out shifted after scrolling.
    screenshot: async (path) => void (await webkit.saveScreenshot(path)),
  }));
});

/**
 * Safari 16.0 has no constructable stylesheets, so Lit falls back to <style> elements, which a
 * strict style-src refuses. The README's answer: a per-response nonce in the policy, handed to Lit
 * as `window.litNonce` before the widget's script. Served here with a fixed nonce, for the test.
 */
const NONCE = 'c2lnbmF0dXJlcy1mb3ItYmFsdGFiYXk';
const NONCE_CSP = STRICT_CSP.replace("script-src 'self'", `script-src 'self' 'nonce-${NONCE}'`).replace("style-src 'self'", `style-src 'self' 'nonce-${NONCE}'`);

describe('WPE WebKit 2.38 (reports Safari 16.0)', () => {
  let driver: Awaited<ReturnType<typeof startWpeDriver>>;
  let old: WebdriverIO.Browser;
  let nonceServer: Awaited<ReturnType<typeof staticServer>>;
  before(async () => {
    const page = readFileSync(join(root, 'index.html'), 'utf8').replace(
      '<head>',
      `<head>\n  <script nonce="${NONCE}">window.litNonce = '${NONCE}';</script>`,
    );
    writeFileSync(join(root, 'nonce.html'), page);
    nonceServer = await staticServer(root, { proxy: receiver.url, headers: () => ({ 'content-security-policy': NONCE_CSP }) });
    driver = await startWpeDriver();
    old = await remote({ hostname: driver.hostname, port: driver.port, capabilities: WPE_CAPABILITIES, logLevel: 'error' });
  });
  after(async () => {
    await old?.deleteSession();
    await driver?.stop();
    await nonceServer?.close();
  });

  const state = () =>
    old.execute(() => {
      const root = document.querySelector('appeal-widget')?.shadowRoot;
      const base = root?.querySelector('[part=base]');
      return {
        defined: !!customElements.get('appeal-widget'),
        form: !!root?.querySelector('form button[type=submit]'),
        constructable: 'adoptedStyleSheets' in Document.prototype,
        border: base ? getComputedStyle(base).borderTopStyle : '',
        violations: (window as unknown as { __violations: string[] }).__violations,
        errors: (window as unknown as { __errors: string[] }).__errors,
      };
    });
  const shown = async () => {
    const deadline = Date.now() + 15_000;
    while (!(await state()).form && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    return state();
  };

  test('the built script parses and the widget renders (es2022 class static blocks would not)', async () => {
    await old.url(`${server.url}/`);
    const result = await shown();
    assert.deepEqual(result.errors, [], 'no script error');
    assert.equal(result.defined, true, 'appeal-widget is defined');
    assert.equal(result.form, true, 'the form shows');
    assert.equal(result.constructable, false, 'this engine has no constructable stylesheets');
  });

  test('under the strict policy alone its styles are refused, as the README warns', async () => {
    await old.url(`${server.url}/`);
    const result = await shown();
    assert.notEqual(result.border, 'solid', 'unstyled');
    assert.ok(result.violations.some((violation) => violation.startsWith('style-src')), `violations: ${result.violations.join('; ')}`);
  });

  test('with the nonce in the policy and in window.litNonce: styled, and no violation', async () => {
    await old.url(`${nonceServer.url}/nonce.html`);
    const result = await shown();
    assert.equal(result.border, 'solid', 'styled');
    assert.deepEqual(result.violations, []);
    await old.saveScreenshot(join(OUT, 'engine-wpe-2.38-nonce.png'));
  });
});
