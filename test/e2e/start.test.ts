/**
 * `npm start` as a newcomer meets it: `node scripts/start.mjs` serves the demo page, the built
 * widget and the receiver on one port; signing the demo campaign there lands in the CSV export.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import {
  ROOT,
  fetchCount,
  fetchCsv,
  launchBrowser,
  localeStrings,
  parseCount,
  removeTemp,
  tempDir,
  tr,
  watchErrors,
} from './support/pages.ts';
import { assertNoViolations, axe } from './support/axe.ts';

// APPEAL_E2E_START runs another checkout's start script (to check these tests against a fixed build).
const START = process.env['APPEAL_E2E_START'] ?? join(ROOT, 'scripts', 'start.mjs');
const en = localeStrings('en');

let child: ChildProcess | undefined;
let output = '';
let dataDir: string;
let base: string;
let browser: Browser;
/** The export token npm start made for this run, read from its output (it is random per start). */
let exportToken = '';

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

before(async () => {
  dataDir = tempDir('start');
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  child = spawn(process.execPath, [START], {
    cwd: ROOT,
    detached: true, // its own process group: start.mjs runs the server as a child, and after() ends both
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_PATH: join(dataDir, 'signatures.sqlite'),
      EXPORT_TOKEN: '', // unset: npm start makes a random one and prints it
      ALLOWED_ORIGINS: '',
      LOG_LEVEL: 'warn',
      // The test's newcomer fills the form in milliseconds, faster than the bot checks allow a person.
      FORM_MIN_MS: '0',
    },
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // start.mjs may first rebuild the widget (src/ newer than dist/): allow for a build.
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}:\n${output}`);
    try {
      const token = /Authorization: Bearer (\S+)"/.exec(output)?.[1];
      const response = await fetch(`${base}/`);
      if (response.ok && token !== undefined) {
        exportToken = token;
        break;
      }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`npm start did not serve / within 90 s:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  if (child?.pid && child.exitCode === null) {
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // ended on SIGTERM, as it should
    }
  }
  removeTemp(dataDir);
});

