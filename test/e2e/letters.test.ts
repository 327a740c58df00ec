/**
 * "The message reaches the authorities" (SPEC §9), end to end: the real receiver (buildApp) with a
 * real SMTP server (the smtp-sink), the campaign created through the admin API with two targets and
 * the demo document, a page with the built script tag pointing its campaign-url at the receiver,
 * and a signer in Chromium who edits the letter, signs and is told it is on its way; then what
 * each target's mailbox received. Last, the organiser closes the campaign.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Browser, Locator, Page } from 'playwright-core';
import { buildApp } from '../../server/src/app.ts';
import { loadConfig } from '../../server/src/config/load-config.ts';
import { startSmtpSink, type SinkMessage, type SmtpSink } from '../../server/src/dev/smtp-sink.ts';
import { admin, ADMIN_TOKEN, putCampaign, TARGETS, until } from '../../server/test/support/admin.ts';
import {
  DEMO,
  fillSigner,
  htmlPage,
  launchBrowser,
  localeStrings,
  removeTemp,
  snapshotDist,
  tempDir,
  tr,
  waitForWidget,
  watchErrors,
} from './support/pages.ts';

const CAMPAIGN = 'letters-e2e';
const CONFIRM_CAMPAIGN = 'letters-e2e-confirm';
const REPLY_CAMPAIGN = 'letters-e2e-reply-to';
const MAIL_FROM = '"Demo Union" <letters@union.example>';
const FROM_ADDRESS = 'letters@union.example';
const en = localeStrings('en');
const demoDocument = JSON.parse(readFileSync(join(DEMO, 'free-baltabay.json'), 'utf8')) as {
  letter: { to: string; en: { subject: string; body: string } };
};

const SIGNER = { firstName: 'Aigerim', lastName: 'Nurlanovna', email: `Aigerim.Nurlanovna+letters-${process.pid}@Signer-Mail.example`, country: 'KZ' };
const EDITED = {
  subject: 'Free Erlan Baltabay now: a teacher from Almaty asks',
  body: 'Dear Sir or Madam,\n\nI am a teacher in Almaty, and I ask you to release Erlan Baltabay this week (written by me).',
};

let sink: SmtpSink;
let app: FastifyInstance;
let url: string;
let browser: Browser;
let dist: string;
let pagesDir: string;
let dataDir: string;

before(async () => {
  dist = snapshotDist();
  pagesDir = tempDir('letters-pages');
  dataDir = tempDir('letters-db');
  for (const [file, campaign] of [['letters.html', CAMPAIGN], ['confirm.html', CONFIRM_CAMPAIGN], ['reply-to.html', REPLY_CAMPAIGN]] as const) {
    writeFileSync(
      join(pagesDir, file),
      htmlPage(`<h1>Write to the authorities</h1>
<script src="/dist/appeal-widget.js" data-endpoint="/api/signatures" data-campaign-url="/api/campaigns/${campaign}" data-lang="en"></script>`),
    );
  }
  sink = await startSmtpSink();
  // PUBLIC_URL must be the origin Chromium reaches the receiver at (the confirm page's POST is
  // checked against it), and the config is read before listen: take a free port first.
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    DATABASE_PATH: join(dataDir, 'signatures.sqlite'),
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: url,
    RATE_LIMIT_MAX: '1000',
    LOG_LEVEL: 'silent',
    // The tests fill the form in milliseconds; the minimum time is the bot tests' business.
    FORM_MIN_MS: '0',
    ADMIN_TOKEN,
    SMTP_URL: sink.url,
    MAIL_FROM,
  });
  app = buildApp(config, {
    staticRoots: { demo: pagesDir, dist },
    transportOptions: { connectionTimeout: 3_000, greetingTimeout: 3_000, socketTimeout: 5_000 },
  });
  await app.listen({ port, host: '127.0.0.1' });
  // As an organiser's script does it: the demo document, two targets, one email per signer to each.
  await putCampaign(url, CAMPAIGN, { document: { ...demoDocument, id: CAMPAIGN }, status: 'open', delivery: { mode: 'each', targets: TARGETS } });
  await putCampaign(url, CONFIRM_CAMPAIGN, {
    document: { ...demoDocument, id: CONFIRM_CAMPAIGN }, status: 'open', delivery: { mode: 'each', targets: TARGETS, confirm: true },
  });
  await putCampaign(url, REPLY_CAMPAIGN, {
    document: { ...demoDocument, id: REPLY_CAMPAIGN }, status: 'open', delivery: { mode: 'each', targets: [TARGETS[0]], replyTo: 'signer-if-agreed' },
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await app?.close();
  await sink?.close();
  removeTemp(pagesDir, dist, dataDir);
});

/** A port free just now on 127.0.0.1 (listen on 0, read it, close). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function open(file = 'letters.html'): Promise<{ page: Page; widget: Locator; errors: ReturnType<typeof watchErrors> }> {
  const context = await browser.newContext({ locale: 'en-GB' });
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(`${url}/${file}`);
  const widget = page.locator('appeal-widget');
  await waitForWidget(widget);
  return { page, widget, errors };
}

const headerPart = (message: SinkMessage): string => {
  const end = message.raw.indexOf('\r\n\r\n');
  return message.raw.subarray(0, end < 0 ? message.raw.length : end).toString('latin1');
};

/** Forces the receiver's letter worker round, then a quiet second: nothing may move at the sink. */
async function assertNothingMoreSent(what: string): Promise<void> {
  const before = { ...sink.commands, messages: sink.messages.length };
  await app.letterWorker!.runOnce();
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  await app.letterWorker!.runOnce();
  assert.deepEqual({ ...sink.commands, messages: sink.messages.length }, before, what);
}

