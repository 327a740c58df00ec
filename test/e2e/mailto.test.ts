/**
 * Mailto (SPEC §9.4) with the built script on a plain page: a campaign document with
 * `letter.mailto` and a plain endpoint that is no receiver at all. The thank-you step's link must
 * carry both addresses, the subject and the signer's edited letter, RFC 6068-encoded, under 2,000
 * characters.
 */
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { DEMO, fillSigner, htmlPage, launchBrowser, removeTemp, snapshotDist, staticServer, tempDir, waitForWidget, watchErrors } from './support/pages.ts';

const ADDRESSES = ['president@gov.example', 'prosecutor@gov.example'];
const demo = JSON.parse(readFileSync(join(DEMO, 'free-baltabay.json'), 'utf8')) as { letter: Record<string, { subject: string; body: string }> };

let dir: string;
let dist: string;
let server: Awaited<ReturnType<typeof staticServer>>;
let browser: Browser;
const posted: string[] = [];

before(async () => {
  dist = snapshotDist();
  dir = tempDir('mailto');
  cpSync(dist, join(dir, 'dist'), { recursive: true });
  writeFileSync(join(dir, 'campaign.json'), JSON.stringify({ ...demo, letter: { ...demo.letter, mailto: ADDRESSES } }));
  writeFileSync(
    join(dir, 'index.html'),
    htmlPage('<script src="/dist/appeal-widget.js" data-endpoint="/signatures" data-campaign-url="/campaign.json" data-lang="en"></script>'),
  );
  // A plain form backend: it stores the signature and says nothing about letters.
  server = await staticServer(dir, {
    handle: (method, path, body) => (method === 'POST' && path === '/signatures' ? (posted.push(body), { status: 201, body: { ok: true } }) : undefined),
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
  removeTemp(dir, dist);
});

test('the thank-you link carries both addresses, the subject and the edited letter, encoded, under 2,000 characters', async () => {
  const page = await browser.newPage();
  const errors = watchErrors(page);
  await page.goto(`${server.url}/`);
  const widget = page.locator('appeal-widget');
  await waitForWidget(widget);
  const edited = `${demo.letter['en']!.body}\n\nMy own words: free him.`;
  await widget.locator('[name="messageBody"]').fill(edited);
  await fillSigner(widget, { firstName: 'Aigerim', lastName: 'N.', email: 'aigerim@example.org', country: 'KZ' });
  await widget.locator('button[type="submit"]').click();
  const link = widget.locator('[part="mailto"] a[href^="mailto:"]');
  await link.waitFor({ timeout: 15_000 });
  const href = (await link.getAttribute('href'))!;

  assert.ok(href.length < 2000, `${href.length} characters`);
  const [, to, subject, body] = /^mailto:([^?]*)\?subject=([^&]*)&body=([^&]*)$/.exec(href) ?? [];
  assert.equal(to, ADDRESSES.join(','));
  assert.equal(decodeURIComponent(subject!), demo.letter['en']!.subject);
  assert.ok(!href.includes('+') && href.includes('%20'), 'spaces as %20');
  assert.ok(body!.includes('%0D%0A') && !/%0A|%0D/.test(body!.replace(/%0D%0A/g, '')), 'line breaks as %0D%0A');
  const decoded = decodeURIComponent(body!);
  const shortened = await widget.locator('[part="mailto"] .hint').count();
  if (shortened) assert.ok(decoded.startsWith(edited.replace(/\n/g, '\r\n').slice(0, 500)));
  else assert.equal(decoded, `${edited}\n\nAigerim N.`.replace(/\n/g, '\r\n'));
  assert.ok(decoded.endsWith('Aigerim N.'));
  assert.equal(posted.length, 1);
  assert.deepEqual(errors.pageErrors, []);
  await page.close();
});