test('npm start serves the demo page, the built widget and the API on one port', async () => {
  const page = await (await fetch(`${base}/`)).text();
  assert.match(page, /<script src="\/dist\/appeal-widget\.js"[^>]*data-campaign="free-baltabay"/);
  const widget = await fetch(`${base}/dist/appeal-widget.js`);
  assert.equal(widget.status, 200);
  assert.match(widget.headers.get('content-type') ?? '', /javascript/);
  assert.equal(typeof (await fetchCount(base, 'free-baltabay')), 'number');
  assert.match(output, /Demo page:\s+http:\/\/127\.0\.0\.1:\d+\//);
});

test(
  'a newcomer signs the demo campaign: thanks, the counter goes up by one, the row is in the CSV',
  async () => {
    const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 900 } });
    try {
      const page = await context.newPage();
      const errors = watchErrors(page);
      await page.goto(`${base}/`);
      const widget = page.locator('appeal-widget');
      await widget.locator('form').waitFor({ timeout: 15_000 });
      const counter = widget.locator('.count');
      await counter.waitFor();
      const before = parseCount((await counter.textContent()) ?? '');
      assert.equal(before, await fetchCount(base, 'free-baltabay'));

      const email = `newcomer.${Date.now()}@example.org`;
      await widget.locator('[name="firstName"]').fill('Aigerim');
      await widget.locator('[name="lastName"]').fill('Nurlanovna');
      await widget.locator('[name="email"]').fill(email);
      await widget.locator('select[name="country"]').selectOption('KZ');
      await widget.locator('input[name="consentUpdates"]').check();
      // The demo campaign has a letter: its subject and body are there, ready to send.
      assert.notEqual(await widget.locator('[name="messageSubject"]').inputValue(), '');
      await widget.locator('[name="messageBody"]').press('End');
      await widget.locator('button[type="submit"]').click();

      const thanks = widget.locator('#appeal-thanks');
      await thanks.waitFor({ timeout: 15_000 });
      assert.equal((await thanks.textContent())?.trim(), tr(en, 'thanks.titleName', { name: 'Aigerim' }));
      assert.ok(await widget.locator('[part="share-list"]').isVisible());
      assert.equal(parseCount((await counter.textContent()) ?? ''), before + 1);
      assert.equal((await counter.textContent())?.trim(), tr(en, `counter.signatures_${before + 1 === 1 ? 'one' : 'other'}`, {
        number: new Intl.NumberFormat('en').format(before + 1),
      }));
      assert.equal(await fetchCount(base, 'free-baltabay'), before + 1);

      const rows = await fetchCsv(base, 'free-baltabay', exportToken);
      const mine = rows.filter((row) => row['email'] === email);
      assert.equal(mine.length, 1);
      assert.equal(mine[0]!['first_name'], 'Aigerim');
      assert.equal(mine[0]!['country'], 'KZ');
      assert.notEqual(mine[0]!['message_subject'], '');

      // The letter reached the local capture mail server, once per target of the demo campaign,
      // from the demo's sender, with the signer's name and without their address.
      const letters = await waitForLetters(2);
      const fromMe = letters.filter((letter) => letter.text.includes('Aigerim Nurlanovna'));
      assert.deepEqual(fromMe.map((letter) => letter.envelope.to).flat().sort(), ['office@prosecutor.example', 'president@akorda.example']);
      for (const letter of fromMe) {
        assert.equal(letter.envelope.from, 'letters@union.example');
        assert.equal(letter.headers.subject, mine[0]!['message_subject']);
        assert.ok(!JSON.stringify(letter).includes(email), 'the signer\'s address is nowhere in the letter');
      }
      // The page allows no script at all (its CSP), so axe is injected with the CSP bypassed.
      const mailContext = await browser.newContext({ bypassCSP: true });
      try {
        const mailPage = await mailContext.newPage();
        const response = await mailPage.goto(`${base}/dev/mail/`);
        assert.match(response?.headers()['content-security-policy'] ?? '', /default-src 'none'/);
        assert.equal(await mailPage.locator('article').count(), letters.length);
        assert.ok((await mailPage.locator('article').first().textContent())?.includes('Aigerim Nurlanovna'));
        assertNoViolations(await axe(mailPage), 'the local mail page');
      } finally {
        await mailContext.close();
      }

      assert.deepEqual(errors.pageErrors.map(String), []);
      assert.deepEqual(errors.consoleErrors, []);
    } finally {
      await context.close();
    }
  },
);

/** The letters the local capture server has, once there are at least `count` (the worker sends within moments). */
async function waitForLetters(count: number): Promise<{ envelope: { from: string; to: string[] }; headers: { subject: string }; text: string }[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const { letters } = (await (await fetch(`${base}/dev/mail/letters.json`)).json()) as { letters: Awaited<ReturnType<typeof waitForLetters>> };
    if (letters.length >= count || Date.now() > deadline) return letters;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

test('npm start prints where the letters go and a random admin token that opens the admin API', async () => {
  assert.match(output, new RegExp(`Letters: +${base}/dev/mail/`));
  const adminToken = /Authorization: Bearer ([0-9a-f]{64})" \S+\/api\/admin\//.exec(output)?.[1];
  assert.ok(adminToken, `no admin token in the output:\n${output}`);
  const campaign = await fetch(`${base}/api/admin/campaigns/free-baltabay`, { headers: { authorization: `Bearer ${adminToken}` } });
  assert.equal(campaign.status, 200);
  const body = (await campaign.json()) as { delivery: { mode: string; targets: unknown[] } };
  assert.equal(body.delivery.mode, 'each');
  assert.equal(body.delivery.targets.length, 2);
});

test('the CSV export needs the token, which is random per start', async () => {
  const response = await fetch(`${base}/api/campaigns/free-baltabay/signatures.csv`);
  assert.equal(response.status, 401);
  assert.match(exportToken, /^[0-9a-f]{48}$/);
  const guessed = await fetch(`${base}/api/campaigns/free-baltabay/signatures.csv`, { headers: { authorization: 'Bearer dev-export-token' } });
  assert.equal(guessed.status, 403);
});