test('a signer edits the letter and signs: told it is on its way, each target gets it once, from MAIL_FROM, without the signer’s address', async () => {
  const { page, widget, errors } = await open();
  try {
    const subject = widget.locator('input[name="messageSubject"]');
    const body = widget.locator('textarea[name="messageBody"]');
    assert.equal(await subject.inputValue(), demoDocument.letter.en.subject, 'the document’s letter is in the form');
    await subject.fill(EDITED.subject);
    await body.fill(EDITED.body);
    await fillSigner(widget, SIGNER, { consent: false });
    await widget.locator('button[type="submit"]').click();
    const thanks = widget.locator('[part="thanks"]');
    await thanks.waitFor({ timeout: 15_000 });
    const onItsWay = tr(en, 'thanks.letterQueued', { to: demoDocument.letter.to });
    assert.ok((await thanks.innerText()).includes(onItsWay), await thanks.innerText());
    assert.ok((await widget.locator('[role="status"]').textContent())?.includes(onItsWay), 'announced to screen readers');
    assert.deepEqual([...errors.pageErrors, ...errors.consoleErrors], []);
  } finally {
    await page.context().close();
  }

  const messages = await sink.waitForMessages(2, 15_000);
  assert.equal(messages.length, 2);
  const needles = [SIGNER.email.toLowerCase(), 'aigerim.nurlanovna+letters', 'signer-mail.example'];
  for (const target of TARGETS) {
    const received = messages.filter((message) => message.envelope.to.includes(target.email));
    assert.equal(received.length, 1, `exactly one message at ${target.email}`);
    const message = received[0]!;
    assert.deepEqual(message.envelope, { from: FROM_ADDRESS, to: [target.email] });
    assert.deepEqual(message.parsed.from?.value.map((address) => address.address), [FROM_ADDRESS]);
    assert.equal(message.parsed.subject, EDITED.subject);
    const text = message.parsed.text ?? '';
    assert.ok(text.includes(EDITED.body), text);
    assert.ok(text.includes('Aigerim Nurlanovna'), text);
    for (const needle of needles) {
      assert.ok(!headerPart(message).toLowerCase().includes(needle), `${needle} in the headers:\n${headerPart(message)}`);
      assert.ok(!JSON.stringify(message.envelope).toLowerCase().includes(needle), `${needle} in the envelope`);
    }
  }

  // The same address again, from a fresh page: it looks like a new signature, and sends nothing more.
  const again = await open();
  try {
    await fillSigner(again.widget, { ...SIGNER, email: SIGNER.email.toUpperCase() }, { consent: false });
    await again.widget.locator('button[type="submit"]').click();
    await again.widget.locator('[part="thanks"]').waitFor({ timeout: 15_000 });
  } finally {
    await again.page.context().close();
  }
  await assertNothingMoreSent('a second signature from the same address sends no letter');
  assert.equal(sink.messages.length, 2);
});

test('a closed campaign: a fresh page shows the closed notice, and a page opened before it closed says so when the signer sends', async () => {
  const before = await open();
  try {
    assert.equal(await before.widget.locator('form').count(), 1);
    const closed = await admin(url, 'PUT', `/api/admin/campaigns/${CAMPAIGN}`, {
      body: { document: { ...demoDocument, id: CAMPAIGN }, status: 'closed', delivery: { mode: 'each', targets: TARGETS } },
    });
    assert.equal(closed.status, 200, closed.text);

    const fresh = await open();
    try {
      const notice = fresh.widget.locator('[part="closed"]');
      await notice.waitFor({ timeout: 15_000 });
      assert.equal((await notice.locator('h3').innerText()).trim(), tr(en, 'closed.title'));
      assert.ok((await notice.innerText()).includes(tr(en, 'closed.text')));
      assert.equal(await fresh.widget.locator('form').count(), 0, 'no form');
      assert.equal(await fresh.widget.locator('[part="counter"]').count(), 1, 'the counter stays');
      assert.ok((await fresh.widget.locator('[part="appeal"]').innerText()).includes('Erlan Baltabay'), 'the appeal stays');
      assert.deepEqual([...fresh.errors.pageErrors, ...fresh.errors.consoleErrors], []);
    } finally {
      await fresh.page.context().close();
    }

    // The page still shows the form it loaded while the campaign was open: the receiver answers 410.
    await fillSigner(before.widget, { firstName: 'Late', lastName: 'Signer', email: 'late.signer@example.org', country: 'FR' }, { consent: false });
    await before.widget.locator('button[type="submit"]').click();
    await before.widget.locator('[part="closed"]').waitFor({ timeout: 15_000 });
    assert.equal(await before.widget.locator('form').count(), 0);
    const queued = await before.page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('appeal-widget:signature:') && key !== 'appeal-widget:signature:'));
    assert.deepEqual(queued, [], 'nothing queued for later');
  } finally {
    await before.page.context().close();
  }
  const inspected = await admin(url, 'GET', `/api/admin/campaigns/${CAMPAIGN}`);
  assert.equal(inspected.body.count, 1, 'the closed campaign stored nothing more');
  await assertNothingMoreSent('no letter from a closed campaign');
});

const messagesTo = (email: string): SinkMessage[] => sink.messages.filter((message) => message.envelope.to.includes(email));

test('confirm first: the signer is told to check their inbox, gets one email with a link; the link’s page sends nothing until its button is pressed, then one letter to each target, once', async () => {
  const signer = { firstName: 'Dana', lastName: 'Confirmova', email: `dana.confirm+${process.pid}@signer-mail.example`, country: 'KZ' };
  const subject = 'Free Erlan Baltabay: please confirm I asked';
  const atTargets = () => TARGETS.map((target) => messagesTo(target.email).length);
  const targetsBefore = atTargets();
  const totalBefore = sink.messages.length;

  const signing = await open('confirm.html');
  try {
    await signing.widget.locator('input[name="messageSubject"]').fill(subject);
    await fillSigner(signing.widget, signer, { consent: false });
    await signing.widget.locator('button[type="submit"]').click();
    const thanks = signing.widget.locator('[part="thanks"]');
    await thanks.waitFor({ timeout: 15_000 });
    const checkInbox = tr(en, 'thanks.letterConfirm', { to: demoDocument.letter.to });
    assert.ok((await thanks.innerText()).includes(checkInbox), await thanks.innerText());
    assert.ok((await signing.widget.locator('[role="status"]').textContent())?.includes(checkInbox), 'announced to screen readers');
    assert.deepEqual([...signing.errors.pageErrors, ...signing.errors.consoleErrors], []);
  } finally {
    await signing.page.context().close();
  }

  await sink.waitForMessages(totalBefore + 1, 15_000);
  await assertNothingMoreSent('only the confirmation email');
  const fresh = sink.messages.slice(totalBefore);
  assert.equal(fresh.length, 1, 'exactly one email');
  const confirmation = fresh[0]!;
  assert.deepEqual(confirmation.envelope, { from: FROM_ADDRESS, to: [signer.email] }, 'to the signer’s own address');
  assert.equal(confirmation.parsed.subject, 'Confirm your letter');
  assert.deepEqual(atTargets(), targetsBefore, 'nothing at the targets');
  const link = new RegExp(`${url.replace(/[.]/g, '\\.')}/confirm/[A-Za-z0-9_-]+`).exec(confirmation.parsed.text ?? '')?.[0];
  assert.ok(link, `a link to PUBLIC_URL/confirm/… in:\n${confirmation.parsed.text}`);

  const context = await browser.newContext({ locale: 'en-GB' });
  try {
    const page = await context.newPage();
    const errors = watchErrors(page);
    const shown = await page.goto(link);
    assert.equal(shown?.status(), 200);
    assert.equal((await page.locator('h1').innerText()).trim(), 'Send your letter');
    assert.ok((await page.locator('body').innerText()).includes(subject), 'the signer’s subject is shown');
    const button = page.locator('form[method="post"] button[type="submit"]');
    assert.equal(await button.count(), 1, 'a button');
    await assertNothingMoreSent('opening the link sends nothing');
    assert.deepEqual(atTargets(), targetsBefore, 'still nothing at the targets');

    await Promise.all([page.waitForNavigation(), button.click()]);
    assert.equal((await page.locator('h1').innerText()).trim(), 'Your letter is on its way');
    await sink.waitForMessages(totalBefore + 1 + TARGETS.length, 15_000);
    for (const [index, target] of TARGETS.entries()) {
      const received = messagesTo(target.email).slice(targetsBefore[index]);
      assert.equal(received.length, 1, `exactly one letter at ${target.email}`);
      assert.deepEqual(received[0]!.envelope, { from: FROM_ADDRESS, to: [target.email] });
      assert.equal(received[0]!.parsed.subject, subject);
      assert.equal(received[0]!.parsed.replyTo, undefined);
      assert.ok(!received[0]!.raw.toString('latin1').toLowerCase().includes(signer.email.toLowerCase()), 'no signer address in the letter');
    }
    await assertNothingMoreSent('one press sends each letter once');

    // Reload the link's page and press again, if the button is there: nothing more.
    await page.goto(link);
    if (await button.count()) await Promise.all([page.waitForNavigation(), button.click()]);
    await assertNothingMoreSent('pressing again sends nothing more');
    assert.equal(sink.messages.length, totalBefore + 1 + TARGETS.length);
    assert.deepEqual([...errors.pageErrors, ...errors.consoleErrors], []);
  } finally {
    await context.close();
  }
});

test('reply-to by consent: asked unticked; the letter of the signer who ticked it carries Reply-To with their address, the other’s has no trace of theirs', async () => {
  const target = TARGETS[0];
  const agreed = { firstName: 'Asel', lastName: 'Agreed', email: `asel.agreed+${process.pid}@signer-mail.example`, country: 'KZ' };
  const declined = { firstName: 'Bolat', lastName: 'Declined', email: `bolat.declined+${process.pid}@other-signer.example`, country: 'FR' };
  const before = messagesTo(target.email).length;

  for (const [signer, tick] of [[agreed, true], [declined, false]] as const) {
    const { page, widget, errors } = await open('reply-to.html');
    try {
      const box = widget.locator('input[name="consentReplyTo"]');
      assert.equal(await box.count(), 1, 'the form asks');
      assert.equal(await box.getAttribute('type'), 'checkbox');
      assert.equal(await box.isChecked(), false, 'unticked');
      assert.equal((await widget.locator('label[for="appeal-reply-to"]').innerText()).trim(), tr(en, 'consent.replyTo'));
      await fillSigner(widget, signer, { consent: false });
      if (tick) await box.check();
      await widget.locator('button[type="submit"]').click();
      const thanks = widget.locator('[part="thanks"]');
      await thanks.waitFor({ timeout: 15_000 });
      assert.ok((await thanks.innerText()).includes(tr(en, 'thanks.letterQueued', { to: demoDocument.letter.to })), await thanks.innerText());
      assert.deepEqual([...errors.pageErrors, ...errors.consoleErrors], []);
    } finally {
      await page.context().close();
    }
  }

  await until(() => messagesTo(target.email).length >= before + 2, 15_000, 'two letters at the target');
  await assertNothingMoreSent('one letter per signer');
  const letters = messagesTo(target.email).slice(before);
  assert.equal(letters.length, 2);
  const fromA = letters.filter((message) => (message.parsed.text ?? '').includes('Asel Agreed'));
  const fromB = letters.filter((message) => (message.parsed.text ?? '').includes('Bolat Declined'));
  assert.equal(fromA.length, 1, 'one letter from A');
  assert.equal(fromB.length, 1, 'one letter from B');

  const a = fromA[0]!;
  assert.deepEqual(a.envelope, { from: FROM_ADDRESS, to: [target.email] });
  assert.deepEqual(a.parsed.replyTo?.value.map((address) => address.address?.toLowerCase()), [agreed.email.toLowerCase()]);

  const b = fromB[0]!;
  assert.deepEqual(b.envelope, { from: FROM_ADDRESS, to: [target.email] });
  assert.equal(b.parsed.replyTo, undefined, 'no Reply-To');
  assert.doesNotMatch(headerPart(b), /^reply-to:/im);
  for (const needle of [declined.email.toLowerCase(), 'bolat.declined', 'other-signer.example']) {
    assert.ok(!headerPart(b).toLowerCase().includes(needle), `${needle} in the headers:\n${headerPart(b)}`);
    assert.ok(!JSON.stringify(b.envelope).toLowerCase().includes(needle), `${needle} in the envelope`);
    assert.ok(!b.raw.toString('latin1').toLowerCase().includes(needle), `${needle} in the letter`);
  }
});
